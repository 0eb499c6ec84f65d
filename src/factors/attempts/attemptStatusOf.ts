/**
 * A factor's retry state as a pure function of its failure times — no counter is stored,
 * so every server instance that reads the same failures reaches the same answer.
 */

/** The class's "Maximum retries" (0 = no maximum) and "Wait before next attempt" (999 = until an admin unlocks). */
export type AttemptRule = { maxRetries: number; waitSeconds: number };

export type AttemptStatus =
  | { locked: false; failures: number; /** Failures left before the lock; null when there is no maximum. */ remaining: number | null }
  | { locked: true; /** Absent: until an admin unlocks. */ until?: Date; /** The client address is throttled, not the person's factor (createAddressThrottle.ts). */ byAddress?: true };

/** "Wait before next attempt" 999: no retry until an admin unlocks. */
export const untilAdminUnlockSeconds = 999;

/**
 * Failures older than this no longer count (and are swept): "consecutive" failures spread
 * over more than a day are not one attack. Longer than any timed wait (at most 998 s).
 */
export const failureMemoryMs = 24 * 60 * 60 * 1000;

export function checkRule(rule: AttemptRule): void {
  const { maxRetries, waitSeconds } = rule ?? {};
  if (!Number.isInteger(maxRetries) || maxRetries < 0 || !Number.isInteger(waitSeconds) || waitSeconds < 1 || waitSeconds > untilAdminUnlockSeconds) {
    throw new TypeError(`attempts: a rule is { maxRetries: 0 or more, waitSeconds: 1–999 }; got ${JSON.stringify(rule)}`);
  }
}

/**
 * Replays the failures in time order: the failure that reaches maxRetries locks for
 * waitSeconds from its own time (999: for good). Failures during a timed lock are not
 * counted towards the next one, and once the lock has ended the count starts again from
 * zero — the fresh set of retries — without anything having to be reset in the store.
 * `times` are epoch ms; failures older than failureMemoryMs before `now` are ignored.
 */
export function attemptStatusOf(times: readonly number[], rule: AttemptRule, now: number): AttemptStatus {
  const { maxRetries, waitSeconds } = rule;
  const since = now - failureMemoryMs;
  let failures = 0;
  let lockedUntil: number | undefined;
  for (const at of times.toSorted((a, b) => a - b)) {
    if (at < since) continue;
    if (lockedUntil !== undefined) {
      if (at < lockedUntil) continue;
      lockedUntil = undefined;
      failures = 0;
    }
    failures += 1;
    if (maxRetries > 0 && failures >= maxRetries) {
      if (waitSeconds >= untilAdminUnlockSeconds) return { locked: true };
      lockedUntil = at + waitSeconds * 1000;
    }
  }
  if (lockedUntil !== undefined) {
    if (lockedUntil > now) return { locked: true, until: new Date(lockedUntil) };
    failures = 0;
  }
  return { locked: false, failures, remaining: maxRetries > 0 ? maxRetries - failures : null };
}
