import type { RetryReason, Verdict } from '../Verdict.ts';
import type { AttemptRule, AttemptStatus } from './attemptStatusOf.ts';

/** Where an attempt comes from: its client address, when a person types it on a page. */
export type AttemptOrigin = { address?: string };

/** What limitAttempts needs of the attempt limiter (createAttemptLimiter.ts), said here so that factors using it import nothing more. */
export type AttemptCounter = {
  status(personId: string, factor: string, rule: AttemptRule, now?: number, origin?: AttemptOrigin): Promise<AttemptStatus>;
  recordFailure(personId: string, factor: string, rule: AttemptRule, now?: number, origin?: AttemptOrigin): Promise<AttemptStatus>;
  recordSuccess(personId: string, factor: string): Promise<void>;
};


/** A locked status as a verdict. */
export const lockedVerdict = (status: AttemptStatus & { locked: true }): Verdict => ({
  outcome: 'locked',
  ...(status.until ? { until: status.until.getTime() } : {}),
  ...(status.byAddress ? { byAddress: true } : {}),
});

export type LimitedAttempt = {
  personId: string;
  /** The factor id (a factor that counts as another is counted there) or a password key. */
  factor: string;
  rule: AttemptRule;
  now: number;
  /** The client address: its throttle refuses, and each counted failure counts for it too. */
  origin?: AttemptOrigin;
  /** Retry reasons that are no guess here (a double submit of a right code), besides malformed input. */
  uncounted?: readonly RetryReason[];
};

/**
 * The one way anything is verified under retry limits (product.md rule 7): refused while
 * the factor or the address is locked; a success clears the factor's failures (when any count); a wrong
 * guess counts (and may lock); a malformed input — a typing slip — does not.
 */
export async function limitAttempts(attempts: AttemptCounter, attempt: LimitedAttempt, verify: () => Promise<Verdict>): Promise<Verdict> {
  const { personId, factor, rule, now, origin, uncounted = [] } = attempt;
  const before = await attempts.status(personId, factor, rule, now, origin);
  if (before.locked) return lockedVerdict(before);
  const verdict = await verify();
  if (verdict.outcome === 'success') {
    // Nothing counted against the factor: a reset would change nothing (failures before an ended lock no longer count either).
    if (before.failures > 0) await attempts.recordSuccess(personId, factor);
  } else if (verdict.outcome === 'retry' && !uncounted.includes(verdict.reason)) {
    const after = await attempts.recordFailure(personId, factor, rule, now, origin);
    if (after.locked) return lockedVerdict(after);
  }
  return verdict;
}
