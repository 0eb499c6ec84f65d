import type { Connection } from 'mongoose';
import { oneTimeCodeModel, type StoredOneTimeCode } from '../models/oneTimeCodeModel.ts';
import { unusedOneTimeCodeModel, type UnusedOneTimeCode } from '../models/unusedOneTimeCodeModel.ts';

export type { StoredOneTimeCode } from '../models/oneTimeCodeModel.ts';
export type { UnusedOneTimeCode } from '../models/unusedOneTimeCodeModel.ts';

/**
 * The one-time codes sent (`one_time_codes`, never changed) and their "not used yet" marks
 * (`one_time_codes_unused`): sending is the insert of a new _id, using is the deletion of
 * the mark, both atomic on MongoDB and the embedded database alike.
 */
export function oneTimeCodeRepository(connection: Connection) {
  const Records = oneTimeCodeModel(connection);
  const Unused = unusedOneTimeCodeModel(connection);

  return {
    /** The record with the highest n of the (stored) interaction uid: the code in force. */
    async inForce(interactionUid: string): Promise<StoredOneTimeCode | null> {
      return Records.findOne({ interactionUid }).sort({ n: -1 }).lean<StoredOneTimeCode>();
    },

    async byId(id: string): Promise<StoredOneTimeCode | null> {
      return Records.findById(id).lean<StoredOneTimeCode>();
    },

    /** Inserts the record; one of the same _id makes it fail with the duplicate-key error (code 11000). */
    async insert(record: StoredOneTimeCode): Promise<void> {
      await Records.create(record);
    },

    async insertUnusedMark(mark: UnusedOneTimeCode): Promise<void> {
      await Unused.create(mark);
    },

    /** Removes the marks of the interaction's codes before the n-th. */
    async deleteUnusedMarksBefore(interactionUid: string, n: number): Promise<void> {
      await Unused.deleteMany({ interactionUid, n: { $lt: n } });
    },

    /** Deletes the code's mark if it still has this salt; how many went (1 for the one caller that used it). */
    async deleteUnusedMark(id: string, salt: string): Promise<number> {
      return (await Unused.deleteOne({ _id: id, salt })).deletedCount;
    },

    async deleteMarksExpiredBefore(time: Date): Promise<void> {
      await Unused.deleteMany({ expiresAt: { $lt: time } });
    },

    async deleteRecordsKeptUntilBefore(time: Date): Promise<void> {
      await Records.deleteMany({ keepUntil: { $lt: time } });
    },
  };
}

export type OneTimeCodeRepository = ReturnType<typeof oneTimeCodeRepository>;
