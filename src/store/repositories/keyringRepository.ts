import type { Connection } from 'mongoose';
import { keyringModel, type Keyring, type StoredKey } from '../models/keyringModel.ts';

export type { Keyring, StoredKey } from '../models/keyringModel.ts';

/** A ring's lock (`<ring>.lock`), kept in the keyring collection beside the rings. */
export type RingLock = { _id: string; token: string; lockedAt: Date };

/** The provider's keyrings (signing keys, cookie keys), one document per ring, and the rings' locks. */
export function keyringRepository(connection: Connection) {
  const Keyrings = keyringModel(connection);
  const collectionName = Keyrings.collection.collectionName;
  // The locks are not rings: written through the driver, past the model's schema.
  const locks = () => connection.db!.collection<RingLock>(collectionName);
  return {
    /** The collection's name, for naming where a value lies. */
    collectionName,

    async byId(ring: Keyring['_id']): Promise<Keyring | null> {
      return Keyrings.findById(ring).lean();
    },

    /** Stores the ring with `keys` unless it exists (two inserting at once may see code 11000). */
    async createUnlessExists(ring: Keyring['_id'], keys: StoredKey[]): Promise<void> {
      await Keyrings.updateOne({ _id: ring }, { $setOnInsert: { keys } }, { upsert: true });
    },

    /** Writes the whole list of keys of the ring. */
    async replaceKeys(ring: Keyring['_id'], keys: StoredKey[]): Promise<void> {
      await Keyrings.updateOne({ _id: ring }, { $set: { keys } });
    },

    /** Takes a lock by inserting it: refused with code 11000 while another holds it. */
    async insertLock(lock: RingLock): Promise<void> {
      await locks().insertOne(lock);
    },

    /** Removes the lock `id` when it was taken before `before` (left by a process that died). */
    async deleteLockTakenBefore(id: string, before: Date): Promise<void> {
      await locks().deleteOne({ _id: id, lockedAt: { $lt: before } });
    },

    /** Releases a lock: only the one holding its token. */
    async deleteLock(lock: { _id: string; token: string }): Promise<void> {
      await locks().deleteOne(lock);
    },
  };
}

export type KeyringRepository = ReturnType<typeof keyringRepository>;
