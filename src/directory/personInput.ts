import { InvalidInputError } from '../errors/GatehouseError.ts';
import { checkShortName } from './classInput.ts';
import type { StoredPerson } from '../store/models/personModel.ts';
import { passwordHashProblem } from '../factors/password/parsePasswordHash.ts';
import { emailVerified, phoneVerified } from './verifiedAddresses.ts';

/** The fields of a person in import/export, the CLI and the API (product.md "Person"). */
export type PersonInput = {
  name: string;
  default_user_id?: string;
  user_ids?: string[];
  password?: string;
  password_hash?: string;
  enabled?: boolean;
  roles?: string[];
  class?: string;
  ip_group?: string;
  external_id?: string;
  id_number?: string;
  birth_date?: string;
  cell_phone?: string;
  email?: string;
  employee_number?: string;
  family_name?: string;
  first_name?: string;
  preferred_language?: string;
  office_phone?: string;
  /** The email is verified: set by an admin, or by Gatehouse when a code or link sent to it is used. */
  email_verified?: boolean;
  /** The cell phone is verified: set by an admin, or by Gatehouse when an SMS code is used. */
  phone_verified?: boolean;
};

export type PersonView = Omit<PersonInput, 'password' | 'password_hash'> & {
  sub: string;
  default_user_id: string;
  user_ids: string[];
  enabled: boolean;
  roles: string[];
  class: string;
  has_password: boolean;
  last_update: string;
  last_used?: string;
};

/** The person as validated, ready to store (without sub, dates and password hash). */
export type ValidPerson = Omit<StoredPerson, '_id' | 'lastUpdate' | 'lastUsed' | 'passwordHash'>;

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
} as const satisfies Partial<Record<keyof PersonInput, keyof StoredPerson>>;

/** The verified marks: input flag, the address field it is about, and where the proven address is stored. */
export const verifiedFlags = [
  { flag: 'email_verified', address: 'email', stored: 'emailVerifiedFor' },
  { flag: 'phone_verified', address: 'cell_phone', stored: 'phoneVerifiedFor' },
] as const;

const knownFields = ['name', 'default_user_id', 'user_ids', 'password', 'password_hash', 'enabled', 'roles', 'class', ...Object.keys(profileFields), ...verifiedFlags.map(({ flag }) => flag)];

export const minimumPasswordLength = 8;

export function checkPassword(password: unknown, field = 'password'): string {
  if (typeof password !== 'string' || password.length < minimumPasswordLength) {
    throw new InvalidInputError(`${field}: at least ${minimumPasswordLength} characters.`);
  }
  if (password.length > 1024) throw new InvalidInputError(`${field}: at most 1024 characters.`);
  return password;
}

/** A person name or user ID: what is typed on the sign-in page. */
export function checkName(field: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[\p{L}\p{N}._@+-]{1,64}$/u.test(value)) {
    throw new InvalidInputError(`${field}: 1 to 64 letters, digits or . _ @ + - (no spaces); got ${JSON.stringify(value)}.`);
  }
  return value;
}

function checkText(field: string, value: unknown, max = 100): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.trim().length > max) throw new InvalidInputError(`${field}: a text of at most ${max} characters.`);
  return value.trim();
}

/** Per profile field: a check that returns the value to store, or throws naming the field. */
const profileChecks: Record<keyof typeof profileFields, (field: string, value: string) => string> = {
  ip_group: (field, value) => checkShortName(field, value, 'an IP group'),
  external_id: (_field, value) => value,
  id_number: (_field, value) => value,
  birth_date: (field, value) => {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
    if (!date || date.toISOString().slice(0, 10) !== value) throw new InvalidInputError(`${field}: a date as YYYY-MM-DD (e.g. 2001-01-01); got "${value}".`);
    return value;
  },
  cell_phone: (field, value) => checkPhone(field, value),
  email: (field, value) => {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) throw new InvalidInputError(`${field}: "${value}" is not an email address.`);
    return value;
  },
  employee_number: (_field, value) => value,
  family_name: (_field, value) => value,
  first_name: (_field, value) => value,
  preferred_language: (field, value) => {
    if (!/^([A-Za-z]{3}|[a-z]{2}(-[A-Za-z0-9]{2,8})*)$/.test(value)) {
      throw new InvalidInputError(`${field}: a language such as ENG, SPA, en or es-MX; got "${value}".`);
    }
    return /^[A-Za-z]{3}$/.test(value) ? value.toUpperCase() : value;
  },
  office_phone: (field, value) => checkPhone(field, value),
};

function checkPhone(field: string, value: string): string {
  if (!/^\+?[0-9][0-9 ().-]{4,24}$/.test(value)) throw new InvalidInputError(`${field}: a phone number of digits, optionally with +, spaces, dashes or parentheses; got "${value}".`);
  return value;
}

