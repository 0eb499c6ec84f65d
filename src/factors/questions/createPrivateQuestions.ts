import { randomBytes, randomInt } from 'node:crypto';
import type { Connection } from 'mongoose';
import { InvalidInputError, NotFoundError } from '../../errors/GatehouseError.ts';
import { systemActor, type Actor, type AuditLog } from '../../security/createAuditLog.ts';
import { factorStateRepository, type StoredQuestionAnswer } from '../../store/repositories/factorStateRepository.ts';
import type { StoredPerson } from '../../store/repositories/personRepository.ts';
import type { Verdict } from '../Verdict.ts';
import { answerMatches, hashAnswer } from './answerHash.ts';
import { countAnswers } from './countAnswers.ts';
import { normaliseAnswer } from './normaliseAnswer.ts';
import { checkQuestionAnswers } from './questionAnswersInput.ts';
import { questionsMetadata } from './questionsMetadata.ts';

type Dependencies = { connection: Connection; audit: AuditLog };
type Options = { actor?: Actor };

/** A question as shown and asked: its id and text, never its answer. */
export type PrivateQuestion = { id: string; text: string };

/** A whole number from 0 up to (not including) `max`. */
export type RandomIndex = (max: number) => number;

const asQuestion = ({ id, question }: StoredQuestionAnswer): PrivateQuestion => ({ id, text: question });
const newQuestionId = () => randomBytes(6).toString('base64url');

/**
 * Private questions (knowledge-based authentication). The answers are kept on the person,
 * each normalised and hashed with a salt of its own; a check tells only whether all the
 * questions asked were answered right, never which one was not.
 */
export function createPrivateQuestions({ connection, audit }: Dependencies) {
  const persons = factorStateRepository(connection);
  // A stored hash to compare with when an asked question no longer exists, so that every check costs the same.
  let decoy: Promise<string> | undefined;
  const decoyHash = () => (decoy ??= hashAnswer('decoy'));

  async function storedOf(personId: string): Promise<Pick<StoredPerson, '_id' | 'name' | 'questionAnswers'>> {
    const person = await persons.questionAnswersWithName(personId);
    if (!person) throw new NotFoundError(`There is no person with sub "${personId}".`);
    return person;
  }

  return {
    count: countAnswers,

    /**
     * Replaces every question and answer of the person (option 7) with `input`, a list of
     * `{question, answer}` (checkQuestionAnswers); an empty list removes them. Returns the questions with their new ids. Audited by count: question texts may
     * be personal, answers never leave this function.
     */
    async setAnswers(personId: string, input: unknown, options: Options = {}): Promise<PrivateQuestion[]> {
      const valid = checkQuestionAnswers(input);
      const person = await storedOf(personId);
      const stored: StoredQuestionAnswer[] = await Promise.all(
        valid.map(async ({ question, normalisedAnswer }) => ({ id: newQuestionId(), question, answerHash: await hashAnswer(normalisedAnswer) })),
      );
      const now = new Date();
      await persons.setQuestionAnswers(personId, stored, now);
      await audit.record({
        actor: options.actor ?? systemActor,
        action: 'set-questions',
        entity: 'person',
        entityId: personId,
        before: { name: person.name, questions_answered: countAnswers(person) },
        after: { name: person.name, questions_answered: stored.length },
      });
      return stored.map(asQuestion);
    },

    /** The person's questions, in the order they were given. */
    async questionsOf(personId: string): Promise<PrivateQuestion[]> {
      return ((await storedOf(personId)).questionAnswers ?? []).map(asQuestion);
    },

    /**
     * `count` different questions of the person, chosen at random (a partial Fisher–Yates
     * shuffle). Refused when the person has answered fewer: asking fewer than the class
     * says would weaken the check.
     */
    async pick(personId: string, count: number, random: RandomIndex = randomInt): Promise<PrivateQuestion[]> {
      const questions = ((await storedOf(personId)).questionAnswers ?? []).map(asQuestion);
      if (!Number.isInteger(count) || count < 1) throw new InvalidInputError(`The number of questions to ask must be a whole number from 1; got ${count}.`);
      if (count > questions.length) throw new InvalidInputError(`The person has answered ${questions.length} private questions; ${count} cannot be asked.`);
      for (let index = 0; index < count; index++) {
        const chosen = index + random(questions.length - index);
        [questions[index], questions[chosen]] = [questions[chosen]!, questions[index]!];
      }
      return questions.slice(0, count);
    },

    /**
     * The answers to the questions asked (`expectedIds`, by question id). Success only
     * when every one is right; a missing answer, a question since removed or any wrong
     * answer is 'wrong-answers', with no word on which.
     */
    async verify(personId: string, answers: Record<string, string>, expectedIds: readonly string[]): Promise<Verdict> {
      const person = await persons.questionAnswers(personId);
      const stored = person?.questionAnswers ?? [];
      const asked = [...new Set(expectedIds)];
      if (stored.length === 0 || asked.length === 0) return { outcome: 'not-applicable', reason: 'not-enough-answers' };
      const results = await Promise.all(
        asked.map(async (id) => {
          const entry = stored.find((candidate) => candidate.id === id);
          const given = Object.hasOwn(answers, id) ? answers[id] : undefined;
          const normalised = typeof given === 'string' && given.length <= 1000 ? normaliseAnswer(given) : '';
          const matches = await answerMatches(entry?.answerHash ?? (await decoyHash()), normalised);
          return matches && entry !== undefined && normalised !== '';
        }),
      );
      return results.every(Boolean) ? { outcome: 'success', amr: questionsMetadata.amr } : { outcome: 'retry', reason: 'wrong-answers' };
    },
  };
}

export type PrivateQuestions = ReturnType<typeof createPrivateQuestions>;
