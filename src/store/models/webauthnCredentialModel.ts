import { Schema, type Connection, type Model } from 'mongoose';

/**
 * A passkey or security key of a person (WebAuthn), a document of its own whose `_id` is
 * the credential id (base64url): the sign-in finds it by `_id` alone, the one filter the
 * embedded database does not scan for. The person record lists the ids (personModel.ts
 * `webauthn`), so listing a person's keys is reading ids too. `counter` is the highest
 * signature counter seen (0 for authenticators that keep none).
 */
export type StoredWebauthnCredential = {
  _id: string;
  personId: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports: string[];
  aaguid: string;
  name: string;
  /** 'singleDevice' or 'multiDevice' (a synced passkey), as the authenticator said at registration. */
  deviceType: string;
  backedUp: boolean;
  createdAt: Date;
  lastUsedAt?: Date;
};

const credentialSchema = new Schema<StoredWebauthnCredential>(
  {
    _id: { type: String, required: true },
    personId: { type: String, required: true },
    publicKey: { type: String, required: true },
    counter: { type: Number, required: true },
    transports: { type: [String], default: [] },
    aaguid: { type: String, required: true },
    name: { type: String, required: true },
    deviceType: { type: String, required: true },
    backedUp: { type: Boolean, required: true },
    createdAt: { type: Date, required: true },
    lastUsedAt: Date,
  },
  { versionKey: false },
);
// Person deletion only (never a sign-in's path).
credentialSchema.index({ personId: 1 });

export function webauthnCredentialModel(connection: Connection): Model<StoredWebauthnCredential> {
  return (
    (connection.models.WebauthnCredential as Model<StoredWebauthnCredential> | undefined) ??
    connection.model<StoredWebauthnCredential>('WebauthnCredential', credentialSchema, 'webauthn_credentials')
  );
}
