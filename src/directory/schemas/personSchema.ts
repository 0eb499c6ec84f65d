import { z } from 'zod';
import { passwordHashProblem } from '../../factors/password/parsePasswordHash.ts';
import type { StoredPerson } from '../../store/repositories/personRepository.ts';
import { fieldsOf, shortName, yesOrNo } from './commonFields.ts';

/** The person as validated, ready to store (without sub, dates and password hash). */
export type ValidPerson = Omit<StoredPerson, '_id' | 'lastUpdate' | 'lastUsed' | 'passwordHash'>;

/** Profile fields: input name → stored name (product.md "Person"). */
export const profileFields = {
  ip_group: 'ipGroup',
  external_id: 'externalId',
  id_number: 'idNumber',
  birth_date: 'birthDate',
  cell_phone: 'cellPhone',
  email: 'email',
  employee_number: 'employeeNumber',
  family_name: 'familyName',
  first_name: 'firstName',
  preferred_language: 'preferredLanguage',
  office_phone: 'officePhone',
} as const satisfies Record<string, keyof StoredPerson>;

/** The verified marks: input flag, the address field it is about, and where the proven address is stored. */
export const verifiedFlags = [
  { flag: 'email_verified', address: 'email', stored: 'emailVerifiedFor' },
  { flag: 'phone_verified', address: 'cell_phone', stored: 'phoneVerifiedFor' },
] as const;

const shown = (value: unknown) => JSON.stringify(value);
const key = (value: string) => value.toLowerCase();
const namePattern = /^[\p{L}\p{N}._@+-]{1,64}$/u;
const nameMessage = (value: unknown) => `1 to 64 letters, digits or . _ @ + - (no spaces); got ${shown(value)}.`;

/** A person name or user ID: what is typed on the sign-in page. */
export const personName = z.string({ error: (issue) => nameMessage(issue.input) }).regex(namePattern, { error: (issue) => nameMessage(issue.input) });

/**
 * A password as the inputs carry it: only that it is a text. The rules (length, user ID,
 * name, the list of common passwords) need the person and the configuration: they live in
 * security/passwordRules.ts, which the person directory applies wherever a password is set.
 */
export const passwordSchema = z.string({ error: 'a text is needed.' });

/** What the API document says of a password field. */
export const passwordRulesDescription =
  'At least PASSWORD_MIN_LENGTH (default 12) and at most 256 characters, not a user ID or the person\'s name, not on the list of common and breached passwords; stored hashed.';

const rolePattern = /^[a-z][a-z0-9_-]{0,31}$/;
const rolesMessage = 'a list of role names in lower case, such as ["admin"].';

/** A class reference: *DFT, *NEVER or a class name (stored upper-case, like the class). */
export const classReference = z
  .string({ error: (issue) => `a class name, *DFT or *NEVER; got ${shown(issue.input)}.` })
  .regex(/^(\*DFT|\*NEVER|[A-Za-z0-9_]{1,10})$/i, { error: (issue) => `a class name, *DFT or *NEVER; got ${shown(issue.input)}.` })
  .transform((value) => value.toUpperCase());

type Check = (value: string) => string | { problem: string };

const phone: Check = (value) => (/^\+?[0-9][0-9 ().-]{4,24}$/.test(value) ? value : { problem: `a phone number of digits, optionally with +, spaces, dashes or parentheses; got "${value}".` });

function birthDate(value: string): string | { problem: string } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  return date && date.toISOString().slice(0, 10) === value ? value : { problem: `a date as YYYY-MM-DD (e.g. 2001-01-01); got "${value}".` };
}

function ipGroup(value: string): string | { problem: string } {
  const result = shortName('an IP group').safeParse(value);
  return result.success ? result.data : { problem: result.error.issues[0]!.message };
}

/**
 * A profile text of at most 100 characters, trimmed; left out, null or "" = none. `check`
 * says whether it is a value of its kind (and may normalise it).
 */
function profileText(description: string, check: Check = (value) => value) {
  return z
    .string({ error: 'a text of at most 100 characters.' })
    .nullish()
    .transform((value, ctx) => {
      if (value === undefined || value === null || value === '') return undefined;
      const trimmed = value.trim();
      const checked = trimmed.length > 100 ? { problem: 'a text of at most 100 characters.' } : check(trimmed);
      if (typeof checked === 'string') return checked;
      ctx.addIssue({ code: 'custom', message: checked.problem, input: value });
      return z.NEVER;
    })
    .meta({ description });
}

const profile = {
  ip_group: profileText('IP group: sign-in only from its ranges.', ipGroup),
  external_id: profileText('Id of the person in another system (HR, directory).'),
  id_number: profileText('ID number.'),
  birth_date: profileText('Birth date, YYYY-MM-DD (released as `birthdate`).', birthDate),
  cell_phone: profileText('Cell phone: `phone_number`, and where SMS codes go.', phone),
  email: profileText('Email address: `email`, and where email codes go.', (value) => (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value) ? value : { problem: `"${value}" is not an email address.` })),
  employee_number: profileText('Employee number.'),
  family_name: profileText('Family name (`family_name`).'),
  first_name: profileText('First name (`given_name`).'),
  preferred_language: profileText('Preferred language, such as ENG (`locale`).', (value) => {
    if (!/^([A-Za-z]{3}|[a-z]{2}(-[A-Za-z0-9]{2,8})*)$/.test(value)) return { problem: `a language such as ENG, SPA, en or es-MX; got "${value}".` };
    return /^[A-Za-z]{3}$/.test(value) ? value.toUpperCase() : value;
  }),
  office_phone: profileText('Office phone.', phone),
} satisfies Record<keyof typeof profileFields, unknown>;

