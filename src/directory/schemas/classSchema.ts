import { z } from 'zod';
import { contexts, factorIds, type ClassPolicy, type FactorId, type PolicyContext } from '../../policy/types.ts';
import { codeOf, fieldsOf, shortName, shortText, wholeNumber } from './commonFields.ts';

/** The codes of each coded field, with their meaning (also what `class show` prints). */
export const classCodes = {
  mfa_device: { N: 'no second factor at sign-in', C: 'code by SMS to the cell phone', E: 'code by email', S: 'on screen: a TOTP code or questions' },
  no_screen_channel: { C: 'code by SMS to the cell phone', E: 'code by email' },
  allow_otp_instead_of_totp: { Y: 'yes', N: 'no' },
  verify_by: { N: 'no verification', C: 'code by SMS', E: 'code by email', M: 'the P-R factors' },
  new_password_by: { S: 'temporary password shown on screen', C: 'temporary password by SMS', E: 'temporary password by email', N: 'the person enters a new password' },
  reset_by: { 1: 'set a new password', 2: 're-enable the disabled account', 9: 'the person selects' },
} as const;

/** What a field left out of a new class is (the "Add New Class" screen's defaults where it has them). */
export const classDefaults = {
  text: '',
  mfa_device: 'N',
  no_screen_channel: 'E',
  allow_otp_instead_of_totp: 'N',
  question_count: 0,
  max_retries: 3,
  wait_seconds: 60,
  password_reset: { verify_by: 'N', new_password_by: 'N', reset_by: '1', must_change_minutes: 10 },
} as const;

export const reservedClassNames = ['*DFT', '*NEVER'];

/** Left out, null or "": none. */
const blank = (value: unknown) => value === undefined || value === null || value === '';

const emailDomainLabel = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const topLevelDomain = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/** A domain such as example.com (a leading "@" is dropped), lower-cased; undefined for none. */
const emailDomain = z
  .string({ error: (issue) => `a domain such as example.com; got ${JSON.stringify(issue.input)}.` })
  .nullish()
  .transform((value, ctx) => {
    if (blank(value)) return undefined;
    const domain = value!.trim().replace(/^@/, '').toLowerCase();
    const labels = domain.split('.');
    if (domain.length > 253 || labels.length < 2 || !labels.every((part) => emailDomainLabel.test(part)) || !topLevelDomain.test(labels.at(-1)!)) {
      ctx.addIssue({ code: 'custom', message: `a domain such as example.com; got ${JSON.stringify(value)}.`, input: value });
    }
    return domain;
  })
  .meta({ description: 'Codes and links are only sent to addresses in this domain.' });

const apiProviderError = (value: unknown) => `the name of an MFA provider (such as DUO, OKTA, PINGID): 1 to 20 letters, digits, _ or -; got ${JSON.stringify(value)}.`;
const apiProvider = z
  .string({ error: (issue) => apiProviderError(issue.input) })
  .nullish()
  .transform((value, ctx) => {
    if (blank(value)) return undefined;
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$/.test(value!)) ctx.addIssue({ code: 'custom', message: apiProviderError(value), input: value });
    return value!.toUpperCase();
  })
  .meta({ description: 'External MFA provider of the API factor (DUO, OKTA, PINGID…).' });

/** The priorities of one context: 1–9 each, no priority twice; null means "not used". */
const contextFactors = z
  .partialRecord(z.enum(factorIds), z.number({ error: 'a priority from 1 to 9.' }).int({ error: 'a priority from 1 to 9.' }).min(1, { error: 'a priority from 1 to 9.' }).max(9, { error: 'a priority from 1 to 9.' }).nullable(), {
    // A partial record of an enum's keys refuses another key as an unknown field.
    error: (issue) => ((issue.code as string) === 'unrecognized_keys' ? `not a factor (known: ${factorIds.join(', ')}).` : 'an object of factor priorities, such as { "TOTP": 1, "OTP": 2 }.'),
  })
  .nullish()
  .transform((given, ctx) => {
    // In the order of the screen's columns, so that equal classes are stored and exported alike.
    const ordered: Partial<Record<FactorId, number>> = {};
    for (const factor of factorIds) {
      const priority = given?.[factor];
      if (priority === undefined || priority === null) continue;
      const holder = factorIds.find((other) => other !== factor && ordered[other] === priority);
      if (holder) ctx.addIssue({ code: 'custom', message: `priority ${priority} is given to both ${holder} and ${factor}.`, input: given });
      ordered[factor] = priority;
    }
    return ordered;
  })
  .meta({ description: 'Factor → priority 1–9 (1 is tried first); a factor left out (or null) is not used in the context.' });

