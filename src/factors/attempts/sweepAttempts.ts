import type { Connection } from 'mongoose';
import { addressFailureModel } from '../../store/models/addressFailureModel.ts';
import { attemptFailureModel } from '../../store/models/attemptFailureModel.ts';
import { attemptLockModel } from '../../store/models/attemptLockModel.ts';
import { unknownUserPrefix } from '../../directory/unknownUserStandIn.ts';
import { personModel } from '../../store/models/personModel.ts';
import { failureMemoryMs } from './attemptStatusOf.ts';
import { addressWindowMs } from './createAddressThrottle.ts';

/**
 * Deletes failures that no longer count: a person's after a day, an address's after the
 * throttle's 15 minutes. Reads already ignore them (the embedded database has no TTL
 * index); this keeps the collections small. Locks that wait for an admin are documents of
 * their own and stay — unless their person was deleted, or they lock a user ID nobody has
 * (unknownUserStandIn.ts) and are a day old. Returns how many went.
 */
export async function sweepAttempts(connection: Connection, now = Date.now()): Promise<number> {
  const Locks = attemptLockModel(connection);
  const [failures, addresses, lockedPersons] = await Promise.all([
    attemptFailureModel(connection).deleteMany({ at: { $lt: new Date(now - failureMemoryMs) } }),
    addressFailureModel(connection).deleteMany({ at: { $lt: new Date(now - addressWindowMs) } }),
    Locks.distinct('personId'),
  ]);
  const standIns = lockedPersons.filter((personId) => personId.startsWith(unknownUserPrefix));
  const persons = lockedPersons.filter((personId) => !personId.startsWith(unknownUserPrefix));
  const existing = new Set((await personModel(connection).find({ _id: { $in: persons } }, { _id: 1 }).lean()).map((person) => person._id));
  const gone = persons.filter((personId) => !existing.has(personId));
  const orphans = gone.length > 0 ? (await Locks.deleteMany({ personId: { $in: gone } })).deletedCount : 0;
  // A user ID nobody has is locked like a person's, but not for ever: nobody can unlock it,
  // and anyone could fill the collection with them.
  const unknown = standIns.length > 0 ? (await Locks.deleteMany({ personId: { $in: standIns }, at: { $lt: new Date(now - failureMemoryMs) } })).deletedCount : 0;
  return failures.deletedCount + addresses.deletedCount + orphans + unknown;
}
