import type { Connection } from 'mongoose';
import type { AdapterPayload } from 'oidc-provider';
import { oidcArtefactModel, type OidcArtefact } from '../store/models/oidcArtefactModel.ts';
import { recordAtRest } from './artefactAtRest.ts';
import type { ArtefactKeys } from './createArtefactKeys.ts';

const ignoreDuplicate = (error: unknown) => {
  // A duplicate _id: another instance (or request) moved it first, which is as good.
  if ((error as { code?: number }).code !== 11000) throw error;
};

/**
 * Stores artefact `id` of `model` (its `payload` as the provider saved it) under its keyed
 * hash with the current key, in place of `old` — the same artefact stored under its raw id
 * by an earlier version, or under the hash of a former master key — keeping its expiry and
 * consumption; its consumption claim (`<model>:<old _id>`) moves with it. Insert first,
 * delete after: whoever stops in between leaves a record that is found, never none.
 */
export async function moveArtefact(connection: Connection, keys: ArtefactKeys, model: string, id: string, payload: AdapterPayload, old: OidcArtefact): Promise<void> {
  const records = oidcArtefactModel(connection, model);
  const claims = oidcArtefactModel(connection, 'Consumption');
  const key = keys.hash(id);
  const { expiresAt, consumedAt } = old;
  await records.create({ _id: key, ...recordAtRest(keys, model, id, payload), ...(expiresAt ? { expiresAt } : {}), ...(consumedAt ? { consumedAt } : {}) }).catch(ignoreDuplicate);
  const claim = await claims.findById(`${model}:${old._id}`).lean();
  if (claim) {
    await claims.create({ _id: `${model}:${key}`, payload: {}, ...(claim.expiresAt ? { expiresAt: claim.expiresAt } : {}) }).catch(ignoreDuplicate);
    await claims.deleteOne({ _id: claim._id });
  }
  await records.deleteOne({ _id: old._id });
}
