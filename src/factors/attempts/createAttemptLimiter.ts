import type { Connection } from 'mongoose';
import type { FactorId, PersonFacts } from '../../policy/types.ts';
import { systemActor, type Actor, type AuditLog } from '../../security/createAuditLog.ts';
import { attemptRepository, fieldOf, keyOfField, type AttemptHead, type ChainEntry } from '../../store/repositories/attemptRepository.ts';
import { attemptKeyOf, type AttemptFactor, type AttemptFactorKey, type AttemptKey } from './attemptKey.ts';
import { checkRule, type AttemptRule, type AttemptStatus } from './attemptStatusOf.ts';
import { remember, remembered } from '../../store/requestReads.ts';
import type { AddressThrottle } from './createAddressThrottle.ts';
import { appendFailure, newestLink } from './failureChain.ts';
import type { AttemptOrigin } from './limitAttempts.ts';
import { countedFailures, personFailureChain, runLinks, runStatus, type RunState } from './personFailures.ts';
import type { SignInTally } from './createSignInTally.ts';
import { lockedNow } from './lockedNow.ts';

export type { AttemptFactor, AttemptFactorKey, AttemptOrigin, AttemptRule, AttemptStatus };

/** What an unlock cleared, for the audit log and the admin's answer. */
export type UnlockResult = { factor: string; locksCleared: number; failuresCleared: number };

/** The factor part of a stored key: what an unlock of one factor clears ("password" is every address). */
const factorOfKey = (key: string) => (key.startsWith('password:') ? 'password' : key);

/**
 * Retry limits shared by every server instance (product.md rule 7). Each person's failures
 * at a key form a chain of slots, each an insert of a unique `_id` (failureChain.ts), and
 * the person's head document — read by `_id`, once per request (store/requestReads.ts) — holds
 * the newest link of every key and the locks that wait for an admin. A sign-in asks this
 * store nothing but lookups by `_id` and inserts.
 *
 * Callers ask `status` before verifying and do not verify while locked; they record
 * every failed verify and each success. `now` is epoch ms (tests pass a later one).
 *
 * With the attempt's client address (`origin.address`), the address throttle is part of
 * the same answer: a throttled address is refused (`byAddress`) at every step that passes
 * it, and each counted failure — password, code, token, answers — counts for the address
 * too, whoever's it was.
 */
