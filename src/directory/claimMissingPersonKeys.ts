import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { settingRepository } from '../store/repositories/settingRepository.ts';
import { personRepository } from '../store/repositories/personRepository.ts';
import { nameKeyOf, userKeyOf } from './personKeys.ts';

/** The setting that records that every person's name and user IDs are claimed. */
const doneMarker = 'migration:person_keys';

/**
 * Gives every person the claims of its name and user IDs (personKeys.ts) that it lacks: a
 * person stored before claims existed. Sign-in finds a person by the claim of its user ID,
 * so without one the person could not sign in. Runs its scans once per database; a claim
 * another process inserts first is left as it is.
 */
export async function claimMissingPersonKeys(connection: Connection, logger: Logger): Promise<void> {
  const Settings = settingRepository(connection);
  if (await Settings.byId(doneMarker)) return;
  const persons = personRepository(connection);
  const claimed = new Set(await persons.claimedKeys());
  let added = 0;
  for await (const person of persons.eachKeyHolder()) {
    for (const key of [nameKeyOf(person.nameKey), ...person.userIdKeys.map(userKeyOf)]) {
      if (claimed.has(key)) continue;
      try {
        await persons.insertClaim({ _id: key, personId: person._id, claimedAt: new Date() });
        added += 1;
      } catch (error) {
        if ((error as { code?: number }).code !== 11000) throw error;
      }
    }
  }
  if (added) logger.info({ added }, 'claimed the names and user IDs of persons stored before claims existed');
  // Two instances starting at once both get here; on the embedded database an upsert is a
  // read then an insert, so the second may find the marker inserted meanwhile: done either way.
  await Settings.setValue(doneMarker, new Date().toISOString()).catch((error: { code?: number }) => {
    if (error.code !== 11000) throw error;
  });
}
