import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { FactorId, PersonFacts } from '../../policy/types.ts';
import { systemActor, type Actor, type AuditLog } from '../../security/createAuditLog.ts';
import { attemptFailureModel } from '../../store/models/attemptFailureModel.ts';
import { attemptLockModel } from '../../store/models/attemptLockModel.ts';
import { attemptKeyOf, type AttemptFactor, type AttemptFactorKey, type AttemptKey } from './attemptKey.ts';
import { attemptStatusOf, checkRule, failureMemoryMs, type AttemptRule, type AttemptStatus } from './attemptStatusOf.ts';
import { forget, remembered } from './attemptReads.ts';
import { clientAddressKey } from './clientAddressKey.ts';
import type { AddressThrottle } from './createAddressThrottle.ts';
import type { AttemptOrigin } from './limitAttempts.ts';

export type { AttemptFactor, AttemptFactorKey, AttemptOrigin, AttemptRule, AttemptStatus };

/** What an unlock cleared, for the audit log and the admin's answer. */
export type UnlockResult = { factor: string; locksCleared: number; failuresCleared: number };

const lockId = (personId: string, key: string) => JSON.stringify([personId, key]);

/**
 * Retry limits shared by every server instance (product.md rule 7): a document per
 * failure (inserts are atomic everywhere), the state replayed from them on each read
 * (attemptStatusOf.ts), and a lock document for the locks only an admin lifts. No
 * conditional update or $inc is used: the embedded database does those as
 * read-then-write and would lose concurrent failures.
 *
 * Callers ask `status` before verifying and do not verify while locked; they record
 * every failed verify and each success. `now` is epoch ms (tests pass a later one).
 *
 * With the attempt's client address (`origin.address`), the address throttle is part of
 * the same answer: a throttled address is refused (`byAddress`) at every step that passes
 * it, and each counted failure — password, code, token, answers — counts for the address
 * too, whoever's it was.
 */
