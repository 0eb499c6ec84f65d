import type { AdapterPayload } from 'oidc-provider';
import type { ArtefactKeys } from './createArtefactKeys.ts';

/**
 * Payload fields, besides `jti`, that hold a bearer value of another artefact (or the id
 * itself inside a URL). They are sealed under a key derived from the record's own id, so
 * they come back only to whoever presents that id:
 * - an Interaction names the session's cookie value (`session.cookie`), the device code
 *   and the pushed request it continues (`deviceCode`, `parJti`, `params.request_uri`), and
 *   holds its own uid in `returnTo` (`…/auth/<uid>`);
 * - a DeviceCode holds the user code typed on the verification page.
 * Uids (`uid`, `sessionUid`, `session.uid`), grant ids and `sid` stay readable: they find
 * nothing from outside (no endpoint takes them) and the provider needs them to join records.
 * A Grant keeps its own id as `grantId`, like every record of the grant: remembered consent
 * reads it, and revoking a grant removes the grant with its tokens.
 */
const sealedPaths: Partial<Record<string, readonly string[]>> = {
  Interaction: ['session.cookie', 'returnTo', 'deviceCode', 'parJti', 'params.request_uri'],
  DeviceCode: ['userCode'],
};

type Json = Record<string, unknown>;

function take(payload: Json, path: string): unknown {
  const keys = path.split('.');
  let parent: unknown = payload;
  for (const key of keys.slice(0, -1)) parent = (parent as Json | undefined)?.[key];
  if (!parent || typeof parent !== 'object') return undefined;
  const last = keys.at(-1)!;
  const value = (parent as Json)[last];
  delete (parent as Json)[last];
  return value;
}

function put(payload: Json, path: string, value: unknown): void {
  const keys = path.split('.');
  let parent = payload;
  for (const key of keys.slice(0, -1)) {
    if (!parent[key] || typeof parent[key] !== 'object') parent[key] = {};
    parent = parent[key] as Json;
  }
  parent[keys.at(-1)!] = value;
}

/** The indexed fields and payload of a stored artefact, without expiry and consumption. */
export type RecordAtRest = {
  payload: Json;
  /** The payload's bearer values, sealed under a key derived from the id. */
  sealed?: string;
  grantId?: string;
  /** Keyed hash of a session's uid. */
  uid?: string;
  /** Keyed hash of a device code's user code, and the id sealed under that code. */
  userCode?: string;
  sealedId?: string;
};

export const userCodeSealId = (userCode: string) => `user code ${userCode}`;

/** What is stored of the artefact `id` of `model`: no `jti`, bearer fields sealed apart, lookup keys hashed. */
export function recordAtRest(keys: ArtefactKeys, model: string, id: string, payload: AdapterPayload): RecordAtRest {
  const stored = structuredClone(payload) as Json;
  delete stored.jti;
  const hidden: Json = {};
  for (const path of sealedPaths[model] ?? []) {
    const value = take(stored, path);
    if (value !== undefined) hidden[path] = value;
  }
  const record: RecordAtRest = { payload: stored };
  if (Object.keys(hidden).length) record.sealed = keys.seal(id, JSON.stringify(hidden));
  const grantId = model === 'Grant' ? id : payload.grantId;
  if (grantId) record.grantId = grantId;
  if (payload.uid) record.uid = keys.hash(payload.uid);
  if (payload.userCode) {
    record.userCode = keys.hash(payload.userCode);
    record.sealedId = keys.seal(userCodeSealId(payload.userCode), id);
  }
  return record;
}

/** The payload as the provider saved it, given the id it was presented with. */
export function presentedPayload(keys: ArtefactKeys, id: string, stored: { payload: Json; sealed?: string }): AdapterPayload {
  const payload = structuredClone(stored.payload);
  payload.jti = id;
  if (stored.sealed) {
    for (const [path, value] of Object.entries(JSON.parse(keys.open(id, stored.sealed)) as Json)) put(payload, path, value);
  }
  return payload as AdapterPayload;
}

/**
 * A payload found by a value other than its id (a session by its uid) comes back without
 * `jti`, since the id cannot be told from a uid, and without what is sealed under the id.
 * The provider only reads such a session (who it belongs to, its grants).
 */
export function payloadWithoutId(stored: { payload: Json }): AdapterPayload {
  return structuredClone(stored.payload) as AdapterPayload;
}
