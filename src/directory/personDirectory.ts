import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Connection } from 'mongoose';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors/GatehouseError.ts';
import { hashPassword, passwordHashNeedsUpgrade, verifyPassword, decoyPasswordHash } from '../factors/password/passwordHasher.ts';
import { systemActor, type Actor, type AuditLog } from '../security/createAuditLog.ts';
import { personModel, type StoredPerson } from '../store/models/personModel.ts';
import { createPersonKeys } from './personKeys.ts';

/** The fields a person record has in import/export, the CLI and the API (product.md "Person"). */
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

const profileFields = {
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

const knownFields = ['name', 'default_user_id', 'user_ids', 'password', 'password_hash', 'enabled', 'roles', 'class', ...Object.keys(profileFields)];

export const minimumPasswordLength = 8;

export function checkPassword(password: unknown, field = 'password'): string {
  if (typeof password !== 'string' || password.length < minimumPasswordLength) {
    throw new InvalidInputError(`${field}: at least ${minimumPasswordLength} characters.`);
  }
  if (password.length > 1024) throw new InvalidInputError(`${field}: at most 1024 characters.`);
  return password;
}

function checkName(field: string, value: unknown): string {
  if (typeof value !== 'string' || !/^[\p{L}\p{N}._@+-]{1,64}$/u.test(value)) {
    throw new InvalidInputError(`${field}: 1 to 64 letters, digits or . _ @ + - (no spaces); got ${JSON.stringify(value)}.`);
  }
  return value;
}

function checkText(field: string, value: unknown, max = 200): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length > max) throw new InvalidInputError(`${field}: a text of at most ${max} characters.`);
  return value;
}

const key = (value: string) => value.toLowerCase();

/** Checks a person document; returns the stored shape (without the password hash). */
export function validatePersonInput(input: unknown): { person: Omit<StoredPerson, '_id' | 'lastUpdate' | 'passwordHash'>; password?: string; passwordHash?: string } {
  if (typeof input !== 'object' || input === null) throw new InvalidInputError('A person must be an object.');
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
  if (passwordHash !== undefined && (typeof passwordHash !== 'string' || !passwordHash.startsWith('$argon2'))) {
    throw new InvalidInputError('password_hash: an argon2 hash as exported by Gatehouse.');
  }
  if (raw.enabled !== undefined && typeof raw.enabled !== 'boolean') throw new InvalidInputError('enabled: true or false.');
  const roles = raw.roles ?? [];
  if (!Array.isArray(roles) || roles.some((r) => typeof r !== 'string' || !/^[a-z][a-z0-9_-]{0,31}$/.test(r))) {
    throw new InvalidInputError('roles: a list of role names in lower case, such as ["admin"].');
  }
  const className = raw.class ?? '*DFT';
  if (typeof className !== 'string' || !/^(\*DFT|\*NEVER|[A-Za-z0-9_-]{1,32})$/.test(className)) {
    throw new InvalidInputError('class: a class name, *DFT or *NEVER.');
  }
  const person: Omit<StoredPerson, '_id' | 'lastUpdate' | 'passwordHash'> = {
    name,
    nameKey: key(name),
    defaultUserId,
    userIds,
    userIdKeys,
    enabled: raw.enabled !== false,
    roles: [...new Set(roles as string[])],
    className,
  };
  for (const [field, stored] of Object.entries(profileFields)) {
    const value = checkText(field, raw[field]);
    if (value !== undefined) (person as Record<string, unknown>)[stored] = value;
  }
  if (person.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(person.email)) throw new InvalidInputError(`email: "${person.email}" is not an email address.`);
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
  return view;
}

