import { Schema, type Connection, type Model } from 'mongoose';

/**
 * One stored oidc-provider artefact (session, grant, code, token, interaction…). `_id`,
 * `uid` and `userCode` are keyed hashes of the values the provider uses; the payload has
 * no id and holds no bearer value, which `sealed` keeps apart (oidc/createMongooseAdapter.ts).
 */
export type OidcArtefact = {
  _id: string;
  payload: Record<string, unknown>;
  /** Bearer values of the payload, sealed under a key derived from the artefact's id. */
  sealed?: string;
  /** A device code's id, sealed under a key derived from its user code. */
  sealedId?: string;
  expiresAt?: Date;
  grantId?: string;
  userCode?: string;
  uid?: string;
  consumedAt?: Date;
  /** In a link (`SessionUid`): the `_id` of the record it leads to. */
  ref?: string;
};

const oidcArtefactSchema = new Schema<OidcArtefact>(
  {
    _id: { type: String, required: true },
    payload: { type: Schema.Types.Mixed, required: true },
    sealed: String,
    sealedId: String,
    expiresAt: Date,
    grantId: String,
    userCode: String,
    uid: String,
    consumedAt: Date,
    ref: String,
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
 * and `Consumption`: the adapter's once-only claims on codes and refresh tokens, each
 * `<model>:<keyed hash of the id>`.
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
  // A session's uid → the session's _id, so that finding a session by uid is a lookup by _id.
  'SessionUid',
] as const;