const factors = z
  .strictObject(Object.fromEntries(contexts.map((context) => [context, contextFactors])) as Record<PolicyContext, typeof contextFactors>, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `not a context (known: ${contexts.join(', ')}).` : 'an object with the contexts MFA, AOD and P-R, such as { "MFA": { "TOTP": 1 } }.'),
  })
  .nullish()
  .transform((value): ClassPolicy['priorities'] => ({ MFA: value?.MFA ?? {}, AOD: value?.AOD ?? {}, 'P-R': value?.['P-R'] ?? {} }))
  .meta({ description: 'Priorities per context: MFA sign-in, AOD elevated access, P-R password reset.' });

const passwordResetFields = {
  verify_by: codeOf(classCodes.verify_by, classDefaults.password_reset.verify_by).meta({ description: 'N none, C code by SMS, E code by email, M the P-R factors.' }),
  new_password_by: codeOf(classCodes.new_password_by, classDefaults.password_reset.new_password_by).meta({ description: 'S shown on screen, C by SMS, E by email, N the person enters one.' }),
  reset_by: codeOf<'1' | '2' | '9'>(classCodes.reset_by, classDefaults.password_reset.reset_by).meta({ description: '1 set a new password, 2 re-enable the account, 9 the person selects.' }),
  must_change_minutes: wholeNumber(1, 999, classDefaults.password_reset.must_change_minutes, ' (999 = no limit)').meta({ description: 'A temporary password must be changed within; 999 = no limit.' }),
};
const passwordReset = z
  .strictObject(passwordResetFields, {
    error: (issue) =>
      issue.code === 'unrecognized_keys' ? `not a password reset field (known: ${Object.keys(passwordResetFields).join(', ')}).` : `an object with ${Object.keys(passwordResetFields).join(', ')}.`,
  })
  .nullish()
  .transform((value): ClassPolicy['passwordReset'] => {
    const given = value ?? classDefaults.password_reset;
    return { verifyBy: given.verify_by, newPasswordBy: given.new_password_by, resetBy: given.reset_by, mustChangeMinutes: given.must_change_minutes };
  });

/**
 * A reset must be as safe as the sign-in it replaces (product.md "Password reset"). With
 * no verification, only a new password sent to the person's own channel proves anything:
 * shown on screen it would go to whoever typed the user ID, and re-enabling an account
 * sends nothing at all. Verify N with new password N is what a class gets when its reset
 * fields are left out (product.md defaults): no self-service reset, the admin resets.
 * Verify M needs a P-R factor to ask.
 */
function passwordResetRefusal({ passwordReset: reset, priorities }: ClassPolicy): { field: string; message: string } | undefined {
  if (reset.verifyBy === 'N' && reset.newPasswordBy === 'S') {
    return { field: 'verify_by', message: 'N (no verification) would show a new password to whoever types a user ID; with new_password_by S, verify by C, E or M.' };
  }
  if (reset.verifyBy === 'N' && reset.newPasswordBy !== 'N' && reset.resetBy !== '1') {
    return { field: 'reset_by', message: `${reset.resetBy} offers re-enabling the account, which sends nothing to the person's own channel; with verify_by N only 1 (a new password sent by ${reset.newPasswordBy}) is safe.` };
  }
  if (reset.verifyBy === 'M' && Object.keys(priorities['P-R']).length === 0) {
    return { field: 'verify_by', message: 'M asks the P-R factors, but none has a priority in factors.P-R; give one (factors.P-R.TOTP, for example) or verify by C or E.' };
  }
  return undefined;
}

