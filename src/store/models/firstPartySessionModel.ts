import { Schema, type Connection, type Model } from 'mongoose';
import type { StoredTotpCandidate } from './personModel.ts';

/**
 * A person's session on one of Gatehouse's own pages (the account page: collection
 * `account_sessions`), apart from the provider's own session (http/firstPartySession.ts).
 * The browser holds a random id in an httpOnly cookie; `_id` is its SHA-256 (hex), so a
 * copy of the collection opens no session. `authTime` is the `auth_time` of the ID token
 * that opened it: a change asks for a recent one. Expiry is enforced on every read (the
 * embedded database has no TTL index) and swept.
 */
export type StoredFirstPartySession = {
  _id: string;
  /** The person's OIDC sub. */
  sub: string;
  authTime: Date;
  amr: string[];
  acr?: string;
  /**
   * A key the person is setting up on the page (sealed, like a person's key), until one
   * code from the app confirms it; it ends with the session.
   */
  totpCandidate?: StoredTotpCandidate;
  createdAt: Date;
  /** The last request of the session (noted at most every half minute), for pages whose sessions end when idle. */
  seenAt?: Date;
  expiresAt: Date;
};

const firstPartySessionSchema = new Schema<StoredFirstPartySession>(
  {
    _id: { type: String, required: true },
    sub: { type: String, required: true },
    authTime: { type: Date, required: true },
    amr: [String],
    acr: String,
    totpCandidate: Schema.Types.Mixed,
    createdAt: { type: Date, required: true },
    seenAt: Date,
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
firstPartySessionSchema.index({ expiresAt: 1 });
firstPartySessionSchema.index({ sub: 1 });

/** The sessions of one first-party page, each page in a collection of its own: a session of one never opens another. */
export function firstPartySessionModel(connection: Connection, collection: string): Model<StoredFirstPartySession> {
  const name = `FirstPartySession:${collection}`;
  return (connection.models[name] as Model<StoredFirstPartySession> | undefined) ?? connection.model<StoredFirstPartySession>(name, firstPartySessionSchema, collection);
}

/** The account page's sessions. */
export const accountSessionCollection = 'account_sessions';

/** The admin view's sessions. */
export const adminSessionCollection = 'admin_sessions';

export const accountSessionModel = (connection: Connection) => firstPartySessionModel(connection, accountSessionCollection);
