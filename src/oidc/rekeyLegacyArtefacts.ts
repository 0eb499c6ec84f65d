import type { Connection } from 'mongoose';
import type { AdapterPayload } from 'oidc-provider';
import { oidcArtefactModel, oidcArtefactModelNames } from '../store/models/oidcArtefactModel.ts';
import { recordAtRest } from './artefactAtRest.ts';
import type { ArtefactKeys } from './createArtefactKeys.ts';

const isDuplicate = (error: unknown) => (error as { code?: number }).code === 11000;

/**
 * Moves artefacts stored before ids were hashed — under their raw id, with `jti` in the
 * payload, which no record stored since has — to the keyed hash of that id, so sessions
 * and tokens issued before the upgrade keep working and no raw id stays in the database.
 * An expired one is only deleted. A consumption claim of a moved code or refresh token
 * moves with it; claims whose artefact is gone expire and are swept. Safe to run on every
 * start and from several instances at once: a move is an insert of the new record (a
 * duplicate means someone else moved it) then the deletion of the old one.
 * Returns how many artefacts were moved.
 */
export async function rekeyLegacyArtefacts(connection: Connection, keys: ArtefactKeys, now = new Date()): Promise<number> {
  const claims = oidcArtefactModel(connection, 'Consumption');
  let moved = 0;
  for (const name of oidcArtefactModelNames) {
    if (name === 'Consumption') continue;
    const model = oidcArtefactModel(connection, name);
    for (const legacy of await model.find({ 'payload.jti': { $exists: true } }).lean()) {
      const id = legacy._id;
      if (!legacy.expiresAt || legacy.expiresAt > now) {
        const record = recordAtRest(keys, name, id, legacy.payload as AdapterPayload);
        const key = keys.hash(id);
        const { expiresAt, consumedAt } = legacy;
        await model.create({ _id: key, ...record, ...(expiresAt ? { expiresAt } : {}), ...(consumedAt ? { consumedAt } : {}) }).catch((error: unknown) => {
          if (!isDuplicate(error)) throw error;
        });
        const claim = await claims.findById(`${name}:${id}`).lean();
        if (claim) {
          await claims.create({ _id: `${name}:${key}`, payload: {}, expiresAt: claim.expiresAt }).catch((error: unknown) => {
            if (!isDuplicate(error)) throw error;
          });
          await claims.deleteOne({ _id: claim._id });
        }
        moved += 1;
      }
      await model.deleteOne({ _id: id });
    }
  }
  return moved;
}
