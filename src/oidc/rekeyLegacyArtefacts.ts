import type { Connection } from 'mongoose';
import type { AdapterPayload } from 'oidc-provider';
import { artefactRepository } from '../store/repositories/artefactRepository.ts';
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
  const artefacts = artefactRepository(connection);
  let moved = 0;
  for (const { model, records } of await artefacts.legacyRecords()) {
    for (const legacy of records) {
      if (legacy.expiresAt && legacy.expiresAt <= now) {
        await artefacts.delete(model, [legacy._id]);
        continue;
      }
      await moveArtefact(connection, keys, model, legacy._id, legacy.payload as AdapterPayload, legacy);
      moved += 1;
    }
  }
  return moved;
}
