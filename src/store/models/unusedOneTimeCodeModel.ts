import { Schema, type Connection, type Model } from 'mongoose';

/**
 * The "not used yet" mark of a one-time code: same `_id` and `salt` as its record in
 * oneTimeCodeModel.ts. Using the code is deleting this document, because deleteOne reports
 * a deleted document to one caller only, on MongoDB and the embedded database alike (which
 * applies conditional updates as read-then-write). Removed once `expiresAt` has passed.
 */
export type UnusedOneTimeCode = { _id: string; interactionUid: string; n: number; salt: string; expiresAt: Date };

const unusedOneTimeCodeSchema = new Schema<UnusedOneTimeCode>(
  {
    _id: { type: String, required: true },
    interactionUid: { type: String, required: true },
    n: { type: Number, required: true },
    salt: { type: String, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
unusedOneTimeCodeSchema.index({ interactionUid: 1 });
unusedOneTimeCodeSchema.index({ expiresAt: 1 });

export function unusedOneTimeCodeModel(connection: Connection): Model<UnusedOneTimeCode> {
  return (connection.models.UnusedOneTimeCode as Model<UnusedOneTimeCode> | undefined) ??
    connection.model<UnusedOneTimeCode>('UnusedOneTimeCode', unusedOneTimeCodeSchema, 'one_time_codes_unused');
}
