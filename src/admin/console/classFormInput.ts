import type { ClassInput } from '../../directory/classInput.ts';
import { classCodes, classDefaults } from '../../directory/schemas/classSchema.ts';
import { contexts, factorIds, type FactorId, type PolicyContext } from '../../policy/types.ts';
import { formNameOf, formString, numberOrText } from './classFormField.ts';

// The "Add New Class" form as data: its fields by name (each name is the field's path in
// the input of the API, "factors.MFA.TOTP", so that a refusal's path names its input), the
// texts a form holds, and the input object the class service takes from them.

export type CodedField = keyof typeof classCodes;

/** A field of the form besides the grid; `name` is its path in the class input. */
export type ClassFieldSpec =
  | { name: ClassFieldName; kind: 'text'; maxLength?: number; autocomplete?: string }
  | { name: ClassFieldName; kind: 'number'; min: number; max: number }
  | { name: ClassFieldName; kind: 'code'; codes: CodedField };

export type ClassFieldName =
  | 'name'
  | 'text'
  | 'mfa_device'
  | 'no_screen_channel'
  | 'email_domain'
  | 'allow_otp_instead_of_totp'
  | 'api_provider'
  | 'question_count'
  | 'max_retries'
  | 'wait_seconds'
  | 'password_reset.verify_by'
  | 'password_reset.new_password_by'
  | 'password_reset.reset_by'
  | 'password_reset.must_change_minutes';

/** The fieldsets of the form in the order of the "Add New Class" screen; the factor grid comes after `signIn`. */
export const classFieldsets = {
  about: [
    { name: 'name', kind: 'text', maxLength: 10, autocomplete: 'off' },
    { name: 'text', kind: 'text', maxLength: 50 },
  ],
  signIn: [
    { name: 'mfa_device', kind: 'code', codes: 'mfa_device' },
    { name: 'no_screen_channel', kind: 'code', codes: 'no_screen_channel' },
    { name: 'email_domain', kind: 'text', maxLength: 253 },
    { name: 'allow_otp_instead_of_totp', kind: 'code', codes: 'allow_otp_instead_of_totp' },
  ],
  factors: [{ name: 'api_provider', kind: 'text', maxLength: 20 }],
  limits: [
    { name: 'question_count', kind: 'number', min: 0, max: 10 },
    { name: 'max_retries', kind: 'number', min: 0, max: 99 },
    { name: 'wait_seconds', kind: 'number', min: 1, max: 999 },
  ],
  reset: [
    { name: 'password_reset.verify_by', kind: 'code', codes: 'verify_by' },
    { name: 'password_reset.new_password_by', kind: 'code', codes: 'new_password_by' },
    { name: 'password_reset.reset_by', kind: 'code', codes: 'reset_by' },
    { name: 'password_reset.must_change_minutes', kind: 'number', min: 1, max: 999 },
  ],
} as const satisfies Record<string, readonly ClassFieldSpec[]>;

const allFields: readonly ClassFieldSpec[] = Object.values(classFieldsets).flat();

/** The name of a cell of the factor × context grid: its path in the input. */
export const cellName = (context: PolicyContext, factor: FactorId) => `factors.${context}.${factor}`;

/** What the form holds: each field's text by name, the grid's cells included ("" = not used). */
export type ClassFormValues = Record<string, string>;

/** The form's texts for a class (a new class: the defaults of "Add New Class"). */
export function classFormValues(view?: ClassInput): ClassFormValues {
  const reset = view?.password_reset ?? classDefaults.password_reset;
  const values: ClassFormValues = {
    name: view?.name ?? '',
    text: view?.text ?? classDefaults.text,
    mfa_device: view?.mfa_device ?? classDefaults.mfa_device,
    no_screen_channel: view?.no_screen_channel ?? classDefaults.no_screen_channel,
    email_domain: view?.email_domain ?? '',
    allow_otp_instead_of_totp: view?.allow_otp_instead_of_totp ?? classDefaults.allow_otp_instead_of_totp,
    api_provider: view?.api_provider ?? '',
    question_count: String(view?.question_count ?? classDefaults.question_count),
    max_retries: String(view?.max_retries ?? classDefaults.max_retries),
    wait_seconds: String(view?.wait_seconds ?? classDefaults.wait_seconds),
    'password_reset.verify_by': reset.verify_by,
    'password_reset.new_password_by': reset.new_password_by,
    'password_reset.reset_by': reset.reset_by,
    'password_reset.must_change_minutes': String(reset.must_change_minutes),
  };
  for (const context of contexts) {
    for (const factor of factorIds) {
      const priority = view?.factors[context][factor];
      values[cellName(context, factor)] = priority === undefined ? '' : String(priority);
    }
  }
  return values;
}

/** The texts a form sent, by the same names (a field not sent: ""). */
export function classFormValuesFrom(body: Record<string, unknown>): ClassFormValues {
  const values: ClassFormValues = {};
  for (const field of allFields) values[field.name] = formString(body, formNameOf(field.name));
  for (const context of contexts) for (const factor of factorIds) values[cellName(context, factor)] = formString(body, formNameOf(cellName(context, factor))).trim();
  return values;
}

/**
 * The input the class service takes (as the API's), from the form's texts. A new class
 * leaves an empty cell out; a change gives every cell, an empty one as null, which stops
 * that factor in that context (the service merges factors factor by factor). Numbers are
 * numbers when they read as one; anything else is passed as typed, for the schema to refuse.
 */
export function classInputOf(values: ClassFormValues, purpose: 'add' | 'change'): Record<string, unknown> {
  const text = (name: ClassFieldName) => (values[name] ?? '').trim();
  const factors: Record<string, Record<string, number | string | null>> = {};
  for (const context of contexts) {
    const priorities: Record<string, number | string | null> = {};
    for (const factor of factorIds) {
      const typed = values[cellName(context, factor)] ?? '';
      if (typed !== '') priorities[factor] = numberOrText(typed);
      else if (purpose === 'change') priorities[factor] = null;
    }
    factors[context] = priorities;
  }
  return {
    ...(purpose === 'add' ? { name: text('name') } : {}),
    text: text('text'),
    mfa_device: text('mfa_device'),
    no_screen_channel: text('no_screen_channel'),
    email_domain: text('email_domain'),
    allow_otp_instead_of_totp: text('allow_otp_instead_of_totp'),
    factors,
    api_provider: text('api_provider'),
    question_count: numberOrText(text('question_count')),
    max_retries: numberOrText(text('max_retries')),
    wait_seconds: numberOrText(text('wait_seconds')),
    password_reset: {
      verify_by: text('password_reset.verify_by'),
      new_password_by: text('password_reset.new_password_by'),
      reset_by: text('password_reset.reset_by'),
      must_change_minutes: numberOrText(text('password_reset.must_change_minutes')),
    },
  };
}
