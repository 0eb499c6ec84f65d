import type { Connection } from 'mongoose';
import { attemptHeadModel, type AttemptHead, type ChainEntry } from '../models/attemptHeadModel.ts';
import { attemptLockModel, type AttemptLock } from '../models/attemptLockModel.ts';
import { attemptSlotModel } from '../models/attemptSlotModel.ts';

export type { AttemptHead, AttemptLock, ChainEntry };

/** A key as a field name: no dot (a path separator) and no leading `$` survive encodeURIComponent plus this. */
export const fieldOf = (key: string): string => encodeURIComponent(key).replaceAll('.', '%2E');
/** The key a field name stands for. */
export const keyOfField = (field: string): string => decodeURIComponent(field);

const slotId = (owner: string, key: string, n: number) => JSON.stringify([owner, key, n]);
const lockId = (personId: string, key: string) => JSON.stringify([personId, key]);
const isDuplicate = (error: unknown) => (error as { code?: number }).code === 11000;

/** One link of a chain as stored: what a walk along the slots adopts. */
export type StoredSlot = { n: number; at: number; state: unknown };

/**
 * The failure chains, their heads and the locks that wait for an admin (the attempts
 * aggregate). A sign-in's reads and writes here are all by `_id`: a head, a slot, an
 * insert of a slot or a lock. The scans (by owner or time) serve the sweeper and the
 * admin's unlock only.
 */
export function attemptRepository(connection: Connection) {
  const Heads = attemptHeadModel(connection);
  const Slots = attemptSlotModel(connection);
  const Locks = attemptLockModel(connection);

  return {
    async head(owner: string): Promise<AttemptHead | null> {
      return Heads.findOne({ _id: owner }).lean<AttemptHead>();
    },

    async slot(owner: string, key: string, n: number): Promise<StoredSlot | null> {
      const slot = await Slots.findOne({ _id: slotId(owner, key, n) }, { n: 1, at: 1, state: 1 }).lean();
      return slot ? { n: slot.n, at: slot.at.getTime(), state: slot.state } : null;
    },

    /** Takes slot n of the chain for this failure; false when another failure took it first. */
    async insertSlot(slot: { owner: string; key: string; factor: string; n: number; at: number; state: unknown }): Promise<boolean> {
      try {
        await Slots.create({ _id: slotId(slot.owner, slot.key, slot.n), owner: slot.owner, key: slot.key, factor: slot.factor, n: slot.n, at: new Date(slot.at), state: slot.state });
        return true;
      } catch (error) {
        if (isDuplicate(error)) return false;
        throw error;
      }
    },

    /** Writes heads' entries (and locks to note, or to drop) by `_id` alone. */
    async updateHead(owner: string, change: { entries?: Record<string, ChainEntry>; locks?: Record<string, number>; dropLocks?: string[]; dropEntries?: string[] }): Promise<void> {
      const set: Record<string, unknown> = {};
      const unset: Record<string, ''> = {};
      for (const [key, entry] of Object.entries(change.entries ?? {})) set[`keys.${fieldOf(key)}`] = entry;
      for (const [key, at] of Object.entries(change.locks ?? {})) set[`locks.${fieldOf(key)}`] = at;
      for (const key of change.dropLocks ?? []) unset[`locks.${fieldOf(key)}`] = '';
      for (const key of change.dropEntries ?? []) unset[`keys.${fieldOf(key)}`] = '';
      if (Object.keys(set).length === 0 && Object.keys(unset).length === 0) return;
      await Heads.updateOne({ _id: owner }, { ...(Object.keys(set).length ? { $set: set } : {}), ...(Object.keys(unset).length ? { $unset: unset } : {}) }, { upsert: Object.keys(set).length > 0 });
    },

    async deleteHead(owner: string): Promise<void> {
      await Heads.deleteOne({ _id: owner });
    },

    /** The lock for an admin, inserted once by whichever instance gets there first. */
    async insertLock(lock: { personId: string; key: string; factor: string; at: number }): Promise<void> {
      await Locks.create({ _id: lockId(lock.personId, lock.key), personId: lock.personId, key: lock.key, factor: lock.factor, at: new Date(lock.at) }).catch((error: unknown) => {
        if (!isDuplicate(error)) throw error;
      });
    },

    /** The admin's unlock: the person's locks of a factor, a key or every one. */
    async locksOf(personId: string, filter: { factor?: string; key?: string } = {}): Promise<AttemptLock[]> {
      return Locks.find({ personId, ...filter }).lean<AttemptLock[]>();
    },

    async deleteLocks(personId: string, keys: string[]): Promise<number> {
      if (keys.length === 0) return 0;
      return (await Locks.deleteMany({ _id: { $in: keys.map((key) => lockId(personId, key)) } })).deletedCount;
    },

    /** Everything kept of a deleted person. */
    async forgetOwner(personId: string): Promise<void> {
      await Promise.all([Heads.deleteOne({ _id: personId }), Slots.deleteMany({ owner: personId }), Locks.deleteMany({ personId })]);
    },

    // The sweeper's scans.
    async deleteSlotsBefore(before: number, owner?: { startsWith: string }): Promise<number> {
      const filter = owner ? { at: { $lt: new Date(before) }, owner: { $regex: `^${owner.startsWith.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}` } } : { at: { $lt: new Date(before) } };
      return (await Slots.deleteMany(filter)).deletedCount;
    },
    async allHeads(): Promise<AttemptHead[]> {
      return Heads.find({}).lean<AttemptHead[]>();
    },
    async allLocks(): Promise<AttemptLock[]> {
      return Locks.find({}).lean<AttemptLock[]>();
    },
    async deleteLocksOfPersons(personIds: string[], before?: number): Promise<number> {
      if (personIds.length === 0) return 0;
      return (await Locks.deleteMany({ personId: { $in: personIds }, ...(before === undefined ? {} : { at: { $lt: new Date(before) } }) })).deletedCount;
    },
  };
}

export type AttemptRepository = ReturnType<typeof attemptRepository>;
