import { InvalidInputError } from '../../errors/GatehouseError.ts';
import type { MessageKey } from '../../i18n/messages.en.ts';
import { translator, type Translate } from '../../i18n/translate.ts';
import { normaliseAnswer, tidyQuestion } from './normaliseAnswer.ts';

export const questionLength = { min: 3, max: 200 } as const;
export const answerLength = { min: 1, max: 200 } as const;
export const maximumQuestions = 20;

export type QuestionAnswerInput = { question: string; answer: string };
/** A question as shown, and its answer normalised (ready to hash, never stored as is). */
export type ValidQuestionAnswer = { question: string; normalisedAnswer: string };

/**
 * What is wrong with the questions sent, as a code: a message key (`questions.*`) and its
 * values. `entry` (1-based) and `part` (question, answer, or a field that is not one)
 * name where; `earlier` the entry a duplicate repeats. Whoever words it names them: the
 * API and CLI as `questions[2].answer`, a page as its own rows (questionProblemText).
 */
export type QuestionProblem = { key: MessageKey; values?: Record<string, number>; entry?: number; part?: string; earlier?: number };

/** How a wording names an entry (and one of its fields). */
export type NameEntry = (entry: number, part?: string) => string;

/** The names of the JSON document: `questions[2]`, `questions[2].answer`. */
export const documentEntryName: NameEntry = (entry, part) => `questions[${entry}]${part ? `.${part}` : ''}`;

/** A problem's placeholders: its values, and its entries as `name` calls them. */
const paramsOf = (problem: QuestionProblem, name: NameEntry): Record<string, string | number> => ({
  ...problem.values,
  ...(problem.entry === undefined ? {} : { field: name(problem.entry, problem.part) }),
  ...(problem.earlier === undefined ? {} : { earlier: name(problem.earlier) }),
});

/** A problem in words: `t`'s language, entries named by `name`. */
export function questionProblemText(t: Translate, problem: QuestionProblem, name: NameEntry): string {
  return t(problem.key, paramsOf(problem, name));
}

const english = translator('en');

/**
 * Refused questions: the message is the English wording with the document's names (the
 * CLI and the admin API show it), the problem its code for pages to word in their language.
 */
export class QuestionAnswersError extends InvalidInputError {
  readonly problem: QuestionProblem;

  constructor(problem: QuestionProblem) {
    super(questionProblemText(english, problem, documentEntryName), { messageKey: problem.key, messageParams: paramsOf(problem, documentEntryName) });
    this.problem = problem;
  }
}

const length = (text: string) => [...text].length;

/**
 * Checks a person's questions and answers: a list of at most 20 `{question, answer}`, a
 * question of 3–200 characters and an answer of 1–200 (both counted after tidying), no
 * question twice (ignoring case and spacing). A refusal is a QuestionAnswersError; its
 * problem names the entry, never an answer.
 */
export function checkQuestionAnswers(input: unknown): ValidQuestionAnswer[] {
  if (!Array.isArray(input)) throw new QuestionAnswersError({ key: 'questions.notList' });
  if (input.length > maximumQuestions) throw new QuestionAnswersError({ key: 'questions.tooMany', values: { max: maximumQuestions, count: input.length } });
  const seen = new Map<string, number>();
  return input.map((entry: unknown, index) => {
    const at = index + 1;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw new QuestionAnswersError({ key: 'questions.notObject', entry: at });
    const unknown = Object.keys(entry).filter((field) => field !== 'question' && field !== 'answer');
    if (unknown.length) throw new QuestionAnswersError({ key: 'questions.unknownField', entry: at, part: unknown[0]! });
    const { question: rawQuestion, answer: rawAnswer } = entry as Record<string, unknown>;
    if (typeof rawQuestion !== 'string') throw new QuestionAnswersError({ key: 'questions.questionNotText', entry: at, part: 'question' });
    if (typeof rawAnswer !== 'string') throw new QuestionAnswersError({ key: 'questions.answerNotText', entry: at, part: 'answer' });
    const question = tidyQuestion(rawQuestion);
    if (length(question) < questionLength.min || length(question) > questionLength.max) {
      throw new QuestionAnswersError({ key: 'questions.questionLength', entry: at, part: 'question', values: { ...questionLength, length: length(question) } });
    }
    const normalisedAnswer = normaliseAnswer(rawAnswer);
    if (length(normalisedAnswer) < answerLength.min || length(normalisedAnswer) > answerLength.max) {
      throw new QuestionAnswersError({ key: 'questions.answerLength', entry: at, part: 'answer', values: { ...answerLength, length: length(normalisedAnswer) } });
    }
    const key = normaliseAnswer(question);
    const earlier = seen.get(key);
    if (earlier !== undefined) throw new QuestionAnswersError({ key: 'questions.duplicate', entry: at, part: 'question', earlier });
    seen.set(key, at);
    return { question, normalisedAnswer };
  });
}