/** A list whose entries are all checked by `valid`; one message for the whole list, as the field's. */
const listOf = (message: string, valid: (entry: unknown) => boolean, items: Record<string, unknown>) =>
  z
    .array(z.unknown(), { error: message })
    .superRefine((entries, ctx) => {
      if (!entries.every(valid)) ctx.addIssue({ code: 'custom', message, input: entries });
    })
    .meta({ items });

/** The fields of a person document, in the order of the "Modify Person" screen. */
export const personFields = {
  name: personName.meta({ description: 'The name in the directory: unique ignoring case; 1 to 64 letters, digits or . _ @ + -.' }),
  default_user_id: personName.nullish().meta({ description: 'The login name typed on the sign-in page (default: the name).' }),
  user_ids: z
    .array(z.unknown(), { error: 'a list of user IDs.' })
    .superRefine((ids, ctx) => {
      const wrong = ids.findIndex((id) => !personName.safeParse(id).success);
      if (wrong >= 0) ctx.addIssue({ code: 'custom', message: nameMessage(ids[wrong]), input: ids });
    })
    .optional()
    .meta({ items: { type: 'string' }, description: 'More user IDs the person may sign in with.' }) as z.ZodType<string[] | undefined>,
  password: passwordSchema.optional().meta({ description: passwordRulesDescription, writeOnly: true }),
  password_hash: z
    .string({ error: passwordHashProblem(undefined) })
    .superRefine((value, ctx) => {
      const problem = passwordHashProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
    })
    .optional()
    .meta({ description: 'An argon2id hash as exported by Gatehouse, instead of a password.', writeOnly: true }),
  enabled: yesOrNo().meta({ description: 'A disabled person cannot sign in (default true).' }),
  roles: listOf(rolesMessage, (role) => typeof role === 'string' && rolePattern.test(role), { type: 'string', pattern: rolePattern.source })
    .nullish()
    .meta({ description: 'Roles, such as `admin` (may use this API).' }) as z.ZodType<string[] | null | undefined>,
  class: classReference.nullish().meta({ description: 'A class name, `*DFT` (the default class) or `*NEVER` (no second factor).' }),
  ...profile,
  email_verified: z.boolean({ error: 'true or false.' }).nullish().meta({ description: 'The email is verified (`email_verified`): set here, or by Gatehouse once a code or registration link sent to it is used.' }),
  phone_verified: z.boolean({ error: 'true or false.' }).nullish().meta({ description: 'The cell phone is verified (`phone_number_verified`): set here, or by Gatehouse once an SMS code sent to it is used.' }),
};

/**
 * A person document of import/export, the CLI and the API (product.md "Person"), made into
 * the person as stored (without the password hash), the password and the hash given.
 */
export const personSchema = fieldsOf(personFields, 'a person field', 'A person must be an object.')
  .transform((input, ctx) => {
    const defaultUserId = input.default_user_id ?? input.name;
    const userIds = [defaultUserId, ...(input.user_ids ?? []).filter((id) => key(id) !== key(defaultUserId))];
    const userIdKeys = userIds.map(key);
    if (new Set(userIdKeys).size !== userIdKeys.length) ctx.addIssue({ code: 'custom', path: ['user_ids'], message: 'the same user ID appears twice.', input: input.user_ids });
    if (input.password !== undefined && input.password_hash !== undefined) ctx.addIssue({ code: 'custom', path: ['password'], message: 'give either password or password_hash, not both.', input: input.password });
    const person: ValidPerson = {
      name: input.name,
      nameKey: key(input.name),
      defaultUserId,
      userIds,
      userIdKeys,
      enabled: input.enabled !== false,
      roles: [...new Set(input.roles ?? [])],
      className: input.class ?? '*DFT',
    };
    for (const [field, stored] of Object.entries(profileFields) as [keyof typeof profileFields, (typeof profileFields)[keyof typeof profileFields]][]) {
      const value = input[field];
      if (value !== undefined) person[stored] = value;
    }
    // `true` marks the address of this same document verified; false or left out: not verified.
    for (const { flag, address, stored } of verifiedFlags) {
      if (input[flag] !== true) continue;
      const current = person[profileFields[address]];
      if (!current) ctx.addIssue({ code: 'custom', path: [flag], message: `there is no ${address} to mark as verified.`, input: true });
      else person[stored] = current;
    }
    return { person, password: input.password, passwordHash: input.password_hash };
  })
  .meta({ id: 'PersonInput', description: 'A person of the directory; a profile field left out (or null or "") is none.' });
