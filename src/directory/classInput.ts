import { InvalidInputError } from '../errors/GatehouseError.ts';
import type { ClassPolicy, FactorId, PasswordResetPolicy, PolicyContext } from '../policy/types.ts';
import { classSchema } from './schemas/classSchema.ts';
import { parseInput } from './schemas/parseInput.ts';

export { classCodes, classDefaults, reservedClassNames } from './schemas/classSchema.ts';

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

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks a whole class in the input format (schemas/classSchema.ts) and returns it as
 * stored; every refusal is an InvalidInputError whose message starts with the field's path.
 */
export function validateClassInput(input: unknown): ClassPolicy {
  return parseInput(classSchema, input);
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
