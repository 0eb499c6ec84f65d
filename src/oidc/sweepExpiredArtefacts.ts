import type { Connection } from 'mongoose';
import { oidcArtefactModel, oidcArtefactModelNames } from '../store/models/oidcArtefactModel.ts';

/**
 * Deletes expired oidc artefacts. Reads already ignore them; this only keeps the
 * collections small where the database has no TTL index. Returns how many went.
 */
export async function sweepExpiredArtefacts(connection: Connection, now = new Date()): Promise<number> {
  let deleted = 0;
  for (const name of oidcArtefactModelNames) {
    const result = await oidcArtefactModel(connection, name).deleteMany({ expiresAt: { $lt: now } });
    deleted += result.deletedCount;
  }
  return deleted;
}
