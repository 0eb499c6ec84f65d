import { InvalidInputError } from '../errors/GatehouseError.ts';
import { contexts, factorIds, type ClassPolicy, type FactorId, type PasswordResetPolicy, type PolicyContext } from '../policy/types.ts';

/**
 * A class in the input format of the JSON API, import/export and the CLI (product.md
 * "Class"): snake_case, with the codes of the "Add New Class" screen.
 */
export type ClassInput = {
  name: string;
  text: string;
  mfa_device: ClassPolicy['mfaDevice'];
  no_screen_channel: ClassPolicy['noScreenChannel'];
  email_domain?: string;
  allow_otp_instead_of_totp: 'Y' | 'N';
  factors: Record<PolicyContext, Partial<Record<FactorId, number>>>;
  api_provider?: string;
  question_count: number;
  max_retries: number;
  wait_seconds: number;
  password_reset: { verify_by: PasswordResetPolicy['verifyBy']; new_password_by: PasswordResetPolicy['newPasswordBy']; reset_by: PasswordResetPolicy['resetBy']; must_change_minutes: number };
};

/** What a field left out of a new class is (the "Add New Class" screen's defaults where it has them). */
export const classDefaults: Omit<ClassInput, 'name' | 'factors' | 'email_domain' | 'api_provider'> = {
  text: '',
  mfa_device: 'N',
  no_screen_channel: 'E',
  allow_otp_instead_of_totp: 'N',
  question_count: 0,
  max_retries: 3,
  wait_seconds: 60,
  password_reset: { verify_by: 'N', new_password_by: 'N', reset_by: '1', must_change_minutes: 10 },
};

export const reservedClassNames = ['*DFT', '*NEVER'];

const classFields = ['name', 'text', 'mfa_device', 'no_screen_channel', 'email_domain', 'allow_otp_instead_of_totp', 'factors', 'api_provider', 'question_count', 'max_retries', 'wait_seconds', 'password_reset'];
const passwordResetFields = ['verify_by', 'new_password_by', 'reset_by', 'must_change_minutes'];

/** The codes of each coded field, with their meaning (also what `class show` prints). */
export const classCodes = {
  mfa_device: { N: 'no second factor at sign-in', C: 'code by SMS to the cell phone', E: 'code by email', S: 'on screen: a TOTP code or questions' },
  no_screen_channel: { C: 'code by SMS to the cell phone', E: 'code by email' },
  allow_otp_instead_of_totp: { Y: 'yes', N: 'no' },
  verify_by: { N: 'no verification', C: 'code by SMS', E: 'code by email', M: 'the P-R factors' },
  new_password_by: { S: 'temporary password shown on screen', C: 'temporary password by SMS', E: 'temporary password by email', N: 'the person enters a new password' },
  reset_by: { 1: 'set a new password', 2: 're-enable the disabled account', 9: 'the person selects' },
} as const;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A class (or IP group) name: 1 to 10 of A–Z, 0–9, _; returned upper-cased, as the screen shows it. */
export function checkShortName(field: string, value: unknown, what: string, reserved: string[] = []): string {
  if (typeof value === 'string' && reserved.includes(value.toUpperCase())) {
    throw new InvalidInputError(`${field}: ${value.toUpperCase()} is reserved (a person's class may be *DFT, the default class, or *NEVER, no second factor).`);
  }
  if (typeof value !== 'string' || !/^[A-Za-z0-9_]{1,10}$/.test(value)) {
    throw new InvalidInputError(`${field}: the name of ${what} is 1 to 10 characters A–Z, 0–9 or _; got ${JSON.stringify(value)}.`);
  }
  return value.toUpperCase();
}

/** A one-line description of at most `max` characters; absent = "". */
export function checkShortText(field: string, value: unknown, max = 50): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string' || value.length > max || /\p{Cc}/u.test(value)) {
    throw new InvalidInputError(`${field}: a text of at most ${max} characters on one line.`);
  }
  return value;
}

function checkCode<T extends string>(field: string, value: unknown, codes: Record<string, string>, fallback: T): T {
  if (value === undefined) return fallback;
  const code = typeof value === 'string' ? value.toUpperCase() : typeof value === 'number' ? String(value) : undefined;
  if (code === undefined || !Object.hasOwn(codes, code)) {
    const known = Object.entries(codes).map(([key, meaning]) => `${key} (${meaning})`).join(', ');
    throw new InvalidInputError(`${field}: one of ${known}; got ${JSON.stringify(value)}.`);
  }
  return code as T;
}

function checkInteger(field: string, value: unknown, min: number, max: number, fallback: number, note = ''): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidInputError(`${field}: a whole number from ${min} to ${max}${note}; got ${JSON.stringify(value)}.`);
  }
  return value;
}

