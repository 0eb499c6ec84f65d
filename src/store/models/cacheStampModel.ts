import { Schema, type Connection, type Model } from 'mongoose';

/** A stamp per cached kind of record (`classes`, `settings`, `clients`): a new random value at every change (store/sharedCache.ts). */
export type CacheStamp = { _id: string; stamp: string; at: Date };

const cacheStampSchema = new Schema<CacheStamp>(
  { _id: { type: String, required: true }, stamp: { type: String, required: true }, at: { type: Date, required: true } },
  { versionKey: false },
);

export function cacheStampModel(connection: Connection): Model<CacheStamp> {
  return (connection.models.CacheStamp as Model<CacheStamp> | undefined) ?? connection.model<CacheStamp>('CacheStamp', cacheStampSchema, 'cache_stamps');
}