export function createAttemptLimiter({ connection, audit, addressThrottle }: { connection: Connection; audit: AuditLog; addressThrottle?: AddressThrottle }) {
  const Failures = attemptFailureModel(connection);
  const Locks = attemptLockModel(connection);

  /** Every failure of the person that still counts, of any key: one query per request (attemptReads.ts). */
  async function failuresOf(personId: string, now: number): Promise<{ key: string; at: Date }[]> {
    return remembered(`failures:${personId}`, () => Failures.find({ personId, at: { $gte: new Date(now - failureMemoryMs) } }, { key: 1, at: 1 }).lean());
  }

  /** The keys of the person's locks that wait for an admin: one query per request. */
  async function adminLocksOf(personId: string): Promise<Set<string>> {
    return remembered(`locks:${personId}`, async () => new Set((await Locks.find({ personId }, { key: 1 }).lean()).map((lock) => lock.key)));
  }

  async function failureTimes(personId: string, keys: string[], now: number): Promise<Map<string, number[]>> {
    const byKey = new Map<string, number[]>(keys.map((key) => [key, []]));
    for (const failure of await failuresOf(personId, now)) byKey.get(failure.key)?.push(failure.at.getTime());
    return byKey;
  }

  async function statusOfKey(personId: string, { key }: AttemptKey, rule: AttemptRule, now: number): Promise<AttemptStatus> {
    checkRule(rule);
    // A lock for an admin holds whatever the class says now: it was set under its rule then.
    if ((await adminLocksOf(personId)).has(key)) return { locked: true };
    return attemptStatusOf((await failureTimes(personId, [key], now)).get(key)!, rule, now);
  }

  /** The person's status, or the address's refusal when the person may try but the address may not. */
  async function withAddress(status: AttemptStatus, origin: AttemptOrigin | undefined, now: number): Promise<AttemptStatus> {
    if (status.locked || !addressThrottle || origin?.address === undefined) return status;
    const address = origin.address;
    const throttle = await remembered(`address:${clientAddressKey(address)}`, () => addressThrottle.isThrottled(address, now));
    return throttle.throttled ? { locked: true, until: new Date(now + throttle.retryAfterSeconds * 1000), byAddress: true } : status;
  }

  return {
    /** Whether the person may try this factor now (and, given its address, whether the address may), and how many failures are left. */
    async status(personId: string, factor: AttemptFactorKey, rule: AttemptRule, now = Date.now(), origin?: AttemptOrigin): Promise<AttemptStatus> {
      return withAddress(await statusOfKey(personId, attemptKeyOf(factor), rule, now), origin, now);
    },

    /** Counts one failure (for the address too, when given); the answer is the status after it (locked when it reached the maximum). */
    async recordFailure(personId: string, factor: AttemptFactorKey, rule: AttemptRule, now = Date.now(), origin?: AttemptOrigin): Promise<AttemptStatus> {
      checkRule(rule);
      const attempt = attemptKeyOf(factor);
      await Promise.all([
        Failures.create({ _id: randomUUID(), personId, key: attempt.key, factor: attempt.factor, at: new Date(now) }),
        ...(addressThrottle && origin?.address !== undefined ? [addressThrottle.recordFailure(origin.address, now)] : []),
      ]);
      forget(`failures:${personId}`);
      if (origin?.address !== undefined) forget(`address:${clientAddressKey(origin.address)}`);
      const status = await statusOfKey(personId, attempt, rule, now);
      if (status.locked && status.until === undefined) {
        // The failures are swept after a day; the lock until an admin unlocks must stay. Inserted once, by whichever instance gets there first.
        await Locks.create({ _id: lockId(personId, attempt.key), personId, key: attempt.key, factor: attempt.factor, at: new Date(now) }).catch((error: { code?: number }) => {
          if (error.code !== 11000) throw error;
        });
        forget(`locks:${personId}`);
      }
      return withAddress(status, origin, now);
    },

    /** A passed factor: its failures no longer count (a lock for an admin stays; callers do not verify while locked). */
    async recordSuccess(personId: string, factor: AttemptFactorKey): Promise<void> {
      await Failures.deleteMany({ personId, key: attemptKeyOf(factor).key });
      forget(`failures:${personId}`);
    },

    /**
     * Clears the locks and failures of one factor (every address, for "password"; a
     * "password:<ip>" key clears that address only), or of every factor; audited.
     */
    async unlock(personId: string, factor: AttemptFactorKey | undefined, options: { actor?: Actor; personName?: string } = {}): Promise<UnlockResult> {
      const attempt = factor === undefined ? undefined : attemptKeyOf(factor);
      const filter = attempt === undefined ? { personId } : attempt.key === attempt.factor ? { personId, factor: attempt.factor } : { personId, key: attempt.key };
      const locks = await Locks.deleteMany(filter);
      const failures = await Failures.deleteMany(filter);
      forget(`locks:${personId}`);
      forget(`failures:${personId}`);
      const result = { factor: attempt?.key ?? 'all', locksCleared: locks.deletedCount, failuresCleared: failures.deletedCount };
      await audit.record({
        actor: options.actor ?? systemActor,
        action: 'unlock',
        entity: 'person',
        entityId: personId,
        after: { ...(options.personName === undefined ? {} : { name: options.personName }), factor: result.factor, locks_cleared: result.locksCleared, failures_cleared: result.failuresCleared },
      });
      return result;
    },

    /** The planner's view: the factors of `rulesByFactor` that are locked now (PersonFacts.locks). */
    async locksOf(personId: string, rulesByFactor: Partial<Record<FactorId, AttemptRule>>, now = Date.now()): Promise<PersonFacts['locks']> {
      const rules = Object.entries(rulesByFactor) as [FactorId, AttemptRule][];
      if (rules.length === 0) return {};
      for (const [, rule] of rules) checkRule(rule);
      const keys = rules.map(([factor]) => factor as string);
      const [times, lockedForAdmin] = await Promise.all([failureTimes(personId, keys, now), adminLocksOf(personId)]);
      const locks: PersonFacts['locks'] = {};
      for (const [factor, rule] of rules) {
        const status: AttemptStatus = lockedForAdmin.has(factor) ? { locked: true } : attemptStatusOf(times.get(factor) ?? [], rule, now);
        if (status.locked) locks[factor] = status.until === undefined ? { untilAdminUnlock: true } : { until: status.until.getTime() };
      }
      return locks;
    },
  };
}

export type AttemptLimiter = ReturnType<typeof createAttemptLimiter>;
