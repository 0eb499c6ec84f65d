import { Schema, type Connection, type Model } from 'mongoose';

/**
 * What one server instance counted in one hour (factors/attempts/createSignInTally.ts):
 * completed sign-ins and counted failures per factor. Each instance adds its counts to its
 * own bucket with one `$inc` per flush, so instances never write the same document; the
 * admin view's home sums the instances. Buckets older than eight days are swept.
 */
export type SignInTallyBucket = {
  /** `<hour>|<instance>`: the UTC hour as `2026-12-03T14`, and the counting instance's random id. */
  _id: string;
  /** The start of the hour (UTC). */
  hour: Date;
  instance: string;
  signIns: number;
  /** By factor id ("password", "TOTP", "OTP", "Qstn", "Emergency"…). */
  failures: Record<string, number>;
};

const signInTallySchema = new Schema<SignInTallyBucket>(
  {
    _id: { type: String, required: true },
    hour: { type: Date, required: true },
    instance: { type: String, required: true },
    signIns: { type: Number, default: 0 },
    failures: { type: Schema.Types.Mixed },
  },
  { versionKey: false, minimize: false },
);
// The home page's read of the last days and the sweep (never on a sign-in's path).
signInTallySchema.index({ hour: 1 });

export function signInTallyModel(connection: Connection): Model<SignInTallyBucket> {
  return (connection.models.SignInTally as Model<SignInTallyBucket> | undefined) ?? connection.model<SignInTallyBucket>('SignInTally', signInTallySchema, 'sign_in_tally');
}
