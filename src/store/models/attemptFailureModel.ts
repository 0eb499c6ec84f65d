import { Schema, type Connection, type Model } from 'mongoose';

/**
 * One failed attempt of a person at a factor: a document per failure, never a counter.
 * Inserting a document with a fresh _id is atomic on MongoDB and the embedded database
 * alike, whereas $inc on the embedded database is read-then-write and loses updates
 * under concurrency; so every instance inserts, and the count is what it reads back.
 */
export type AttemptFailure = {
  _id: string;
  personId: string;
  /** What the failure counts against: "TOTP", "OTP", "Qstn", or "password:<client address>". */
  key: string;
  /** The factor part of the key ("password" for every address), what an unlock of one factor clears. */
  factor: string;
  at: Date;
};

const attemptFailureSchema = new Schema<AttemptFailure>(
  {
    _id: { type: String, required: true },
    personId: { type: String, required: true },
    key: { type: String, required: true },
    factor: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
);
attemptFailureSchema.index({ personId: 1, key: 1, at: 1 });
attemptFailureSchema.index({ at: 1 });

export function attemptFailureModel(connection: Connection): Model<AttemptFailure> {
  return (connection.models.AttemptFailure as Model<AttemptFailure> | undefined) ??
    connection.model<AttemptFailure>('AttemptFailure', attemptFailureSchema, 'attempt_failures');
}