const key = (value: string) => value.toLowerCase();

/** A class reference: *DFT, *NEVER or a class name (stored upper-case, like the class). */
export function checkClassReference(value: unknown, field = 'class'): string {
  if (typeof value !== 'string' || !/^(\*DFT|\*NEVER|[A-Za-z0-9_]{1,10})$/i.test(value)) {
    throw new InvalidInputError(`${field}: a class name, *DFT or *NEVER; got ${JSON.stringify(value)}.`);
  }
  return value.toUpperCase();
}

/** Checks a person document; returns the stored shape (without the password hash). */
export function validatePersonInput(input: unknown): { person: ValidPerson; password?: string; passwordHash?: string } {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new InvalidInputError('A person must be an object.');
  const raw = input as Record<string, unknown>;
  for (const field of Object.keys(raw)) {
    if (!knownFields.includes(field)) throw new InvalidInputError(`${field}: not a person field (known: ${knownFields.join(', ')}).`);
  }
  const name = checkName('name', raw.name);
  const defaultUserId = checkName('default_user_id', raw.default_user_id ?? name);
  const others = raw.user_ids === undefined ? [] : raw.user_ids;
  if (!Array.isArray(others)) throw new InvalidInputError('user_ids: a list of user IDs.');
  const userIds = [defaultUserId, ...others.map((id) => checkName('user_ids', id)).filter((id) => key(id) !== key(defaultUserId))];
  const userIdKeys = userIds.map(key);
  if (new Set(userIdKeys).size !== userIdKeys.length) throw new InvalidInputError('user_ids: the same user ID appears twice.');
  if (raw.password !== undefined && raw.password_hash !== undefined) throw new InvalidInputError('password: give either password or password_hash, not both.');
  const password = raw.password === undefined ? undefined : checkPassword(raw.password);
  const passwordHash = raw.password_hash;
  const hashProblem = passwordHash === undefined ? undefined : passwordHashProblem(passwordHash);
  if (hashProblem) throw new InvalidInputError(`password_hash: ${hashProblem}`);
  if (raw.enabled !== undefined && typeof raw.enabled !== 'boolean') throw new InvalidInputError('enabled: true or false.');
  const roles = raw.roles ?? [];
  if (!Array.isArray(roles) || roles.some((r) => typeof r !== 'string' || !/^[a-z][a-z0-9_-]{0,31}$/.test(r))) {
    throw new InvalidInputError('roles: a list of role names in lower case, such as ["admin"].');
  }
  const person: ValidPerson = {
    name,
    nameKey: key(name),
    defaultUserId,
    userIds,
    userIdKeys,
    enabled: raw.enabled !== false,
    roles: [...new Set(roles as string[])],
    className: checkClassReference(raw.class ?? '*DFT'),
  };
  for (const [field, stored] of Object.entries(profileFields) as [keyof typeof profileFields, (typeof profileFields)[keyof typeof profileFields]][]) {
    const value = checkText(field, raw[field]);
    if (value !== undefined) person[stored] = profileChecks[field](field, value);
  }
  // `true` marks the address of this same document verified; false or left out: not verified.
  for (const { flag, address, stored } of verifiedFlags) {
    const value = raw[flag];
    if (value === undefined || value === null || value === false) continue;
    if (value !== true) throw new InvalidInputError(`${flag}: true or false.`);
    const current = person[profileFields[address]];
    if (!current) throw new InvalidInputError(`${flag}: there is no ${address} to mark as verified.`);
    person[stored] = current;
  }
  return { person, password, passwordHash: passwordHash as string | undefined };
}

export function toPersonView(person: StoredPerson): PersonView {
  const view: PersonView = {
    sub: person._id,
    name: person.name,
    default_user_id: person.defaultUserId,
    user_ids: person.userIds.filter((id) => id !== person.defaultUserId),
    enabled: person.enabled,
    roles: person.roles,
    class: person.className,
    has_password: Boolean(person.passwordHash),
    last_update: person.lastUpdate.toISOString(),
    ...(person.lastUsed ? { last_used: person.lastUsed.toISOString() } : {}),
  };
  for (const [field, stored] of Object.entries(profileFields)) {
    const value = person[stored];
    if (value !== undefined) (view as Record<string, unknown>)[field] = value;
  }
  if (person.email) view.email_verified = emailVerified(person);
  if (person.cellPhone) view.phone_verified = phoneVerified(person);
  return view;
}

/** The input form of a stored person (what export writes and update starts from), without the password. */
export function toPersonInput(person: StoredPerson): PersonInput {
  const { sub: _sub, has_password: _p, last_update: _u, last_used: _l, ...input } = toPersonView(person);
  return input;
}
