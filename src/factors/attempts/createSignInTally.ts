import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { signInTallyRepository } from '../../store/repositories/signInTallyRepository.ts';
import { countedFactorIds, factors } from '../index.ts';
import { addCounts, bucketIdOf, countInto, hourKeyOf, incrementsOf, lastDays, lastHours, readSince, sweepBefore, type TallyCounts, type TallySpan } from './tallyBuckets.ts';

/** The factors whose failures are tallied apart, in the order they are shown: the password first, then every factor (emergency tokens apart from TOTP). */
export const talliedFactors: readonly string[] = ['password', ...new Set([...factors.map((factor) => factor.id), ...countedFactorIds])];

/** The factor a failure is tallied under: the password of any address is "password"; anything unknown is not tallied. */
export function talliedFactorOf(factor: string): string | undefined {
  if (factor === 'password' || factor.startsWith('password:')) return 'password';
  return talliedFactors.includes(factor) ? factor : undefined;
}

export type RecentSignIns = { hours: TallySpan[]; days: TallySpan[]; factors: readonly string[] };

/**
 * How many sign-ins completed and how many failures were counted, per factor and hour,
 * for the admin view's home. The sign-in's path only adds to this instance's memory (no
 * database command); `flush` (every minute and at stop, startGatehouse.ts) adds what
 * was counted to the instance's bucket of each hour with one `$inc` each, and puts the
 * counts back should the write fail, so that the next flush tries again. `recent` reads
 * the buckets of the last 7 days of every instance; `sweep` deletes those older than 8.
 */
export function createSignInTally({ connection, instance = randomBytes(6).toString('base64url') }: { connection: Connection; instance?: string }) {
  const repository = signInTallyRepository(connection);
  let pending = new Map<number, TallyCounts>();
  let flushing: Promise<void> = Promise.resolve();

  async function write(): Promise<void> {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    let failure: unknown;
    for (const [hour, counts] of batch) {
      try {
        await repository.add({ _id: bucketIdOf(hourKeyOf(hour), instance), hour: new Date(hour), instance }, incrementsOf(counts));
      } catch (error) {
        failure ??= error;
        pending.set(hour, addCounts(counts, pending.get(hour) ?? { signIns: 0, failures: {} }));
      }
    }
    if (failure !== undefined) throw failure;
  }

  return {
    instance,

    /** A sign-in completed (the provider has its result). */
    countSignIn(at = Date.now()): void {
      countInto(pending, at, { signIn: true });
    },

    /** A failure the attempt limiter counted (an AttemptFactorKey: "password:<address>", "TOTP", "Emergency"…). */
    countFailure(factor: string, at = Date.now()): void {
      const tallied = talliedFactorOf(factor);
      if (tallied !== undefined) countInto(pending, at, { failure: tallied });
    },

    /** Writes what was counted since the last flush; one flush at a time. */
    flush(): Promise<void> {
      const run = flushing.then(write);
      flushing = run.catch(() => undefined);
      return run;
    },

    /** The last 24 hours and the last 7 days, every instance's flushed counts summed. */
    async recent(now = Date.now()): Promise<RecentSignIns> {
      const buckets = await repository.since(new Date(readSince(now)));
      const hours = buckets.map((bucket) => ({ hour: bucket.hour.getTime(), counts: { signIns: bucket.signIns ?? 0, failures: bucket.failures ?? {} } }));
      return { hours: lastHours(hours, now), days: lastDays(hours, now), factors: talliedFactors };
    },

    /** Deletes the buckets older than eight days. */
    sweep: (now = Date.now()): Promise<number> => repository.deleteBefore(new Date(sweepBefore(now))),
  };
}

export type SignInTally = ReturnType<typeof createSignInTally>;
