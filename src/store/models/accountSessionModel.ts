import { Schema, type Connection, type Model } from 'mongoose';
import type { StoredTotpCandidate } from './personModel.ts';

/**
 * A person's session on the self-service account page (enrollment/), apart from the
 * provider's own session. The browser holds a random id in an httpOnly cookie; `_id` is
 * its SHA-256 (hex), so a copy of this collection opens no session. `authTime` is the
 * `auth_time` of the ID token that opened it: a change of factors asks for a recent one.
 * Expiry is enforced on every read (the embedded database has no TTL index) and swept.
 */
export type StoredAccountSession = {
  _id: string;
  /** The person's OIDC sub. */
  sub: string;
  authTime: Date;
  amr: string[];
  acr?: string;
  /**
   * A key the person is setting up on the account page (sealed, like a person's key),
   * until one code from the app confirms it; it ends with the session.
   */
  totpCandidate?: StoredTotpCandidate;
  createdAt: Date;
  expiresAt: Date;
};

const accountSessionSchema = new Schema<StoredAccountSession>(
  {
    _id: { type: String, required: true },
    sub: { type: String, required: true },
    authTime: { type: Date, required: true },
    amr: [String],
    acr: String,
    totpCandidate: Schema.Types.Mixed,
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
accountSessionSchema.index({ expiresAt: 1 });
accountSessionSchema.index({ sub: 1 });

export function accountSessionModel(connection: Connection): Model<StoredAccountSession> {
  return (connection.models.AccountSession as Model<StoredAccountSession> | undefined) ??
    connection.model<StoredAccountSession>('AccountSession', accountSessionSchema, 'account_sessions');
}
