import { Schema, type Connection, type Model } from 'mongoose';

/**
 * The first-run setup link (admin/setup/setupLinks.ts): `_id` is the SHA-256 (hex) of the
 * random token in the URL, so a copy of this collection opens no link. At most one is
 * live: a new one deletes the others. Single use: the first form sent with it inserts the
 * link's claim (`setup_link_claims`, `_id` = the link's: an insert of a unique `_id` is the
 * one write the embedded database does atomically, so one caller wins), then sets `usedAt`;
 * the person it created is noted in `personId`. Expiry is enforced on every read (the embedded
 * database has no TTL index).
 */
export type StoredSetupLink = {
  _id: string;
  createdAt: Date;
  expiresAt: Date;
  /** Set by the one request that won the link; cleared again if that request created no one. */
  usedAt?: Date;
  /** A random value of the winning request, so that only it can give the link back. */
  claim?: string;
  /** The administrator the link created. */
  personId?: string;
};

const setupLinkSchema = new Schema<StoredSetupLink>(
  {
    _id: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    usedAt: Date,
    claim: String,
    personId: String,
  },
  { versionKey: false },
);

export function setupLinkModel(connection: Connection): Model<StoredSetupLink> {
  return (connection.models.SetupLink as Model<StoredSetupLink> | undefined) ?? connection.model<StoredSetupLink>('SetupLink', setupLinkSchema, 'setup_links');
}

/** The claim of a setup link by the one request that uses it (see above): `_id` is the link's. */
export type StoredSetupLinkClaim = { _id: string; claim: string; at: Date };

const setupLinkClaimSchema = new Schema<StoredSetupLinkClaim>({ _id: { type: String, required: true }, claim: { type: String, required: true }, at: { type: Date, required: true } }, { versionKey: false });

export function setupLinkClaimModel(connection: Connection): Model<StoredSetupLinkClaim> {
  return (connection.models.SetupLinkClaim as Model<StoredSetupLinkClaim> | undefined) ?? connection.model<StoredSetupLinkClaim>('SetupLinkClaim', setupLinkClaimSchema, 'setup_link_claims');
}
