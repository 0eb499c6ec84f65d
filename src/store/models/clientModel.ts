import { Schema, type Connection, type Model } from 'mongoose';

/**
 * A relying party. `metadata` is the OIDC client metadata (RFC 7591 names) without the
 * secret; the secret is kept sealed with the master key, since client_secret_basic needs
 * it back to compare.
 */
export type StoredClient = {
  _id: string;
  metadata: Record<string, unknown>;
  sealedSecret?: string;
  firstParty: boolean;
  /** May use the admin JSON API with client credentials (absent on clients stored before it existed). */
  adminApi?: boolean;
  /** A resource server: may introspect every client's tokens (absent on clients stored before it existed). */
  resourceServer?: boolean;
  createdAt: Date;
  updatedAt: Date;
};

const clientSchema = new Schema<StoredClient>(
  {
    _id: { type: String, required: true },
    metadata: { type: Schema.Types.Mixed, required: true },
    sealedSecret: String,
    firstParty: { type: Boolean, default: false },
    adminApi: { type: Boolean, default: false },
    resourceServer: { type: Boolean, default: false },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false, minimize: false },
);

export function clientModel(connection: Connection): Model<StoredClient> {
  return (connection.models.Client as Model<StoredClient> | undefined) ?? connection.model<StoredClient>('Client', clientSchema, 'clients');
}
