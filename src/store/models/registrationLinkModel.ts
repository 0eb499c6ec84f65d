import { Schema, type Connection, type Model } from 'mongoose';

/**
 * A registration link (registration/registrationLinks.ts): `_id` is the SHA-256 (hex) of the
 * random token in the URL, so a copy of this collection opens no link. One per person
 * (creating a link deletes the older ones); bound to the key it was made for (`keyId`): a
 * replaced key invalidates it. Single use: consuming is a deleteOne that only one caller
 * wins. Expiry is enforced on every read (the embedded database has no TTL index).
 */
export type StoredRegistrationLink = {
  _id: string;
  personId: string;
  keyId: string;
  /** HMAC, under the link's token, of the email address the link was mailed to: using the link proves it (email_verified). */
  mailedToHash?: string;
  createdAt: Date;
  expiresAt: Date;
};

const registrationLinkSchema = new Schema<StoredRegistrationLink>(
  {
    _id: { type: String, required: true },
    personId: { type: String, required: true },
    keyId: { type: String, required: true },
    mailedToHash: String,
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);
registrationLinkSchema.index({ personId: 1 });
registrationLinkSchema.index({ expiresAt: 1 });

export function registrationLinkModel(connection: Connection): Model<StoredRegistrationLink> {
  return (connection.models.RegistrationLink as Model<StoredRegistrationLink> | undefined) ??
    connection.model<StoredRegistrationLink>('RegistrationLink', registrationLinkSchema, 'registration_links');
}
