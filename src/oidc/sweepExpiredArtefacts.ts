import type { Connection } from 'mongoose';
import { artefactRepository } from '../store/repositories/artefactRepository.ts';

/**
 * Deletes expired oidc artefacts. Reads already ignore them; this only keeps the
 * collections small where the database has no TTL index. Returns how many went.
 */
export async function sweepExpiredArtefacts(connection: Connection, now = new Date()): Promise<number> {
  return artefactRepository(connection).deleteExpired(now);
}
