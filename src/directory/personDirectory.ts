import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { Connection } from 'mongoose';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors/GatehouseError.ts';
import { decoyPasswordHash, passwordHashNeedsUpgrade } from '../factors/password/passwordHasher.ts';
import { factors } from '../factors/index.ts';
import { systemActor, type Actor, type AuditLog } from '../security/createAuditLog.ts';
import { adminRole } from '../security/isAdministrator.ts';
import { createPasswordRules, passwordOwnerOf, type PasswordRules } from '../security/passwordRules.ts';
import { artefactRepository } from '../store/repositories/artefactRepository.ts';
import { classRepository } from '../store/repositories/classRepository.ts';
import { ipGroupRepository } from '../store/repositories/ipGroupRepository.ts';
import { attemptRepository } from '../store/repositories/attemptRepository.ts';
import { personRepository, type StoredPerson } from '../store/repositories/personRepository.ts';
import { checkName, profileFields, toPersonInput, toPersonView, validatePersonInput, verifiedFlags, type PersonInput, type PersonView, type ValidPerson } from './personInput.ts';
import { addressKey, type AddressChannel } from './verifiedAddresses.ts';
import { hashNewPassword, passwordMatches, validatePersonWithPassword } from './personPasswords.ts';
import { createPersonKeys, userKeyOf } from './personKeys.ts';
import { temporaryPasswordExpired } from './temporaryPasswordExpired.ts';
import { filterPersons, type PersonQuery, type PersonPage } from './filterPersons.ts';
import type { PersonPlanner } from './personPlanner.ts';
import type { ClassPolicy, Plan, PolicyContext } from '../policy/types.ts';

export { toPersonView, validatePersonInput } from './personInput.ts';
export type { PersonInput, PersonView } from './personInput.ts';

type Options = { actor?: Actor };

/** The stored fields a change removes when its document leaves them out: the profile and the verified marks. */
const clearableFields = [...Object.values(profileFields), ...verifiedFlags.map(({ stored }) => stored)];

/** True when storing `person` (and a new password hash, if any) would change nothing. */
const unchanged = (existing: StoredPerson, person: ValidPerson, passwordHash: string | undefined) =>
  !passwordHash &&
  clearableFields.every((field) => person[field] !== undefined || existing[field] === undefined) &&
  Object.entries(person).every(([field, value]) => isDeepStrictEqual(existing[field as keyof StoredPerson], value));

const key = (value: string) => value.toLowerCase();

/** An _id no person has: looked up for a user ID nobody claims, so that both cases do the same work. */
const unclaimed = 'no-person';

/**
 * Persons of the directory: created, changed, renamed and deleted here only, each change
 * audited. Names and user IDs stay unique through claims (personKeys.ts); the `sub` never
 * changes, so a rename is invisible to relying parties.
 */