/** A domain such as example.com (a leading "@" is dropped), lower-cased; undefined for none. */
function checkEmailDomain(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const domain = typeof value === 'string' ? value.trim().replace(/^@/, '').toLowerCase() : undefined;
  const label = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
  const labels = domain?.split('.') ?? [];
  if (domain === undefined || domain.length > 253 || labels.length < 2 || !labels.every((part) => label.test(part)) || !/^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/.test(labels.at(-1)!)) {
    throw new InvalidInputError(`email_domain: a domain such as example.com; got ${JSON.stringify(value)}.`);
  }
  return domain;
}

function checkApiProvider(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$/.test(value)) {
    throw new InvalidInputError(`api_provider: the name of an MFA provider (such as DUO, OKTA, PINGID): 1 to 20 letters, digits, _ or -; got ${JSON.stringify(value)}.`);
  }
  return value.toUpperCase();
}

/** The priorities of one context: 1–9 each, no priority twice; null means "not used". */
function checkContextFactors(context: PolicyContext, value: unknown): Partial<Record<FactorId, number>> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new InvalidInputError(`factors.${context}: an object of factor priorities, such as { "TOTP": 1, "OTP": 2 }.`);
  const priorities: Partial<Record<FactorId, number>> = {};
  for (const [factor, priority] of Object.entries(value)) {
    if (!(factorIds as readonly string[]).includes(factor)) {
      throw new InvalidInputError(`factors.${context}.${factor}: not a factor (known: ${factorIds.join(', ')}).`);
    }
    if (priority === null) continue;
    if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 1 || priority > 9) {
      throw new InvalidInputError(`factors.${context}.${factor}: a priority from 1 to 9.`);
    }
    priorities[factor as FactorId] = priority;
  }
  // In the order of the screen's columns, so that equal classes are stored and exported alike.
  const ordered: Partial<Record<FactorId, number>> = {};
  for (const factor of factorIds) {
    const priority = priorities[factor];
    if (priority === undefined) continue;
    const holder = factorIds.find((other) => other !== factor && ordered[other] === priority);
    if (holder) throw new InvalidInputError(`factors.${context}: priority ${priority} is given to both ${holder} and ${factor}.`);
    ordered[factor] = priority;
  }
  return ordered;
}

function checkFactors(value: unknown): ClassPolicy['priorities'] {
  if (value !== undefined && value !== null && !isObject(value)) {
    throw new InvalidInputError('factors: an object with the contexts MFA, AOD and P-R, such as { "MFA": { "TOTP": 1 } }.');
  }
  const given = value ?? {};
  for (const context of Object.keys(given)) {
    if (!(contexts as readonly string[]).includes(context)) throw new InvalidInputError(`factors.${context}: not a context (known: ${contexts.join(', ')}).`);
  }
  return { MFA: checkContextFactors('MFA', given.MFA), AOD: checkContextFactors('AOD', given.AOD), 'P-R': checkContextFactors('P-R', given['P-R']) };
}

function checkPasswordReset(value: unknown): PasswordResetPolicy {
  if (value !== undefined && value !== null && !isObject(value)) {
    throw new InvalidInputError(`password_reset: an object with ${passwordResetFields.join(', ')}.`);
  }
  const given = value ?? {};
  for (const field of Object.keys(given)) {
    if (!passwordResetFields.includes(field)) throw new InvalidInputError(`password_reset.${field}: not a password reset field (known: ${passwordResetFields.join(', ')}).`);
  }
  const defaults = classDefaults.password_reset;
  return {
    verifyBy: checkCode('password_reset.verify_by', given.verify_by, classCodes.verify_by, defaults.verify_by),
    newPasswordBy: checkCode('password_reset.new_password_by', given.new_password_by, classCodes.new_password_by, defaults.new_password_by),
    resetBy: checkCode('password_reset.reset_by', given.reset_by, classCodes.reset_by, defaults.reset_by),
    mustChangeMinutes: checkInteger('password_reset.must_change_minutes', given.must_change_minutes, 1, 999, defaults.must_change_minutes, ' (999 = no limit)'),
  };
}

function checkAllowOtp(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  return checkCode('allow_otp_instead_of_totp', value, classCodes.allow_otp_instead_of_totp, classDefaults.allow_otp_instead_of_totp) === 'Y';
}

/**
 * Checks a whole class in the input format and returns it as stored. Fields left out take
 * `classDefaults`; codes are accepted in either case; every refusal is an
 * InvalidInputError whose message starts with the field's path.
 */
