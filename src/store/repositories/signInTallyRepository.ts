import type { Connection } from 'mongoose';
import { signInTallyModel, type SignInTallyBucket } from '../models/signInTallyModel.ts';

export type { SignInTallyBucket };

/**
 * The hourly buckets of the sign-in tally. A flush adds to a bucket by `_id` alone (one
 * `$inc`, creating it when absent); the scans by hour serve the admin view's home and the
 * sweeper only.
 */
export function signInTallyRepository(connection: Connection) {
  const Buckets = signInTallyModel(connection);
  return {
    /** Adds `increments` (`signIns`, `failures.<factor>`) to the bucket, creating it with its hour and instance. */
    async add(bucket: Pick<SignInTallyBucket, '_id' | 'hour' | 'instance'>, increments: Record<string, number>): Promise<void> {
      await Buckets.collection.updateOne({ _id: bucket._id } as never, { $inc: increments, $setOnInsert: { hour: bucket.hour, instance: bucket.instance } }, { upsert: true });
    },

    /** Every bucket of an hour at or after `hour`, of every instance. */
    async since(hour: Date): Promise<SignInTallyBucket[]> {
      return Buckets.find({ hour: { $gte: hour } }).lean<SignInTallyBucket[]>();
    },

    async deleteBefore(hour: Date): Promise<number> {
      return (await Buckets.deleteMany({ hour: { $lt: hour } })).deletedCount;
    },
  };
}

export type SignInTallyRepository = ReturnType<typeof signInTallyRepository>;
