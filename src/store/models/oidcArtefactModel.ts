import { Schema, type Connection, type Model } from 'mongoose';

/** One stored oidc-provider artefact (session, grant, code, token, interaction…). */
export type OidcArtefact = {
  _id: string;
  payload: Record<string, unknown>;
  expiresAt?: Date;
  grantId?: string;
  userCode?: string;
  uid?: string;
  consumedAt?: Date;
};

const oidcArtefactSchema = new Schema<OidcArtefact>(
  {
    _id: { type: String, required: true },
    payload: { type: Schema.Types.Mixed, required: true },
    expiresAt: Date,
    grantId: String,
    userCode: String,
    uid: String,
    consumedAt: Date,
  },
  { versionKey: false, minimize: false, strict: true },
);
oidcArtefactSchema.index({ grantId: 1 });
oidcArtefactSchema.index({ uid: 1 });
oidcArtefactSchema.index({ userCode: 1 });

/** Collection name of an oidc-provider model: `oidc_session`, `oidc_access_token`… */
export function oidcCollectionName(modelName: string): string {
  return `oidc_${modelName.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()}`;
}

/** The mongoose model for one oidc-provider model name, one collection each. */
export function oidcArtefactModel(connection: Connection, modelName: string): Model<OidcArtefact> {
  const name = `Oidc${modelName}`;
  return (connection.models[name] as Model<OidcArtefact> | undefined) ??
    connection.model<OidcArtefact>(name, oidcArtefactSchema, oidcCollectionName(modelName));
}

/**
 * Every oidc-provider model that Gatehouse stores (Client lives in the clients collection),
 * and `Consumption`: the adapter's once-only claims on codes and refresh tokens.
 */
export const oidcArtefactModelNames = [
  'Session',
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'ClientCredentials',
  'InitialAccessToken',
  'RegistrationAccessToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'Interaction',
  'ReplayDetection',
  'PushedAuthorizationRequest',
  'Grant',
  'Consumption',
] as const;