const allowOtp = z
  .union([z.boolean(), z.string(), z.number()], { error: (issue) => `one of Y (yes), N (no); got ${JSON.stringify(issue.input)}.` })
  .optional()
  .transform((value, ctx) => {
    if (typeof value === 'boolean') return value;
    const code = codeOf(classCodes.allow_otp_instead_of_totp, classDefaults.allow_otp_instead_of_totp).safeParse(value);
    if (!code.success) ctx.addIssue({ code: 'custom', message: code.error.issues[0]!.message, input: value });
    return code.data === 'Y';
  })
  .meta({ enum: ['Y', 'N'], default: 'N', description: 'Y: a person asked for TOTP may get a one-time code instead ("try another way").' });

/** The fields of a class, in the order of the "Add New Class" screen. */
export const classFields = {
  name: shortName('a class', reservedClassNames).meta({ description: '1 to 10 characters A–Z, 0–9 or _ (stored upper-case; unique ignoring case).' }),
  text: shortText().meta({ description: 'Description, at most 50 characters.' }),
  mfa_device: codeOf(classCodes.mfa_device, classDefaults.mfa_device).meta({ description: 'N none, S on screen (TOTP, questions), C code by SMS, E code by email.' }),
  no_screen_channel: codeOf(classCodes.no_screen_channel, classDefaults.no_screen_channel).meta({ description: 'Where a code goes when the device is S but nothing on screen is usable: C SMS, E email.' }),
  email_domain: emailDomain,
  allow_otp_instead_of_totp: allowOtp,
  factors,
  api_provider: apiProvider,
  question_count: wholeNumber(0, 10, classDefaults.question_count).meta({ description: 'Private questions asked in one challenge.' }),
  max_retries: wholeNumber(0, 99, classDefaults.max_retries, ' (0 = no maximum)').meta({ description: 'Consecutive failures before the wait; 0 = no maximum.' }),
  wait_seconds: wholeNumber(1, 999, classDefaults.wait_seconds, ' (999 = no retry until an admin unlocks)').meta({ description: 'Wait after the retries are used up; 999 = until an admin unlocks.' }),
  password_reset: passwordReset.meta({ description: 'How a person of the class resets their password.' }),
};

/**
 * A whole class in the input format of the JSON API, import/export and the CLI
 * (product.md "Class": snake_case, the codes of the "Add New Class" screen), made into the
 * class as stored. Fields left out take `classDefaults`; codes are accepted in either case.
 */
export const classSchema = fieldsOf(classFields, 'a class field', 'A class must be an object.')
  .transform((input): ClassPolicy => ({
    name: input.name,
    text: input.text,
    mfaDevice: input.mfa_device,
    noScreenChannel: input.no_screen_channel,
    allowOtpInsteadOfTotp: input.allow_otp_instead_of_totp,
    priorities: input.factors,
    questionCount: input.question_count,
    maxRetries: input.max_retries,
    waitSeconds: input.wait_seconds,
    passwordReset: input.password_reset,
    ...(input.email_domain !== undefined ? { emailDomain: input.email_domain } : {}),
    ...(input.api_provider !== undefined ? { apiProvider: input.api_provider } : {}),
  }))
  .superRefine((policy, ctx) => {
    const usesApi = contexts.filter((context) => policy.priorities[context].API !== undefined);
    if (policy.apiProvider !== undefined && usesApi.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['api_provider'], message: 'only used with the API factor; give API a priority in a context (factors.MFA.API, for example) or leave api_provider out.' });
    }
    if (policy.apiProvider === undefined && usesApi.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['api_provider'], message: `required with the API factor (used in factors.${usesApi[0]}): the MFA provider to call, such as DUO, OKTA or PINGID.` });
    }
    // A question challenge that asks no question would let anyone through.
    const usesQuestions = contexts.filter((context) => policy.priorities[context].Qstn !== undefined);
    if (policy.questionCount === 0 && usesQuestions.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['question_count'], message: `the Qstn factor is used (factors.${usesQuestions[0]}.Qstn), so at least 1 question must be asked.` });
    }
    const refusal = passwordResetRefusal(policy);
    if (refusal) ctx.addIssue({ code: 'custom', path: ['password_reset', refusal.field], message: refusal.message });
  })
  .meta({ id: 'ClassInput', description: 'A class: which second factor, with what limits. A field left out gets its default.' });
