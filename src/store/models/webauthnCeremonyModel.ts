import { Schema, type Connection, type Model } from 'mongoose';

/**
 * What makes a WebAuthn ceremony happen once, by unique `_id`s (no transactions in the
 * embedded database): a registration started on the account page (`_id` random, the
 * challenge kept here, taken by one delete), or the claim of a sign-in challenge that was
 * answered (`_id` `used:<hash of the challenge>`, one insert wins). Swept after `expiresAt`.
 */
export type StoredWebauthnCeremony = {
  _id: string;
  kind: 'registration' | 'used';
  personId: string;
  challenge?: string;
  expiresAt: Date;
};

const ceremonySchema = new Schema<StoredWebauthnCeremony>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    personId: { type: String, required: true },
    challenge: String,
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
);

export function webauthnCeremonyModel(connection: Connection): Model<StoredWebauthnCeremony> {
  return (
    (connection.models.WebauthnCeremony as Model<StoredWebauthnCeremony> | undefined) ??
    connection.model<StoredWebauthnCeremony>('WebauthnCeremony', ceremonySchema, 'webauthn_ceremonies')
  );
}
