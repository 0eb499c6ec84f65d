import type { PersonFacts } from './types.ts';

export type FactorLock = NonNullable<PersonFacts['locks'][keyof PersonFacts['locks']]>;

/** A lock counts while its time is still ahead (a lock that ends exactly now has ended), or until an admin lifts it. */
export function lockInForce(lock: FactorLock | undefined, now: number): lock is FactorLock {
  if (lock === undefined) return false;
  if ('untilAdminUnlock' in lock) return lock.untilAdminUnlock;
  return lock.until > now;
}

/** Until when a lock holds (epoch ms), or undefined when an admin must unlock it. */
export function lockedUntilOf(lock: FactorLock): number | undefined {
  return 'until' in lock ? lock.until : undefined;
}
