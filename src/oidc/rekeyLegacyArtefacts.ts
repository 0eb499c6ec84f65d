import type { Connection } from 'mongoose';
import type { AdapterPayload } from 'oidc-provider';
import { oidcArtefactModel, oidcArtefactModelNames } from '../store/models/oidcArtefactModel.ts';
import type { ArtefactKeys } from './createArtefactKeys.ts';
import { moveArtefact } from './moveArtefact.ts';

/**
 * Moves artefacts stored before ids were hashed — under their raw id, with `jti` in the
 * payload, which no record stored since has — to the keyed hash of that id, so sessions
 * and tokens issued before the upgrade keep working and no raw id stays in the database.
 * An expired one is only deleted. A consumption claim of a moved code or refresh token
 * moves with it; claims whose artefact is gone expire and are swept. Safe to run on every
 * start and from several instances at once (see moveArtefact.ts).
 * Returns how many artefacts were moved.
 */
export async function rekeyLegacyArtefacts(connection: Connection, keys: ArtefactKeys, now = new Date()): Promise<number> {
  let moved = 0;
  for (const name of oidcArtefactModelNames) {
    if (name === 'Consumption') continue;
    const model = oidcArtefactModel(connection, name);
    for (const legacy of await model.find({ 'payload.jti': { $exists: true } }).lean()) {
      if (legacy.expiresAt && legacy.expiresAt <= now) {
        await model.deleteOne({ _id: legacy._id });
        continue;
      }
      await moveArtefact(connection, keys, name, legacy._id, legacy.payload as AdapterPayload, legacy);
      moved += 1;
    }
  }
  return moved;
}