export function createPersonDirectory(connection: Connection, audit: AuditLog) {
  const Persons = personModel(connection);
  const personKeys = createPersonKeys(connection);

  /** Stores a new person after claiming its name and user IDs; nothing stays claimed on failure. */
  async function create(doc: StoredPerson): Promise<void> {
    const keys = personKeys.keysOf(doc);
    await personKeys.claim(doc._id, keys);
    try {
      await Persons.create(doc);
    } catch (error) {
      await personKeys.release(doc._id, keys);
      if ((error as { code?: number }).code === 11000) throw new ConflictError(`sub: a person with sub "${doc._id}" already exists.`);
      throw error;
    }
  }

  async function findByName(name: string) {
    return Persons.findOne({ nameKey: key(name) }).lean();
  }

  return {
    async add(input: unknown, options: { sub?: string } = {}): Promise<PersonView> {
      const { person, password, passwordHash } = validatePersonInput(input);
      const doc: StoredPerson = {
        _id: options.sub ?? randomUUID(),
        ...person,
        passwordHash: password ? await hashPassword(password) : passwordHash,
        lastUpdate: new Date(),
      };
      await create(doc);
      return toPersonView(doc);
    },

    async show(name: string): Promise<PersonView> {
      const person = await findByName(name);
      if (!person) throw new NotFoundError(`There is no person "${name}".`);
      return toPersonView(person);
    },

    async list(): Promise<PersonView[]> {
      const persons = await Persons.find().sort({ nameKey: 1 }).lean();
      return persons.map(toPersonView);
    },

    async setPassword(name: string, password: string): Promise<void> {
      checkPassword(password);
      const passwordHash = await hashPassword(password);
      const result = await Persons.updateOne({ nameKey: key(name) }, { $set: { passwordHash, lastUpdate: new Date() } });
      if (result.matchedCount === 0) throw new NotFoundError(`There is no person "${name}".`);
    },

    async findBySub(sub: string): Promise<StoredPerson | null> {
      return Persons.findById(sub).lean();
    },

    /**
     * The person whose user ID and password match, or undefined — the same answer, in
     * about the same time, for an unknown user ID, a wrong password or a disabled person.
     * A hash made with older parameters is replaced by a current one.
     */
    async authenticate(userId: string, password: string): Promise<StoredPerson | undefined> {
      const person = typeof userId === 'string' && userId.length <= 64 ? await Persons.findOne({ userIdKeys: key(userId) }).lean() : null;
      const hash = person?.passwordHash ?? (await decoyPasswordHash());
      const matches = await verifyPassword(hash, password);
      if (!person || !person.passwordHash || !matches || !person.enabled) return undefined;
      const now = new Date();
      const update: Partial<StoredPerson> = { lastUsed: now };
      if (passwordHashNeedsUpgrade(person.passwordHash)) update.passwordHash = await hashPassword(password);
      await Persons.updateOne({ _id: person._id }, { $set: update });
      return { ...person, ...update };
    },

    /** The export form (password hashes, never passwords), ordered by name. */
    async exportAll(): Promise<(PersonInput & { sub: string })[]> {
      const persons = await Persons.find().sort({ nameKey: 1 }).lean();
      return persons.map((person) => {
        const { has_password: _, last_update: _u, last_used: _l, ...view } = toPersonView(person);
        return { ...view, ...(person.passwordHash ? { password_hash: person.passwordHash } : {}) };
      });
    },

    /** Who holds which name, user IDs and sub: what a bulk change checks for clashes before it writes. */
    async listIdentities(): Promise<{ sub: string; name: string; nameKey: string; userIdKeys: string[] }[]> {
      const persons = await Persons.find({}, { name: 1, nameKey: 1, userIdKeys: 1 }).sort({ nameKey: 1 }).lean();
      return persons.map((person) => ({ sub: person._id, name: person.name, nameKey: person.nameKey, userIdKeys: person.userIdKeys }));
    },

    /**
     * Creates the person (with `options.sub` when given), or replaces the record of the
     * person with the same name, compared ignoring case. A replaced person keeps its sub,
     * its last use and whatever this input does not describe (such as factor enrolments),
     * and keeps its password when the input gives neither password nor password_hash.
     * Every other field of the input format is replaced: left out, a profile field is
     * removed and enabled, roles and class return to their defaults.
     */
    async put(input: unknown, options: { sub?: string } = {}): Promise<{ person: PersonView; status: 'created' | 'updated' | 'unchanged' }> {
      const { person, password, passwordHash } = validatePersonInput(input);
      const existing = await findByName(person.name);
      const newHash = password ? await hashPassword(password) : passwordHash;
      if (!existing) {
        const doc: StoredPerson = { _id: options.sub ?? randomUUID(), ...person, passwordHash: newHash, lastUpdate: new Date() };
        await create(doc);
        return { person: toPersonView(doc), status: 'created' };
      }
      const set: Partial<StoredPerson> = { ...person, ...(newHash ? { passwordHash: newHash } : {}) };
      const unset = Object.values(profileFields).filter((field) => person[field] === undefined && existing[field] !== undefined);
      const same = unset.length === 0 && Object.entries(set).every(([field, value]) => isDeepStrictEqual(existing[field as keyof StoredPerson], value));
      if (same) return { person: toPersonView(existing), status: 'unchanged' };
      set.lastUpdate = new Date();
      const oldKeys = personKeys.keysOf(existing);
      const newKeys = personKeys.keysOf(person);
      await personKeys.claim(existing._id, newKeys.filter((k) => !oldKeys.includes(k)));
      await Persons.updateOne(
        { _id: existing._id },
        { $set: set, ...(unset.length ? { $unset: Object.fromEntries(unset.map((field) => [field, 1])) } : {}) },
      );
      await personKeys.release(existing._id, oldKeys.filter((k) => !newKeys.includes(k)));
      const updated = { ...existing, ...set } as StoredPerson;
      for (const field of unset) delete updated[field];
      return { person: toPersonView(updated), status: 'updated' };
    },
  };
}

export type PersonDirectory = ReturnType<typeof createPersonDirectory>;
