import type { Connection } from 'mongoose';
import { unknownUserPrefix } from '../../directory/unknownUserStandIn.ts';
import { attemptRepository, fieldOf, keyOfField, type AttemptHead } from '../../store/repositories/attemptRepository.ts';
import { personRepository } from '../../store/repositories/personRepository.ts';
import { failureMemoryMs } from './attemptStatusOf.ts';
import { addressOwnerPrefix, addressWindowMs } from './createAddressThrottle.ts';

const isAddress = (owner: string) => owner.startsWith(addressOwnerPrefix);

/** The head with the locks of its lock documents noted, the entries whose slots are all gone dropped: what to write, or to delete. */
function pruned(head: AttemptHead, lockKeys: string[], now: number) {
  const memory = isAddress(head._id) ? addressWindowMs : failureMemoryMs;
  const dropEntries = Object.entries(head.keys ?? {}).filter(([, entry]) => entry.last < now - memory).map(([field]) => field);
  const missingLocks = lockKeys.filter((key) => head.locks?.[fieldOf(key)] === undefined);
  const entriesLeft = Object.keys(head.keys ?? {}).length - dropEntries.length;
  const empty = entriesLeft === 0 && Object.keys(head.locks ?? {}).length === 0 && missingLocks.length === 0;
  return { dropEntries, missingLocks, empty };
}

/**
 * Deletes failures that no longer count: a person's after a day, an address's after the
 * throttle's 15 minutes, and the heads' entries of chains so swept (reads already ignore
 * them; the embedded database has no TTL index). Locks that wait for an admin are
 * documents of their own and stay, and the sweep notes each in its person's head — the
 * sign-in reads the head only — unless their person was deleted, or they lock a user ID
 * nobody has (unknownUserStandIn.ts) and are a day old. Returns how many records went.
 */
export async function sweepAttempts(connection: Connection, now = Date.now()): Promise<number> {
  const repository = attemptRepository(connection);
  const locks = await repository.allLocks();
  const standIns = [...new Set(locks.map((lock) => lock.personId).filter((personId) => personId.startsWith(unknownUserPrefix)))];
  const persons = [...new Set(locks.map((lock) => lock.personId).filter((personId) => !personId.startsWith(unknownUserPrefix)))];
  const existing = new Set(await personRepository(connection).existingIds(persons));
  const gone = persons.filter((personId) => !existing.has(personId));
  // A user ID nobody has is locked like a person's, but not for ever: nobody can unlock it,
  // and anyone could fill the collection with them.
  const locksGone = (await repository.deleteLocksOfPersons(gone)) + (await repository.deleteLocksOfPersons(standIns, now - failureMemoryMs));
  const kept = locks.filter((lock) => !gone.includes(lock.personId) && !(standIns.includes(lock.personId) && lock.at.getTime() < now - failureMemoryMs));
  const lockedAt = new Map(kept.map((lock) => [`${lock.personId}\n${lock.key}`, lock.at.getTime()]));

  const slotsGone = (await repository.deleteSlotsBefore(now - failureMemoryMs)) + (await repository.deleteSlotsBefore(now - addressWindowMs, { startsWith: addressOwnerPrefix }));
  let headsGone = 0;
  const heads = new Map((await repository.allHeads()).map((head) => [head._id, head]));
  for (const lock of kept) if (!heads.has(lock.personId)) heads.set(lock.personId, { _id: lock.personId });
  for (const head of heads.values()) {
    const { dropEntries, missingLocks, empty } = pruned(head, kept.filter((lock) => lock.personId === head._id).map((lock) => lock.key), now);
    if (empty) {
      await repository.deleteHead(head._id);
      headsGone += 1;
    } else if (dropEntries.length > 0 || missingLocks.length > 0) {
      await repository.updateHead(head._id, {
        dropEntries: dropEntries.map(keyOfField),
        locks: Object.fromEntries(missingLocks.map((key) => [key, lockedAt.get(`${head._id}\n${key}`)!])),
      });
    }
  }
  return locksGone + slotsGone + headsGone;
}
