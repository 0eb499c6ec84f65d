import type { StoredPerson } from '../store/repositories/personRepository.ts';
import { parseInput } from './schemas/parseInput.ts';
import { personName, personSchema, profileFields, type ValidPerson } from './schemas/personSchema.ts';
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
  /** The password is a temporary one (directory/temporaryPasswords.ts): since when, and until when (absent: no limit). */
  temporary_password?: { issued_at: string; expires_at?: string };
  last_update: string;
  last_used?: string;
};

export { profileFields, verifiedFlags, type ValidPerson } from './schemas/personSchema.ts';

/** A person name or user ID: what is typed on the sign-in page. */
export function checkName(field: string, value: unknown): string {
  return parseInput(personName, value, [field]);
}

/** Checks a person document (schemas/personSchema.ts); returns the stored shape (without the password hash). */
export function validatePersonInput(input: unknown): { person: ValidPerson; password?: string; passwordHash?: string } {
  return parseInput(personSchema, input);
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
    ...(person.temporaryPassword ? { temporary_password: { issued_at: person.temporaryPassword.issuedAt.toISOString(), ...(person.temporaryPassword.expiresAt ? { expires_at: person.temporaryPassword.expiresAt.toISOString() } : {}) } } : {}),
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
  const { sub: _sub, has_password: _p, temporary_password: _t, last_update: _u, last_used: _l, ...input } = toPersonView(person);
  return input;
}