export function validateClassInput(input: unknown): ClassPolicy {
  if (!isObject(input)) throw new InvalidInputError('A class must be an object.');
  for (const field of Object.keys(input)) {
    if (!classFields.includes(field)) throw new InvalidInputError(`${field}: not a class field (known: ${classFields.join(', ')}).`);
  }
  const priorities = checkFactors(input.factors);
  const policy: ClassPolicy = {
    name: checkShortName('name', input.name, 'a class', reservedClassNames),
    text: checkShortText('text', input.text),
    mfaDevice: checkCode('mfa_device', input.mfa_device, classCodes.mfa_device, classDefaults.mfa_device),
    noScreenChannel: checkCode('no_screen_channel', input.no_screen_channel, classCodes.no_screen_channel, classDefaults.no_screen_channel),
    allowOtpInsteadOfTotp: checkAllowOtp(input.allow_otp_instead_of_totp),
    priorities,
    questionCount: checkInteger('question_count', input.question_count, 0, 10, classDefaults.question_count),
    maxRetries: checkInteger('max_retries', input.max_retries, 0, 99, classDefaults.max_retries, ' (0 = no maximum)'),
    waitSeconds: checkInteger('wait_seconds', input.wait_seconds, 1, 999, classDefaults.wait_seconds, ' (999 = no retry until an admin unlocks)'),
    passwordReset: checkPasswordReset(input.password_reset),
  };
  const emailDomain = checkEmailDomain(input.email_domain);
  if (emailDomain !== undefined) policy.emailDomain = emailDomain;
  const apiProvider = checkApiProvider(input.api_provider);
  if (apiProvider !== undefined) policy.apiProvider = apiProvider;

  const usesApi = contexts.filter((context) => priorities[context].API !== undefined);
  if (apiProvider !== undefined && usesApi.length === 0) {
    throw new InvalidInputError('api_provider: only used with the API factor; give API a priority in a context (factors.MFA.API, for example) or leave api_provider out.');
  }
  if (apiProvider === undefined && usesApi.length > 0) {
    throw new InvalidInputError(`api_provider: required with the API factor (used in factors.${usesApi[0]}): the MFA provider to call, such as DUO, OKTA or PINGID.`);
  }
  // A question challenge that asks no question would let anyone through.
  const usesQuestions = contexts.filter((context) => priorities[context].Qstn !== undefined);
  if (policy.questionCount === 0 && usesQuestions.length > 0) {
    throw new InvalidInputError(`question_count: the Qstn factor is used (factors.${usesQuestions[0]}.Qstn), so at least 1 question must be asked.`);
  }
  return policy;
}

/** The input (and export) form of a stored class: every field, optional ones only when set. */
export function toClassInput(policy: ClassPolicy): ClassInput {
  return {
    name: policy.name,
    text: policy.text,
    mfa_device: policy.mfaDevice,
    no_screen_channel: policy.noScreenChannel,
    ...(policy.emailDomain !== undefined ? { email_domain: policy.emailDomain } : {}),
    allow_otp_instead_of_totp: policy.allowOtpInsteadOfTotp ? 'Y' : 'N',
    factors: { MFA: { ...policy.priorities.MFA }, AOD: { ...policy.priorities.AOD }, 'P-R': { ...policy.priorities['P-R'] } },
    ...(policy.apiProvider !== undefined ? { api_provider: policy.apiProvider } : {}),
    question_count: policy.questionCount,
    max_retries: policy.maxRetries,
    wait_seconds: policy.waitSeconds,
    password_reset: {
      verify_by: policy.passwordReset.verifyBy,
      new_password_by: policy.passwordReset.newPasswordBy,
      reset_by: policy.passwordReset.resetBy,
      must_change_minutes: policy.passwordReset.mustChangeMinutes,
    },
  };
}

/**
 * A class after a partial change: the fields given replace the current ones, except that
 * `password_reset` is merged field by field and `factors` factor by factor (a factor set
 * to null stops being used in that context). `email_domain` or `api_provider` set to null
 * or "" is removed. The name cannot change: persons refer to a class by its name.
 */
export function mergeClassInput(current: ClassInput, change: unknown): Record<string, unknown> {
  if (!isObject(change)) throw new InvalidInputError('A change to a class must be an object.');
  if (change.name !== undefined && (typeof change.name !== 'string' || change.name.toUpperCase() !== current.name)) {
    throw new InvalidInputError(`name: a class cannot be renamed (persons refer to it by name); add a new class instead.`);
  }
  const merged: Record<string, unknown> = { ...current, ...change, name: current.name };
  if (isObject(change.password_reset)) merged.password_reset = { ...current.password_reset, ...change.password_reset };
  if (isObject(change.factors)) {
    const factors: Record<string, unknown> = { ...current.factors };
    for (const [context, priorities] of Object.entries(change.factors)) {
      const before = (current.factors as Record<string, unknown>)[context];
      factors[context] = isObject(priorities) && isObject(before) ? { ...before, ...priorities } : priorities;
    }
    merged.factors = factors;
  }
  return merged;
}
