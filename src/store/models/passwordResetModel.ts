import { Schema, type Connection, type Model } from 'mongoose';

/**
 * Where one password reset stands between its pages (src/reset/). `_id` is the keyed hash
 * of the reset's id, which only the browser's cookie holds (store/passwordResets.ts).
 * `personId` is the person the user ID named, or the stand-in of an unknown one, so both
 * go through the same steps and limits. It expires by itself (checked on read).
 */
export type PasswordReset = {
  _id: string;
  personId: string;
  /** The sign-in the person came from (its interaction uid), to go back to when done. */
  interactionUid?: string;
  /** verify: proving who they are; choose: new password or re-enable (reset by 9); password: typing a new one (new password by N); done. */
  stage: 'verify' | 'choose' | 'password' | 'done';
  /** The factor step under way while verifying (a code, or a P-R factor of the plan). */
  step?: { factor: string; channel?: 'sms' | 'email' };
  /** What that step's factor keeps between its page and its verify. */
  state?: Record<string, unknown>;
  /** How the person was verified, once they were (for the notice and the audit). */
  verifiedBy?: 'sms-code' | 'email-code' | 'factors' | 'none';
  /** What the reset did, once done (the last page says it). */
  result?: { kind: 'typed' | 'shown' | 'sent' | 're-enabled'; sentBy?: 'sms' | 'email' };
  expiresAt: Date;
};

const passwordResetSchema = new Schema<PasswordReset>(
  {
    _id: { type: String, required: true },
    personId: { type: String, required: true },
    interactionUid: String,
    stage: { type: String, required: true },
    step: Schema.Types.Mixed,
    state: Schema.Types.Mixed,
    verifiedBy: String,
    result: Schema.Types.Mixed,
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
passwordResetSchema.index({ expiresAt: 1 });

export function passwordResetModel(connection: Connection): Model<PasswordReset> {
  return (connection.models.PasswordReset as Model<PasswordReset> | undefined) ?? connection.model<PasswordReset>('PasswordReset', passwordResetSchema, 'password_resets');
}
