import type { Connection } from 'mongoose';
import type { AdapterPayload } from 'oidc-provider';
import { artefactRepository, type OidcArtefact } from '../store/repositories/artefactRepository.ts';
import { recordAtRest } from './artefactAtRest.ts';
import type { ArtefactKeys } from './createArtefactKeys.ts';

/**
 * Stores artefact `id` of `model` (its `payload` as the provider saved it) under its keyed
 * hash with the current key, in place of `old` — the same artefact stored under its raw id
 * by an earlier version, or under the hash of a former master key — keeping its expiry and
 * consumption; its consumption claim (`<model>:<old _id>`) moves with it. Insert first,
 * delete after: whoever stops in between leaves a record that is found, never none.
 */
export async function moveArtefact(connection: Connection, keys: ArtefactKeys, model: string, id: string, payload: AdapterPayload, old: OidcArtefact): Promise<void> {
  const artefacts = artefactRepository(connection);
  const key = keys.hash(id);
  const { expiresAt, consumedAt } = old;
  // A duplicate _id: another instance (or request) moved it first, which is as good.
  await artefacts.insert(model, { _id: key, ...recordAtRest(keys, model, id, payload), ...(expiresAt ? { expiresAt } : {}), ...(consumedAt ? { consumedAt } : {}) });
  const claim = await artefacts.findOne('Consumption', { _id: `${model}:${old._id}` });
  if (claim) {
    await artefacts.insert('Consumption', { _id: `${model}:${key}`, payload: {}, ...(claim.expiresAt ? { expiresAt: claim.expiresAt } : {}) });
    await artefacts.delete('Consumption', [claim._id]);
  }
  await artefacts.delete(model, [old._id]);
}
