import { Schema, type Connection, type Model } from 'mongoose';

/**
 * One one-time code sent for a sign-in interaction (factors/otp/). `_id` is
 * `<interactionUid>:<n>`, n = 1, 2, … per interaction, where `interactionUid` is a keyed
 * hash of the interaction's uid (never the uid itself): inserting the next n is the atomic
 * claim on "send a code now" (a concurrent send gets the duplicate-key error), and the
 * highest n is the code in force — a newer one replaces the older ones. The code itself is
 * never stored: `hash` is HMAC-SHA256 under a key derived from the master key, over the
 * random `salt`, the `_id` and the code. The record is never changed; whether the code is
 * still unused is the presence of its twin in unusedOneTimeCodeModel.ts. Kept until
 * `keepUntil` (well past the code's expiry and the interaction's life) so that n only grows.
 */
export type StoredOneTimeCode = {
  _id: string;
  interactionUid: string;
  n: number;
  personId: string;
  channel: 'email' | 'sms';
  /** The destination as it may be shown: p***@example.com, +34*******22. */
  sentTo: string;
  /**
   * HMAC of the full destination (under the same key as `hash`), so that a used code can
   * prove that address (email_verified) without the record holding it; absent on records
   * from before it existed.
   */
  destinationHash?: string;
  salt: string;
  hash: string;
  sentAt: Date;
  expiresAt: Date;
  keepUntil: Date;
};

const oneTimeCodeSchema = new Schema<StoredOneTimeCode>(
  {
    _id: { type: String, required: true },
    interactionUid: { type: String, required: true },
    n: { type: Number, required: true },
    personId: { type: String, required: true },
    channel: { type: String, required: true },
    sentTo: { type: String, required: true },
    destinationHash: String,
    salt: { type: String, required: true },
    hash: { type: String, required: true },
    sentAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    keepUntil: { type: Date, required: true },
  },
  { versionKey: false },
);
oneTimeCodeSchema.index({ interactionUid: 1, n: -1 });
oneTimeCodeSchema.index({ keepUntil: 1 });

export function oneTimeCodeModel(connection: Connection): Model<StoredOneTimeCode> {
  return (connection.models.OneTimeCode as Model<StoredOneTimeCode> | undefined) ??
    connection.model<StoredOneTimeCode>('OneTimeCode', oneTimeCodeSchema, 'one_time_codes');
}
