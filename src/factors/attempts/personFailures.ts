import type { ChainKind } from './failureChain.ts';
import { attemptStatusOf, failureMemoryMs, type AttemptRule, type AttemptStatus } from './attemptStatusOf.ts';

/**
 * A person's failures at one key (a factor, the password from one address): the counted
 * failures of the current run, oldest first. A run starts after a success, an unlock or
 * the end of a timed lock; failures during a timed lock do not count. The lock itself is
 * not stored: it follows from the run under the class's rule when read (attemptStatusOf),
 * so a class given more retries lifts it, and every instance reads the same answer.
 */
export type RunState = { run: number[] };

/** A run holds at most this many failures (only a class with no maximum gets there): the newest count. */
const longestRun = 64;

/** What reading a run needs, whatever the rule: where to start, and whether a newer slot may matter. */
export const runLinks: Pick<ChainKind<RunState>, 'empty' | 'live'> = {
  empty: { run: [] },
  live: (state, now) => state.run.some((time) => time >= now - failureMemoryMs),
};

export function personFailureChain(rule: AttemptRule): ChainKind<RunState> {
  return {
    ...runLinks,
    next(state, at) {
      const run = state.run.filter((time) => time >= at - failureMemoryMs);
      const before = attemptStatusOf(run, rule, at);
      if (before.locked) return undefined;
      // A run that reached the maximum and is unlocked now is a lock that has ended: the fresh set of retries.
      const ended = rule.maxRetries > 0 && run.length >= rule.maxRetries;
      return { run: [...(ended ? [] : run), at].slice(-longestRun) };
    },
  };
}

/** The status of a run at `now` under the class's rule now. */
export const runStatus = (state: RunState, rule: AttemptRule, now: number): AttemptStatus => attemptStatusOf(state.run, rule, now);

/** How many failures of a run still count (what an unlock reports as cleared). */
export const countedFailures = (state: RunState, now: number): number => state.run.filter((time) => time >= now - failureMemoryMs).length;
