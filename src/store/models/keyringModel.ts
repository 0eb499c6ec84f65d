import { Schema, type Connection, type Model } from 'mongoose';

/** A key kept encrypted with the master key (see security/secretBox.ts). */
export type StoredKey = { kid: string; sealed: string; createdAt: Date };

/** `signing`: the provider's JWKS (newest first); `cookies`: the cookie signing keys. */
export type Keyring = { _id: 'signing' | 'cookies'; keys: StoredKey[] };

const keyringSchema = new Schema<Keyring>(
  {
    _id: { type: String, required: true },
    keys: [{ _id: false, kid: { type: String, required: true }, sealed: { type: String, required: true }, createdAt: Date }],
  },
  { versionKey: false },
);

export function keyringModel(connection: Connection): Model<Keyring> {
  return (connection.models.Keyring as Model<Keyring> | undefined) ?? connection.model<Keyring>('Keyring', keyringSchema, 'keyring');
}
