import type { InvalidInputError } from '../../errors/GatehouseError.ts';
import { maximumQuestions, questionProblemText, QuestionAnswersError } from './questionAnswersInput.ts';
import type { Translate } from '../../i18n/translate.ts';
import { contexts, type ClassPolicy } from '../../policy/types.ts';

/** Question/answer pairs on the account page: at least this many, more when the class asks more. */
export const questionRowsShown = 5;

/**
 * How many answers the person's class needs: its "Number of private questions" when it
 * uses Qstn in any context (sign-in, elevated access, password reset), else none.
 */
export function questionsAskedBy(policy: ClassPolicy | undefined): number {
  if (!policy || policy.questionCount < 1) return 0;
  return contexts.some((context) => policy.priorities[context]?.Qstn !== undefined) ? policy.questionCount : 0;
}

/** The rows of the form: five, or as many as the class asks or the person has, within the service's maximum. */
export function questionRowCount(asked: number, answered: number): number {
  return Math.min(maximumQuestions, Math.max(questionRowsShown, asked, answered));
}

/** A filled row of the form: its number on the page (1-based) and what was typed. */
export type QuestionRow = { row: number; question: string; answer: string };

const field = (body: Record<string, unknown>, name: string) => (typeof body[name] === 'string' ? body[name] : '');

/**
 * The rows of the questions form (`question_<n>`, `answer_<n>`, n = 1…rows) that hold
 * anything; a row left wholly blank is not a question. Everything else is checked by
 * the private-questions service.
 */
export function readQuestionRows(body: Record<string, unknown>, rows: number): QuestionRow[] {
  const filled: QuestionRow[] = [];
  for (let row = 1; row <= rows; row += 1) {
    const question = field(body, `question_${row}`);
    const answer = field(body, `answer_${row}`);
    if (question.trim() || answer.trim()) filled.push({ row, question, answer });
  }
  return filled;
}

/**
 * The service's refusal in the words of the page: the problem's entry 2 is the second row
 * sent, which is the row numbered on the page as `rows[1].row`.
 */
export function describeQuestionProblem(error: InvalidInputError, rows: readonly QuestionRow[], t: Translate): string {
  if (!(error instanceof QuestionAnswersError)) return error.messageKey ? t(error.messageKey, error.messageParams) : error.message;
  const rowOf = (entry: number) => rows[entry - 1]?.row ?? entry;
  return questionProblemText(t, error.problem, (entry, part) => t(part === 'answer' ? 'account.questions.answer' : 'account.questions.question', { n: rowOf(entry) }));
}
