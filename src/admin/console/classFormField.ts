import { ConflictError, InvalidInputError, type GatehouseError } from '../../errors/GatehouseError.ts';
import type { Translate } from '../../i18n/translate.ts';
import { fieldOfMessage } from '../../directory/schemas/parseInput.ts';
import { refusalWords } from './classRefusalWords.ts';

// The pieces of the class and IP group forms: a field as its partial (views/admin/classes/field.ejs)
// shows it, and a refusal of a service as the form shows it (at its field and in a summary).

/** A refusal of a service: the field path its message starts with ("factors.MFA.TOTP", "ranges[1]"), when it names one, and the rest. */
export type Refusal = { path?: string; message: string };

/** A service's refusal for a form in the page's language (`visit.t`, `visit.locale`): its path, and its message where classRefusalWords knows it. */
export function refusalOf(error: GatehouseError, { t, locale }: { t: Translate; locale: string }): Refusal {
  const named = fieldOfMessage(error.message);
  return named ? { path: named.path, message: refusalWords(t, locale, named.detail) } : { message: error.message };
}

export type Option = { value: string; label: string; selected: boolean };

/** A field as its partial renders it: an input (text, number), a select (`options`) or a textarea (`rows`). */
export type FormField = {
  id: string;
  name: string;
  label: string;
  value: string;
  kind: 'text' | 'number' | 'select' | 'textarea';
  hint?: string;
  hintId?: string;
  error?: string;
  errorId?: string;
  /** The ids of the hint and the error, for aria-describedby. */
  describedBy?: string;
  options?: Option[];
  min?: number;
  max?: number;
  maxLength?: number;
  rows?: number;
  autocomplete?: string;
};

/** One line of the summary at the top of a refused form: the field's label (a link to it when it is on the form) and the message. */
export type SummaryLine = { href?: string; label?: string; message: string };

/** The ids an input is described by: its hint, then its error. */
export const describedBy = (...ids: (string | undefined)[]) => ids.filter(Boolean).join(' ') || undefined;

/** A field with its error (when `error` is given) and the ids that tie the hint and the error to it. */
export function formField(field: Omit<FormField, 'hintId' | 'errorId' | 'describedBy'>): FormField {
  const hintId = field.hint ? `${field.id}-hint` : undefined;
  const errorId = field.error ? `${field.id}-error` : undefined;
  return { ...field, ...(hintId ? { hintId } : {}), ...(errorId ? { errorId } : {}), ...(hintId || errorId ? { describedBy: describedBy(hintId, errorId) } : {}) };
}

/** A form field's string from a form body (every value a string; a repeated field: its last value). */
export function formString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (Array.isArray(value)) return typeof value.at(-1) === 'string' ? (value.at(-1) as string) : '';
  return typeof value === 'string' ? value : '';
}

/** What a number field typed becomes in the input object: a number when it reads as one, else the text itself (which the schema refuses, saying what it got). */
export function numberOrText(typed: string): number | string {
  const trimmed = typed.trim();
  return /^[+-]?\d{1,15}(\.\d+)?$/.test(trimmed) ? Number(trimmed) : typed;
}

/**
 * The name of a field in the form: its path with "." as "-" ("password_reset-verify_by"),
 * since the form body's parser (qs) would make "a.b" an object.
 */
export const formNameOf = (path: string) => path.replaceAll('.', '-');

/** The id of a field's input from its name ("password_reset.verify_by" → "class-password_reset-verify_by"). */
export const fieldId = (prefix: string, name: string) => `${prefix}-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** Whether an error is one a form answers by showing itself again with the message (bad input, a name taken): nothing was changed. */
export const isFormRefusal = (error: unknown): error is InvalidInputError | ConflictError => error instanceof InvalidInputError || error instanceof ConflictError;
