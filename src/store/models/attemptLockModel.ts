import { Schema, type Connection, type Model } from 'mongoose';

/**
 * A lock that only an admin lifts (class "Wait before next attempt" 999). Timed locks
 * need no document: they follow from the failures themselves. This one must outlive the
 * failures that caused it (they are swept after a day), so it is written once, with an
 * _id per person and key, when a failure reaches the class's maximum.
 */
export type AttemptLock = {
  /** JSON of [personId, key]: one lock per person and key, inserted at most once. */
  _id: string;
  personId: string;
  key: string;
  factor: string;
  at: Date;
};

const attemptLockSchema = new Schema<AttemptLock>(
  {
    _id: { type: String, required: true },
    personId: { type: String, required: true },
    key: { type: String, required: true },
    factor: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
attemptLockSchema.index({ personId: 1 });

export function attemptLockModel(connection: Connection): Model<AttemptLock> {
  return (connection.models.AttemptLock as Model<AttemptLock> | undefined) ?? connection.model<AttemptLock>('AttemptLock', attemptLockSchema, 'attempt_locks');
}
