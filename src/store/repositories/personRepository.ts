import type { Connection } from 'mongoose';
import { personModel, type StoredPerson, type StoredTemporaryPassword } from '../models/personModel.ts';
import { personKeyClaims } from './personKeyClaims.ts';

export type { StoredEmergencyTokenSet, StoredPerson, StoredQuestionAnswer, StoredTemporaryPassword, StoredTotpCandidate, StoredTotpKey, TotpAlgorithm } from '../models/personModel.ts';
export type { PersonKey } from '../models/personKeyModel.ts';

/** What "Work with Persons" filters on in the store (directory/filterPersons.ts); every filter given must match. */
export type PersonFilter = {
  /** Contained (ignoring case) in the name, first/family name, email, external ID, employee number, ID number or a user ID. */
  text?: string;
  /** A lower-cased user ID, held exactly. */
  userIdKey?: string;
  /** TOTP key active (true) or not (false). */
  totpActive?: boolean;
  /** Private questions answered (true) or not (false). */
  questionsAnswered?: boolean;
};

/** A person's name and user IDs as their claims are made of them (personKeys.ts). */
export type PersonIdentity = Pick<StoredPerson, '_id' | 'name' | 'nameKey' | 'userIdKeys'>;

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The database filter of a PersonFilter. */
function storedFilter(filter: PersonFilter): Record<string, unknown> {
  const and: Record<string, unknown>[] = [];
  if (filter.text) {
    const pattern = { $regex: escapeRegex(filter.text), $options: 'i' };
    and.push({
      $or: ['name', 'firstName', 'familyName', 'email', 'externalId', 'employeeNumber', 'idNumber', 'userIdKeys'].map((field) => ({ [field]: pattern })),
    });
  }
  if (filter.userIdKey) and.push({ userIdKeys: filter.userIdKey });
  if (filter.totpActive !== undefined) and.push(filter.totpActive ? { 'totp.state': 'active' } : { 'totp.state': { $ne: 'active' } });
  if (filter.questionsAnswered !== undefined) and.push({ 'questionAnswers.0': { $exists: filter.questionsAnswered } });
  return and.length ? { $and: and } : {};
}

/**
 * Persons (the `persons` collection) and the claims on their names and user IDs
 * (`person_keys`, personKeyClaims.ts). What the factors keep on the person record is
 * written through factorStateRepository.ts.
 */
