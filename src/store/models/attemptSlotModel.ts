import { Schema, type Connection, type Model } from 'mongoose';

/**
 * One failure, as the n-th link of its chain (a person's factor, a person's password from
 * one address, an address): `_id` is JSON of [owner, key, n], so two failures can never
 * take the same number — inserting a unique `_id` is atomic on MongoDB and on the embedded
 * database alike, where a conditional update or $inc is a read followed by a write. Each
 * slot holds the chain's state after it, computed from the slot before, so the newest
 * slot says everything the chain needs.
 */
export type AttemptSlot = {
  _id: string;
  owner: string;
  key: string;
  /** The factor part of the key ("password" for every address), what an unlock of one factor clears. */
  factor: string;
  n: number;
  at: Date;
  state: unknown;
};

const attemptSlotSchema = new Schema<AttemptSlot>(
  {
    _id: { type: String, required: true },
    owner: { type: String, required: true },
    key: { type: String, required: true },
    factor: { type: String, required: true },
    n: { type: Number, required: true },
    at: { type: Date, required: true },
    state: { type: Schema.Types.Mixed },
  },
  { versionKey: false, minimize: false },
);
// The sweeper's and the unlock's scans (never on a sign-in's path).
attemptSlotSchema.index({ at: 1 });
attemptSlotSchema.index({ owner: 1 });

export function attemptSlotModel(connection: Connection): Model<AttemptSlot> {
  return (connection.models.AttemptSlot as Model<AttemptSlot> | undefined) ?? connection.model<AttemptSlot>('AttemptSlot', attemptSlotSchema, 'attempt_slots');
}
