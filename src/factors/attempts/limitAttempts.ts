import type { RetryReason, Verdict } from '../Verdict.ts';
import type { AttemptFactorKey } from './attemptKey.ts';
import type { AttemptStatus } from './attemptStatusOf.ts';
import type { AttemptLimiter, AttemptOrigin, AttemptRule } from './createAttemptLimiter.ts';


/** A locked status as a verdict. */
export const lockedVerdict = (status: AttemptStatus & { locked: true }): Verdict => ({
  outcome: 'locked',
  ...(status.until ? { until: status.until.getTime() } : {}),
  ...(status.byAddress ? { byAddress: true } : {}),
});

export type LimitedAttempt = {
  personId: string;
  /** The factor id (a factor that counts as another is counted there) or a password key. */
  factor: AttemptFactorKey;
  rule: AttemptRule;
  now: number;
  /** The client address: its throttle refuses, and each counted failure counts for it too. */
  origin?: AttemptOrigin;
  /** Retry reasons that are no guess here (a double submit of a right code), besides malformed input. */
  uncounted?: readonly RetryReason[];
};

/**
 * The one way anything is verified under retry limits (product.md rule 7): refused while
 * the factor or the address is locked; a success clears the factor's failures; a wrong
 * guess counts (and may lock); a malformed input — a typing slip — does not.
 */
export async function limitAttempts(attempts: Pick<AttemptLimiter, 'status' | 'recordFailure' | 'recordSuccess'>, attempt: LimitedAttempt, verify: () => Promise<Verdict>): Promise<Verdict> {
  const { personId, factor, rule, now, origin, uncounted = [] } = attempt;
  const before = await attempts.status(personId, factor, rule, now, origin);
  if (before.locked) return lockedVerdict(before);
  const verdict = await verify();
  if (verdict.outcome === 'success') {
    await attempts.recordSuccess(personId, factor);
  } else if (verdict.outcome === 'retry' && !uncounted.includes(verdict.reason)) {
    const after = await attempts.recordFailure(personId, factor, rule, now, origin);
    if (after.locked) return lockedVerdict(after);
  }
  return verdict;
}