export function personRepository(connection: Connection) {
  const Persons = personModel(connection);

  return {
    ...personKeyClaims(connection),

    async byId(sub: string): Promise<StoredPerson | null> {
      return Persons.findById(sub).lean();
    },

    /**
     * The person with this _id, asked without a limit of one: a database that scans for it
     * (the embedded one) reads to the end either way, so a hit costs what a miss costs.
     */
    async byIdReadingAll(sub: string): Promise<StoredPerson | undefined> {
      const [person] = await Persons.find({ _id: sub }).lean();
      return person;
    },

    async byNameKey(nameKey: string): Promise<StoredPerson | null> {
      return Persons.findOne({ nameKey }).lean();
    },

    /** The name and user IDs of a person, by _id. */
    async identityById(sub: string): Promise<PersonIdentity | null> {
      return Persons.findById(sub, { name: 1, nameKey: 1, userIdKeys: 1 }).lean();
    },

    /** Which of these _ids are persons' (the others are gone). */
    async existingIds(ids: string[]): Promise<string[]> {
      return (await Persons.find({ _id: { $in: ids } }, { _id: 1 }).lean()).map((person) => person._id);
    },

    /** Stores a new person; a person with the same _id makes it fail with the duplicate-key error (code 11000). */
    async insert(person: StoredPerson): Promise<void> {
      await Persons.create(person);
    },

    /** Sets `set` and removes the `unset` fields of the person. */
    async replaceFields(sub: string, set: Partial<StoredPerson>, unset: readonly string[]): Promise<void> {
      await Persons.updateOne({ _id: sub }, { $set: set, ...(unset.length ? { $unset: Object.fromEntries(unset.map((field) => [field, 1])) } : {}) });
    },

    /** A new password of the person's own (or an admin's choice): no longer a temporary one. */
    async setPasswordHash(sub: string, passwordHash: string, lastUpdate: Date): Promise<void> {
      await Persons.updateOne({ _id: sub }, { $set: { passwordHash, lastUpdate }, $unset: { temporaryPassword: 1 } });
    },

    /** A temporary password (directory/temporaryPasswords.ts): its hash, and how long it signs in. */
    async setTemporaryPassword(sub: string, passwordHash: string, temporaryPassword: StoredTemporaryPassword, lastUpdate: Date): Promise<void> {
      await Persons.updateOne({ _id: sub }, { $set: { passwordHash, temporaryPassword, lastUpdate } });
    },

    /** A sign-in: the time of use, and a replaced password hash when there is one. */
    async recordSignIn(sub: string, update: Pick<StoredPerson, 'lastUsed'> & Partial<Pick<StoredPerson, 'passwordHash'>>): Promise<void> {
      await Persons.updateOne({ _id: sub }, { $set: update });
    },

    /** Marks `address` proven in `stored`, only while `field` still holds that address. */
    async markAddressProven(sub: string, field: 'email' | 'cellPhone', stored: 'emailVerifiedFor' | 'phoneVerifiedFor', address: string): Promise<void> {
      await Persons.updateOne({ _id: sub, [field]: address }, { $set: { [stored]: address } });
    },

    async deleteById(sub: string): Promise<void> {
      await Persons.deleteOne({ _id: sub });
    },

    /** How many persons name this class (`className`) or IP group (`ipGroup`), compared ignoring case. */
    async countUsing(field: 'className' | 'ipGroup', name: string): Promise<number> {
      return Persons.countDocuments({ [field]: { $regex: `^${escapeRegex(name)}$`, $options: 'i' } });
    },

    /** Whether an enabled person holds `role` (a scan: asked at start and by the setup link, never on a sign-in's path). */
    async anyEnabledWithRole(role: string): Promise<boolean> {
      return (await Persons.exists({ enabled: true, roles: role })) !== null;
    },

    async countMatching(filter: PersonFilter): Promise<number> {
      return Persons.countDocuments(storedFilter(filter));
    },

    /** The persons matching, sorted by name key; `skip` and `limit` make a page. */
    async matching(filter: PersonFilter, page?: { skip: number; limit: number }): Promise<StoredPerson[]> {
      const found = Persons.find(storedFilter(filter)).sort({ nameKey: 1 });
      return page ? found.skip(page.skip).limit(page.limit).lean() : found.lean();
    },

    /** Every person, sorted by name key (the export). */
    async all(): Promise<StoredPerson[]> {
      return Persons.find().sort({ nameKey: 1 }).lean();
    },

    /** Who holds which name and user IDs, sorted by name key. */
    async identities(): Promise<PersonIdentity[]> {
      return Persons.find({}, { name: 1, nameKey: 1, userIdKeys: 1 }).sort({ nameKey: 1 }).lean();
    },

    /** Every person, one at a time, in no order (a cursor: one pass over a large directory, for the admin view's home). */
    eachPerson(): AsyncIterable<StoredPerson> {
      return Persons.find().lean<StoredPerson>().cursor() as AsyncIterable<StoredPerson>;
    },

    /** The name key and user ID keys of every person, one at a time (a cursor: the directory may be large). */
    eachKeyHolder(): AsyncIterable<Pick<StoredPerson, '_id' | 'nameKey' | 'userIdKeys'>> {
      return Persons.find({}, { nameKey: 1, userIdKeys: 1 }).lean().cursor();
    },
  };
}

export type PersonRepository = ReturnType<typeof personRepository>;