export function createAttemptLimiter({ connection, audit, addressThrottle, tally }: { connection: Connection; audit: AuditLog; addressThrottle?: AddressThrottle; /** Counts each failure in memory for the admin view's home (createSignInTally.ts). */ tally?: Pick<SignInTally, 'countFailure'> }) {
  const repository = attemptRepository(connection);
  const headOf = (personId: string): Promise<AttemptHead | null> => remembered(`head:${personId}`, () => repository.head(personId));

  /** The newest link of the person's chain at `key`, walked once per request. */
  async function linkOf(personId: string, key: string, now: number): Promise<ChainEntry<RunState>> {
    const entry = (await headOf(personId))?.keys?.[fieldOf(key)] as ChainEntry<RunState> | undefined;
    return remembered(`link:${personId}:${key}`, () => newestLink(repository, { owner: personId, key, factor: factorOfKey(key) }, entry, runLinks, now));
  }

  async function lockedForAdmin(personId: string, key: string): Promise<boolean> {
    return (await headOf(personId))?.locks?.[fieldOf(key)] !== undefined;
  }

  async function statusOfKey(personId: string, { key }: AttemptKey, rule: AttemptRule, now: number): Promise<AttemptStatus> {
    checkRule(rule);
    // A lock for an admin holds whatever the class says now: it was set under its rule then.
    if (await lockedForAdmin(personId, key)) return { locked: true };
    return runStatus((await linkOf(personId, key, now)).state, rule, now);
  }

  /** What this request knows after writing a head: its own writes, without reading them back. */
  async function rememberHead(personId: string, change: (head: AttemptHead) => void): Promise<void> {
    const head: AttemptHead = structuredClone((await headOf(personId)) ?? { _id: personId });
    change(head);
    remember(`head:${personId}`, head);
  }

  /** The person's status, or the address's refusal when the person may try but the address may not. */
  async function withAddress(status: AttemptStatus, origin: AttemptOrigin | undefined, now: number): Promise<AttemptStatus> {
    if (status.locked || !addressThrottle || origin?.address === undefined) return status;
    const throttle = await addressThrottle.isThrottled(origin.address, now);
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
      tally?.countFailure(factor, now);
      const [status] = await Promise.all([
        (async (): Promise<AttemptStatus> => {
          if (await lockedForAdmin(personId, attempt.key)) return { locked: true };
          const from = await linkOf(personId, attempt.key, now);
          const { link, moved } = await appendFailure(repository, { owner: personId, ...attempt }, from, now, personFailureChain(rule));
          const after = runStatus(link.state, rule, now);
          const forAdmin = after.locked && after.until === undefined;
          // The failures are swept after a day; the lock until an admin unlocks must stay: a document of its own, inserted once.
          if (forAdmin) await repository.insertLock({ personId, key: attempt.key, factor: attempt.factor, at: now });
          if (moved) {
            await repository.updateHead(personId, { entries: { [attempt.key]: link }, ...(forAdmin ? { locks: { [attempt.key]: now } } : {}) });
            remember(`link:${personId}:${attempt.key}`, link);
            await rememberHead(personId, (head) => {
              head.keys = { ...head.keys, [fieldOf(attempt.key)]: link };
              if (forAdmin) head.locks = { ...head.locks, [fieldOf(attempt.key)]: now };
            });
          }
          return after;
        })(),
        ...(addressThrottle && origin?.address !== undefined ? [addressThrottle.recordFailure(origin.address, now)] : []),
      ]);
      return withAddress(status, origin, now);
    },

    /** A passed factor: its failures no longer count (a lock for an admin stays; callers do not verify while locked). */
    async recordSuccess(personId: string, factor: AttemptFactorKey): Promise<void> {
      const { key } = attemptKeyOf(factor);
      const link = await linkOf(personId, key, Date.now());
      const cleared: ChainEntry<RunState> = { ...link, state: { run: [] } };
      await repository.updateHead(personId, { entries: { [key]: cleared } });
      remember(`link:${personId}:${key}`, cleared);
      await rememberHead(personId, (head) => {
        head.keys = { ...head.keys, [fieldOf(key)]: cleared };
      });
    },

    /**
     * Clears the locks and failures of one factor (every address, for "password"; a
     * "password:<ip>" key clears that address only), or of every factor; audited.
     */
    async unlock(personId: string, factor: AttemptFactorKey | undefined, options: { actor?: Actor; personName?: string } = {}): Promise<UnlockResult> {
      const attempt = factor === undefined ? undefined : attemptKeyOf(factor);
      const matches = (key: string) => attempt === undefined || (attempt.key === attempt.factor ? factorOfKey(key) === attempt.factor : key === attempt.key);
      const now = Date.now();
      const head = await repository.head(personId);
      const lockKeys = new Set([...Object.keys(head?.locks ?? {}).map(keyOfField), ...(await repository.locksOf(personId)).map((lock) => lock.key)].filter(matches));
      const entries: Record<string, ChainEntry<RunState>> = {};
      let failuresCleared = 0;
      for (const field of Object.keys(head?.keys ?? {})) {
        const key = keyOfField(field);
        if (!matches(key)) continue;
        // Walked to the newest slot first, so that a lagging head cannot bring cleared failures back.
        const link = await newestLink(repository, { owner: personId, key, factor: factorOfKey(key) }, head!.keys![field] as ChainEntry<RunState>, runLinks, now);
        failuresCleared += countedFailures(link.state, now);
        entries[key] = { ...link, state: { run: [] } };
      }
      const locksCleared = await repository.deleteLocks(personId, [...lockKeys]);
      await repository.updateHead(personId, { entries, dropLocks: [...lockKeys] });
      remember(`head:${personId}`, await repository.head(personId));
      for (const key of Object.keys(entries)) remember(`link:${personId}:${key}`, entries[key]!);
      const result = { factor: attempt?.key ?? 'all', locksCleared, failuresCleared };
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
      const locks: PersonFacts['locks'] = {};
      for (const [factor, rule] of rules) {
        const status = await statusOfKey(personId, { key: factor, factor }, rule, now);
        if (status.locked) locks[factor] = status.until === undefined ? { untilAdminUnlock: true } : { until: status.until.getTime() };
      }
      return locks;
    },

    /** Who is locked now, for the admin view's home (every head is read, as the sweeper does: never on a sign-in's path). */
    lockedNow: (ruleOf: Parameters<typeof lockedNow>[1], now = Date.now()) => lockedNow(repository, ruleOf, now),

    /** Everything kept of a person's attempts (the person is deleted). */
    forgetPerson: (personId: string) => repository.forgetOwner(personId),
  };
}

export type AttemptLimiter = ReturnType<typeof createAttemptLimiter>;
