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
 */
const sealedPaths: Partial<Record<string, readonly string[]>> = {
  Interaction: ['session.cookie', 'returnTo', 'deviceCode', 'parJti', 'params.request_uri'],
  DeviceCode: ['userCode'],
};

/** Grant ids are no bearer credential (every token record names its grant) and remembered consent reads them. */
const keepsJti = new Set(['Grant']);

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

/** What is stored of `payload`: no `jti`, and the bearer fields sealed apart (undefined when none). */
export function payloadAtRest(keys: ArtefactKeys, model: string, id: string, payload: AdapterPayload): { payload: Json; sealed?: string } {
  const stored = structuredClone(payload) as Json;
  if (!keepsJti.has(model)) delete stored.jti;
  const hidden: Json = {};
  for (const path of sealedPaths[model] ?? []) {
    const value = take(stored, path);
    if (value !== undefined) hidden[path] = value;
  }
  return Object.keys(hidden).length ? { payload: stored, sealed: keys.seal(id, JSON.stringify(hidden)) } : { payload: stored };
}

/** The payload as the provider saved it, given the id it was presented with. */
export function presentedPayload(keys: ArtefactKeys, model: string, id: string, stored: { payload: Json; sealed?: string }): AdapterPayload {
  const payload = structuredClone(stored.payload);
  if (!keepsJti.has(model)) payload.jti = id;
  if (stored.sealed) {
    for (const [path, value] of Object.entries(JSON.parse(keys.open(id, stored.sealed)) as Json)) put(payload, path, value);
  }
  return payload as AdapterPayload;
}

/**
 * A payload found by a value other than its id (a session by its uid): no `jti`, since the
 * id cannot be told from a uid, and nothing sealed. The provider only reads such a session.
 */
export function payloadWithoutId(model: string, stored: { payload: Json }): AdapterPayload {
  const payload = structuredClone(stored.payload);
  if (!keepsJti.has(model)) delete payload.jti;
  return payload as AdapterPayload;
}
