import type { Connection } from 'mongoose';
import { firstPartySessionModel, type StoredFirstPartySession } from '../models/firstPartySessionModel.ts';

export type { StoredFirstPartySession };
export { accountSessionCollection, adminSessionCollection } from '../models/firstPartySessionModel.ts';

/** The sessions of one first-party page (the account page…), in `collection`, by the hash of their id. */
export function firstPartySessionRepository(connection: Connection, collection: string) {
  const Sessions = firstPartySessionModel(connection, collection);
  return {
    /** The collection and its indexes (ensureIndexes does the same for the store's own models). */
    async prepare(): Promise<void> {
      await Sessions.createCollection().catch((error: { code?: number }) => {
        if (error.code !== 48) throw error; // 48: NamespaceExists, a concurrent start created it
      });
      await Sessions.createIndexes();
    },
    async insert(session: StoredFirstPartySession): Promise<void> {
      await Sessions.create(session);
    },
    async byId(id: string): Promise<StoredFirstPartySession | null> {
      return Sessions.findById(id).lean<StoredFirstPartySession>();
    },
    async setTotpCandidate(id: string, candidate: StoredFirstPartySession['totpCandidate']): Promise<void> {
      await Sessions.updateOne({ _id: id }, candidate ? { $set: { totpCandidate: candidate } } : { $unset: { totpCandidate: 1 } });
    },
    async setSeenAt(id: string, at: Date): Promise<void> {
      await Sessions.updateOne({ _id: id }, { $set: { seenAt: at } });
    },
    async deleteById(id: string): Promise<void> {
      await Sessions.deleteOne({ _id: id });
    },
    /** Every session of a person (their password was reset); how many went. A scan on the embedded database, which looks up only `_id`. */
    async deleteOfSub(sub: string): Promise<number> {
      return (await Sessions.deleteMany({ sub })).deletedCount;
    },
    async deleteExpired(now: Date): Promise<number> {
      return (await Sessions.deleteMany({ expiresAt: { $lt: now } })).deletedCount;
    },
  };
}