export function createPersonDirectory(connection: Connection, audit: AuditLog, planner: PersonPlanner, passwordRules: PasswordRules = createPasswordRules()) {
  const persons = personRepository(connection);
  const Classes = classRepository(connection);
  const IpGroups = ipGroupRepository(connection);
  const personKeys = createPersonKeys(connection);

  /**
   * The person a user ID belongs to (ignoring case), through its claim (personKeys.ts):
   * two lookups by _id, the same two whether the user ID is known or not, so that neither
   * the time taken nor the database's scans grow with the directory or tell the two apart.
   * A claim is made before a person holds the user ID and released after, so a person who
   * holds it always has it claimed; a claim left by a change that died names a person who
   * does not hold it, and finds nobody.
   */
  async function personByUserId(userId: string): Promise<StoredPerson | null> {
    if (typeof userId !== 'string' || userId.length > 64) return null;
    const userKey = key(userId.trim());
    const claimant = await personKeys.claimantOf(userKeyOf(userKey));
    // Without a limit of one, as claimantOf: a found person costs what nobody costs.
    const person = await persons.byIdReadingAll(claimant ?? unclaimed);
    return person && person.userIdKeys.includes(userKey) ? person : null;
  }

  async function findByName(name: string) {
    return typeof name === 'string' ? persons.byNameKey(key(name)) : null;
  }

  async function mustFind(name: string): Promise<StoredPerson> {
    const person = await findByName(name);
    if (!person) throw new NotFoundError(`There is no person "${name}".`);
    return person;
  }

  /** The class and IP group a person refers to must exist. */
  async function checkReferences(person: ValidPerson): Promise<void> {
    if (!person.className.startsWith('*') && !(await Classes.exists(key(person.className)))) {
      throw new InvalidInputError(`class: there is no class "${person.className}" (use *DFT, *NEVER or an existing class).`);
    }
    if (person.ipGroup && !(await IpGroups.exists(key(person.ipGroup)))) {
      throw new InvalidInputError(`ip_group: there is no IP group "${person.ipGroup}".`);
    }
  }

  /** Stores a new person after claiming its name and user IDs; nothing stays claimed on failure. */
  async function create(doc: StoredPerson, actor: Actor): Promise<void> {
    const keys = personKeys.keysOf(doc);
    await personKeys.claim(doc._id, keys);
    try {
      await persons.insert(doc);
    } catch (error) {
      await personKeys.release(doc._id, keys);
      if ((error as { code?: number }).code === 11000) throw new ConflictError(`sub: a person with sub "${doc._id}" already exists.`);
      throw error;
    }
    await audit.record({ actor, action: 'create', entity: 'person', entityId: doc._id, after: toPersonView(doc) });
  }

  /** Replaces the fields of `existing` with `person` (claims first, releases after; a new password ends a temporary one); audited. */
  async function replace(existing: StoredPerson, person: ValidPerson, passwordHash: string | undefined, actor: Actor, action = 'update'): Promise<StoredPerson> {
    const set: Partial<StoredPerson> = { ...person, ...(passwordHash ? { passwordHash } : {}), lastUpdate: new Date() };
    const unset = [...clearableFields.filter((field) => person[field] === undefined && existing[field] !== undefined), ...(passwordHash && existing.temporaryPassword ? (['temporaryPassword'] as const) : [])];
    const oldKeys = personKeys.keysOf(existing);
    const newKeys = personKeys.keysOf(person);
    await personKeys.claim(existing._id, newKeys.filter((k) => !oldKeys.includes(k)));
    await persons.replaceFields(existing._id, set, unset);
    await personKeys.release(existing._id, oldKeys.filter((k) => !newKeys.includes(k)));
    const updated = { ...existing, ...set } as StoredPerson;
    for (const field of unset) delete updated[field];
    await audit.record({
      actor,
      action,
      entity: 'person',
      entityId: existing._id,
      before: toPersonView(existing),
      after: { ...toPersonView(updated), ...(passwordHash ? { password_changed: true } : {}) },
    });
    return updated;
  }

  const validated = (input: unknown) => validatePersonWithPassword(passwordRules, input);
  return {
    /** The password rules every path that sets a password goes through (import checks its entries with them). */
    passwordRules,
    /** A person document as add would take it (the password rules too), without storing it. */
    validate: validated,

    async add(input: unknown, options: Options & { sub?: string } = {}): Promise<PersonView> {
      const { person, password, passwordHash } = validated(input);
      await checkReferences(person);
      const doc: StoredPerson = {
        _id: options.sub ?? randomUUID(),
        ...person,
        passwordHash: password !== undefined ? await hashNewPassword(password) : passwordHash,
        lastUpdate: new Date(),
      };
      await create(doc, options.actor ?? systemActor);
      return toPersonView(doc);
    },

    /**
     * Creates the person (with `options.sub` when given), or replaces the record of the
     * person with the same name, compared ignoring case. A replaced person keeps its sub,
     * its last use and whatever this input does not describe (such as factor enrolments),
     * and keeps its password when the input gives neither password nor password_hash.
     * Every other field of the input format is replaced: left out, a profile field is
     * removed and enabled, roles and class return to their defaults.
     */
    async put(input: unknown, options: Options & { sub?: string } = {}): Promise<{ person: PersonView; status: 'created' | 'updated' | 'unchanged' }> {
      const { person, password, passwordHash } = validated(input);
      await checkReferences(person);
      const existing = await findByName(person.name);
      const newHash = password !== undefined ? await hashNewPassword(password) : passwordHash;
      const actor = options.actor ?? systemActor;
      if (!existing) {
        const doc: StoredPerson = { _id: options.sub ?? randomUUID(), ...person, passwordHash: newHash, lastUpdate: new Date() };
        await create(doc, actor);
        return { person: toPersonView(doc), status: 'created' };
      }
      if (unchanged(existing, person, newHash === existing.passwordHash ? undefined : newHash)) return { person: toPersonView(existing), status: 'unchanged' };
      return { person: toPersonView(await replace(existing, person, newHash, actor)), status: 'updated' };
    },

    /** Changes some fields of a person ("1=Work with"); the name changes only by rename. */
    async update(name: string, changes: unknown, options: Options = {}): Promise<PersonView> {
      if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) throw new InvalidInputError('The changes must be an object of person fields.');
      if ('name' in changes) throw new InvalidInputError('name: use rename to change a person\'s name.');
      if ('password_hash' in changes) throw new InvalidInputError('password_hash: set a password with the password field.');
      const existing = await mustFind(name);
      const merged: Record<string, unknown> = { ...toPersonInput(existing), ...changes };
      // A verified mark belongs to the address it was made for: a new address starts unverified unless this change marks it.
      for (const { flag, address } of verifiedFlags) {
        const given = (changes as Record<string, unknown>)[address];
        const before = existing[profileFields[address]];
        const channel = address === 'email' ? 'email' : 'sms';
        const sameAddress = typeof given === 'string' && before !== undefined && addressKey(channel, given) === addressKey(channel, before);
        if (address in changes && !(flag in changes) && !sameAddress) delete merged[flag];
      }
      for (const [field, value] of Object.entries(merged)) if (value === null) delete merged[field];
      const { person, password } = validated(merged);
      await checkReferences(person);
      const passwordHash = password !== undefined ? await hashNewPassword(password) : undefined;
      if (unchanged(existing, person, passwordHash)) return toPersonView(existing);
      return toPersonView(await replace(existing, person, passwordHash, options.actor ?? systemActor));
    },

    /** "3=Rename": a new name; the sub, user IDs and every token stay as they are. */
    async rename(name: string, newName: string, options: Options = {}): Promise<PersonView> {
      const existing = await mustFind(name);
      checkName('new_name', newName);
      // Only the directory fields are rewritten: factor enrolments stay as the factors keep them.
      const { person } = validatePersonInput({ ...toPersonInput(existing), name: newName });
      return toPersonView(await replace(existing, person, undefined, options.actor ?? systemActor, 'rename'));
    },

    /** "4=Delete": the person, its name and user IDs, and every session, grant, code and token of it. */
    async delete(name: string, options: Options = {}): Promise<void> {
      const existing = await mustFind(name);
      await persons.deleteById(existing._id);
      await personKeys.release(existing._id, personKeys.keysOf(existing));
      await Promise.all([
        artefactRepository(connection).deleteOfAccount(existing._id),
        // What the factors keep apart from the person record (sealed or hashed, but not to be left behind).
        ...factors.map((factor) => factor.forgetPerson?.(connection, existing._id)),
        attemptRepository(connection).forgetOwner(existing._id),
      ]);
      await audit.record({ actor: options.actor ?? systemActor, action: 'delete', entity: 'person', entityId: existing._id, before: toPersonView(existing) });
    },

    async show(name: string): Promise<PersonView> {
      return toPersonView(await mustFind(name));
    },

    /** "Work with Persons": filtered, sorted by name, one page at a time. */
    async list(query: PersonQuery = {}): Promise<PersonPage> {
      return filterPersons(persons, planner, query);
    },

    async setPassword(name: string, password: string, options: Options = {}): Promise<void> {
      const existing = await mustFind(name);
      passwordRules.check(password, passwordOwnerOf(existing));
      const passwordHash = await hashNewPassword(password);
      await persons.setPasswordHash(existing._id, passwordHash, new Date());
      await audit.record({ actor: options.actor ?? systemActor, action: 'set-password', entity: 'person', entityId: existing._id, after: { name: existing.name, password_changed: true } });
    },

    /**
     * Gatehouse proved an address of the person: a code or link sent to `address` was used.
     * Marked only while it is still the person's address (a change in between proves nothing).
     */
    async markAddressProven(sub: string, channel: AddressChannel, address: string): Promise<void> {
      const [field, stored] = channel === 'email' ? (['email', 'emailVerifiedFor'] as const) : (['cellPhone', 'phoneVerifiedFor'] as const);
      await persons.markAddressProven(sub, field, stored, address);
    },

    async findBySub(sub: string): Promise<StoredPerson | null> {
      return persons.byId(sub);
    },

    /** Whether any enabled person has the admin role (security/isAdministrator.ts): while none has, a start prints the first-run setup link. */
    async hasAdministrator(): Promise<boolean> {
      return persons.anyEnabledWithRole(adminRole);
    },

    /** Every person of the directory, one at a time, in no order: one pass, for the admin view's home (never a sign-in's). */
    everyone(): AsyncIterable<StoredPerson> {
      return persons.eachPerson();
    },

    /** Option 9: the person's resolved factor plan for a context, as data and in words. */
    async plan(name: string, context: unknown, now = Date.now()) {
      return planner.planFor(await mustFind(name), context, now);
    },

    /** The plan of a person at sign-in, with the class policy whose retry limits apply. */
    async planFor(person: StoredPerson, context: PolicyContext, now: number): Promise<{ plan: Plan; policy?: ClassPolicy }> {
      return planner.planWithClass(person, context, now);
    },

    /** The person a user ID belongs to (ignoring case), if any. */
    findByUserId: personByUserId,

    /**
     * The person whose user ID and password match, or undefined — the same answer, in
     * about the same time, for an unknown user ID, a wrong password or a disabled person.
     * A temporary password past its time is a wrong one. A hash made with older parameters is replaced by a current one. `accept` is asked
     * last (the IP group check): a person it refuses gets the same answer. `found` is the
     * caller's own findByUserId of the same user ID, when it has one (not looked up again).
     */
    async authenticate(userId: string, password: string, accept?: (person: StoredPerson) => Promise<boolean>, found?: StoredPerson | null): Promise<StoredPerson | undefined> {
      const person = found === undefined ? await personByUserId(userId) : found;
      const hash = person?.passwordHash ?? (await decoyPasswordHash());
      const matches = await passwordMatches(hash, password);
      if (!person || !person.passwordHash || !matches || !person.enabled || temporaryPasswordExpired(person, Date.now())) return undefined;
      if (accept && !(await accept(person))) return undefined;
      const update: Pick<StoredPerson, 'lastUsed'> & Partial<Pick<StoredPerson, 'passwordHash'>> = { lastUsed: new Date() };
      if (passwordHashNeedsUpgrade(person.passwordHash)) update.passwordHash = await hashNewPassword(password);
      await persons.recordSignIn(person._id, update);
      return { ...person, ...update };
    },

    /** The export form (password hashes, never passwords), ordered by name. */
    async exportAll(): Promise<(PersonInput & { sub: string })[]> {
      return (await persons.all()).map((person) => ({ sub: person._id, ...toPersonInput(person), ...(person.passwordHash ? { password_hash: person.passwordHash } : {}) }));
    },

    /** Who holds which name, user IDs and sub: what a bulk change checks for clashes before it writes. */
    async listIdentities(): Promise<{ sub: string; name: string; nameKey: string; userIdKeys: string[] }[]> {
      return (await persons.identities()).map((person) => ({ sub: person._id, name: person.name, nameKey: person.nameKey, userIdKeys: person.userIdKeys }));
    },
  };
}

export type PersonDirectory = ReturnType<typeof createPersonDirectory>;
