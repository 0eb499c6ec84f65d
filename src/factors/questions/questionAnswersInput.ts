import { InvalidInputError } from '../../errors/GatehouseError.ts';
import { normaliseAnswer, tidyQuestion } from './normaliseAnswer.ts';

export const questionLength = { min: 3, max: 200 } as const;
export const answerLength = { min: 1, max: 200 } as const;
export const maximumQuestions = 20;

export type QuestionAnswerInput = { question: string; answer: string };
/** A question as shown, and its answer normalised (ready to hash, never stored as is). */
export type ValidQuestionAnswer = { question: string; normalisedAnswer: string };

const length = (text: string) => [...text].length;

/**
 * Checks a person's questions and answers: a list of at most 20 `{question, answer}`, a
 * question of 3–200 characters and an answer of 1–200 (both counted after tidying), no
 * question twice (ignoring case and spacing). Messages name the entry, never an answer.
 */
export function checkQuestionAnswers(input: unknown): ValidQuestionAnswer[] {
  if (!Array.isArray(input)) throw new InvalidInputError('The questions must be a list of {"question": "...", "answer": "..."}.');
  if (input.length > maximumQuestions) throw new InvalidInputError(`At most ${maximumQuestions} questions; got ${input.length}.`);
  const seen = new Map<string, number>();
  return input.map((entry: unknown, index) => {
    const at = `questions[${index + 1}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new InvalidInputError(`${at}: an object {"question": "...", "answer": "..."}.`);
    const unknown = Object.keys(entry).filter((field) => field !== 'question' && field !== 'answer');
    if (unknown.length) throw new InvalidInputError(`${at}.${unknown[0]}: not a field (question, answer).`);
    const { question: rawQuestion, answer: rawAnswer } = entry as Record<string, unknown>;
    if (typeof rawQuestion !== 'string') throw new InvalidInputError(`${at}.question: the text of the question.`);
    if (typeof rawAnswer !== 'string') throw new InvalidInputError(`${at}.answer: the answer, as text.`);
    const question = tidyQuestion(rawQuestion);
    if (length(question) < questionLength.min || length(question) > questionLength.max) {
      throw new InvalidInputError(`${at}.question: ${questionLength.min} to ${questionLength.max} characters; got ${length(question)}.`);
    }
    const normalisedAnswer = normaliseAnswer(rawAnswer);
    if (length(normalisedAnswer) < answerLength.min || length(normalisedAnswer) > answerLength.max) {
      throw new InvalidInputError(`${at}.answer: ${answerLength.min} to ${answerLength.max} characters (extra spaces not counted); got ${length(normalisedAnswer)}.`);
    }
    const key = normaliseAnswer(question);
    const earlier = seen.get(key);
    if (earlier !== undefined) throw new InvalidInputError(`${at}.question: the same question as questions[${earlier}].`);
    seen.set(key, index + 1);
    return { question, normalisedAnswer };
  });
}
