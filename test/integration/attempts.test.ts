import { passwordAttempt } from '../../src/factors/attempts/attemptKey.ts';
import { withRequestReads } from '../../src/store/requestReads.ts';
import { failureMemoryMs } from '../../src/factors/attempts/attemptStatusOf.ts';
import { addressWindowMs } from '../../src/factors/attempts/createAddressThrottle.ts';
import { sweepAttempts } from '../../src/factors/attempts/sweepAttempts.ts';
import { attemptSlotModel } from '../../src/store/models/attemptSlotModel.ts';
import { attemptLockModel } from '../../src/store/models/attemptLockModel.ts';
import { attemptRepository } from '../../src/store/repositories/attemptRepository.ts';
import { personModel } from '../../src/store/models/personModel.ts';
import type { Services } from '../../src/services.ts';
import { newMasterKey, openTestServices, testConfig, testDatabaseUri } from '../support/testGatehouse.ts';

// Two instances' worth of services on one database: each has its own mongoose connection.
let one: Services;
let two: Services;
const addressFailureLimit = 5;

const t0 = Date.parse('2030-01-01T12:00:00Z');
const at = (seconds: number) => t0 + seconds * 1000;
const timed = { maxRetries: 3, waitSeconds: 60 };
const forAdmin = { maxRetries: 2, waitSeconds: 999 };
const admin = { kind: 'cli' as const, id: 'ops' };

let counter = 0;
/** A person of its own for each test, so no test sees another's failures. */
async function newPerson(): Promise<string> {
  counter += 1;
  const person = await one.persons.add({ name: `P${counter}`, password: 'correct horse battery' });
  return person.sub;
}

beforeAll(async () => {
  const config = testConfig({ mongodbUri: testDatabaseUri(), masterKey: newMasterKey(), addressFailureLimit });
  one = await openTestServices(config);
  two = await openTestServices(config);
});

afterAll(async () => {
  await two?.store.close();
  await one?.store.close();
});

describe('retry limits per person and factor', () => {
  test('the failure that reaches maxRetries locks for the class\'s wait; after it, a fresh set of retries', async () => {
    const sub = await newPerson();
    expect(await one.attempts.status(sub, 'TOTP', timed, at(0))).toEqual({ locked: false, failures: 0, remaining: 3 });
    expect(await one.attempts.recordFailure(sub, 'TOTP', timed, at(0))).toEqual({ locked: false, failures: 1, remaining: 2 });
    expect(await two.attempts.recordFailure(sub, 'TOTP', timed, at(1))).toEqual({ locked: false, failures: 2, remaining: 1 });
    expect(await one.attempts.recordFailure(sub, 'TOTP', timed, at(2))).toEqual({ locked: true, until: new Date(at(62)) });

    // Every instance sees the lock; other factors are not locked by it.
    expect(await two.attempts.status(sub, 'TOTP', timed, at(30))).toEqual({ locked: true, until: new Date(at(62)) });
    expect(await two.attempts.status(sub, 'OTP', timed, at(30))).toEqual({ locked: false, failures: 0, remaining: 3 });
    // A failure recorded during the lock does not extend it.
    await two.attempts.recordFailure(sub, 'TOTP', timed, at(40));
    expect(await one.attempts.status(sub, 'TOTP', timed, at(61))).toEqual({ locked: true, until: new Date(at(62)) });

    expect(await one.attempts.status(sub, 'TOTP', timed, at(62))).toEqual({ locked: false, failures: 0, remaining: 3 });
    expect(await one.attempts.recordFailure(sub, 'TOTP', timed, at(70))).toEqual({ locked: false, failures: 1, remaining: 2 });
  });

  test('wait 999: locked until an admin unlocks — past any time, and past the sweep of old failures', async () => {
    const sub = await newPerson();
    await one.attempts.recordFailure(sub, 'Qstn', forAdmin, at(0));
    expect(await two.attempts.recordFailure(sub, 'Qstn', forAdmin, at(1))).toEqual({ locked: true });
    const twoDaysLater = at(1) + 2 * failureMemoryMs;
    await sweepAttempts(one.store.connection, twoDaysLater);
    expect(await attemptSlotModel(one.store.connection).countDocuments({ owner: sub })).toBe(0);
    expect(await one.attempts.status(sub, 'Qstn', forAdmin, twoDaysLater)).toEqual({ locked: true });
    expect(await one.attempts.locksOf(sub, { Qstn: forAdmin, TOTP: forAdmin }, twoDaysLater)).toEqual({ Qstn: { untilAdminUnlock: true } });

    const result = await two.attempts.unlock(sub, 'Qstn', { actor: admin });
    expect(result).toEqual({ factor: 'Qstn', locksCleared: 1, failuresCleared: 0 });
    expect(await one.attempts.status(sub, 'Qstn', forAdmin, twoDaysLater)).toEqual({ locked: false, failures: 0, remaining: 2 });
    const [entry] = await one.audit.list({ entity: 'person', entityId: sub });
    expect(entry).toMatchObject({ action: 'unlock', actor: admin, after: { factor: 'Qstn', locks_cleared: 1, failures_cleared: 0 } });
  });

  test('maxRetries 0: no maximum, never locked', async () => {
    const sub = await newPerson();
    const unlimited = { maxRetries: 0, waitSeconds: 999 };
    for (let i = 0; i < 12; i++) await one.attempts.recordFailure(sub, 'OTP', unlimited, at(i));
    expect(await two.attempts.status(sub, 'OTP', unlimited, at(12))).toEqual({ locked: false, failures: 12, remaining: null });
    expect(await two.attempts.locksOf(sub, { OTP: unlimited }, at(12))).toEqual({});
  });

  test('a success resets the factor\'s count; emergency tokens count (and reset) as TOTP', async () => {
    const sub = await newPerson();
    await one.attempts.recordFailure(sub, 'TOTP', timed, at(0));
    await one.attempts.recordFailure(sub, 'Emergency', timed, at(1));
    expect(await one.attempts.status(sub, 'TOTP', timed, at(2))).toEqual({ locked: false, failures: 2, remaining: 1 });
    await two.attempts.recordSuccess(sub, 'Emergency');
    expect(await one.attempts.status(sub, 'TOTP', timed, at(2))).toEqual({ locked: false, failures: 0, remaining: 3 });

    await one.attempts.recordFailure(sub, 'OTP', timed, at(3));
    await one.attempts.recordFailure(sub, 'TOTP', timed, at(3));
    await one.attempts.recordFailure(sub, 'TOTP', timed, at(4));
    expect(await one.attempts.recordFailure(sub, 'Emergency', timed, at(5))).toEqual({ locked: true, until: new Date(at(65)) });
    expect(await one.attempts.status(sub, 'Emergency', timed, at(6))).toEqual({ locked: true, until: new Date(at(65)) });
    await one.attempts.recordSuccess(sub, 'Qstn');
    expect(await one.attempts.status(sub, 'OTP', timed, at(6))).toEqual({ locked: false, failures: 1, remaining: 2 });
  });

  test('within one request the reads are made once, and the request sees its own failures, successes and unlocks', async () => {
    const sub = await newPerson();
    await withRequestReads(async () => {
      expect(await one.attempts.status(sub, 'TOTP', forAdmin, at(0))).toEqual({ locked: false, failures: 0, remaining: 2 });
      // A failure stored by another instance after this request read: the request's reads were made once, so not seen…
      // (Written through the other instance's store directly: its limiter would share this request's reads, being in the same process.)
      const elsewhere = attemptRepository(two.store.connection);
      const link = { n: 1, last: at(1), state: { run: [at(1)] } };
      expect(await elsewhere.insertSlot({ owner: sub, key: 'TOTP', factor: 'TOTP', n: 1, at: at(1), state: link.state })).toBe(true);
      await elsewhere.updateHead(sub, { entries: { TOTP: link } });
      expect(await one.attempts.status(sub, 'TOTP', forAdmin, at(1))).toEqual({ locked: false, failures: 0, remaining: 2 });
      // …until the request writes one itself: then both count, and the second locks.
      expect(await one.attempts.recordFailure(sub, 'TOTP', forAdmin, at(2))).toEqual({ locked: true });
      expect(await one.attempts.status(sub, 'TOTP', forAdmin, at(3))).toEqual({ locked: true });
      expect(await one.attempts.locksOf(sub, { TOTP: forAdmin }, at(3))).toEqual({ TOTP: { untilAdminUnlock: true } });
      await one.attempts.unlock(sub, 'TOTP', { actor: admin });
      expect(await one.attempts.status(sub, 'TOTP', forAdmin, at(4))).toEqual({ locked: false, failures: 0, remaining: 2 });
    });
  });

  test('password failures count per person and client address: failures from A do not lock the person at B', async () => {
    const sub = await newPerson();
    for (let i = 0; i < 3; i++) await one.attempts.recordFailure(sub, passwordAttempt('203.0.113.7'), timed, at(i));
    expect(await one.attempts.status(sub, passwordAttempt('203.0.113.7'), timed, at(3))).toEqual({ locked: true, until: new Date(at(62)) });
    // The same address, IPv4-mapped, is the same address.
    expect(await two.attempts.status(sub, passwordAttempt('::ffff:203.0.113.7'), timed, at(3))).toMatchObject({ locked: true });
    expect(await two.attempts.status(sub, passwordAttempt('198.51.100.20'), timed, at(3))).toEqual({ locked: false, failures: 0, remaining: 3 });
    // The password lock is not a second-factor lock: the planner sees none.
    expect(await one.attempts.locksOf(sub, { TOTP: timed, OTP: timed, Qstn: timed }, at(3))).toEqual({});

    // Unlocking "password" clears every address; a success clears only its own.
    await one.attempts.recordFailure(sub, passwordAttempt('198.51.100.20'), timed, at(4));
    await one.attempts.recordSuccess(sub, passwordAttempt('198.51.100.20'));
    expect(await one.attempts.status(sub, passwordAttempt('203.0.113.7'), timed, at(5))).toMatchObject({ locked: true });
    expect(await one.attempts.unlock(sub, 'password', { actor: admin })).toEqual({ factor: 'password', locksCleared: 0, failuresCleared: 3 });
    expect(await one.attempts.status(sub, passwordAttempt('203.0.113.7'), timed, at(5))).toEqual({ locked: false, failures: 0, remaining: 3 });
  });

  test('unlock without a factor clears every factor, and is audited with the actor', async () => {
    const sub = await newPerson();
    await one.attempts.recordFailure(sub, 'TOTP', forAdmin, at(0));
    await one.attempts.recordFailure(sub, 'TOTP', forAdmin, at(1));
    await one.attempts.recordFailure(sub, 'OTP', timed, at(1));
    await one.attempts.recordFailure(sub, passwordAttempt('192.0.2.1'), timed, at(1));
    expect(await one.attempts.unlock(sub, undefined, { actor: admin })).toEqual({ factor: 'all', locksCleared: 1, failuresCleared: 4 });
    expect(await attemptLockModel(one.store.connection).countDocuments({ personId: sub })).toBe(0);
    expect(await one.attempts.status(sub, 'TOTP', forAdmin, at(2))).toEqual({ locked: false, failures: 0, remaining: 2 });
    const [entry] = await one.audit.list({ entity: 'person', entityId: sub });
    expect(entry).toMatchObject({ action: 'unlock', actor: admin, after: { factor: 'all', locks_cleared: 1, failures_cleared: 4 } });
  });

  test('10 concurrent failures from two connections: locked, none counted twice and none lost', async () => {
    const sub = await newPerson();
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? one : two).attempts.recordFailure(sub, 'TOTP', timed, at(0))));
    expect(results.some((status) => status.locked)).toBe(true);
    // Exactly the three that lock took a slot each; the seven after them fell in the lock and count for nothing.
    expect(await attemptSlotModel(one.store.connection).countDocuments({ owner: sub, key: 'TOTP' })).toBe(3);
    expect(results.filter((status) => !status.locked)).toHaveLength(2);
    expect(await one.attempts.status(sub, 'TOTP', timed, at(1))).toEqual({ locked: true, until: new Date(at(60)) });

    // The same with a lock for an admin: one lock document, whichever instance wrote it.
    const other = await newPerson();
    const forAdminResults = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? one : two).attempts.recordFailure(other, 'OTP', forAdmin, at(0))));
    expect(forAdminResults.some((status) => status.locked)).toBe(true);
    expect(await attemptSlotModel(two.store.connection).countDocuments({ owner: other, key: 'OTP' })).toBe(2);
    expect(await attemptLockModel(two.store.connection).countDocuments({ personId: other })).toBe(1);
  });

  test('locksOf gives the planner only the factors locked now; the plan shows the lock', async () => {
    const sub = await newPerson();
    await one.classes.add({ name: 'LOCKS', mfa_device: 'S', factors: { MFA: { TOTP: 1, Qstn: 2 } }, question_count: 1, max_retries: 2, wait_seconds: 120 });
    await one.persons.update(`P${counter}`, { class: 'LOCKS' });
    // A registered TOTP key, as the TOTP factor keeps it on the person.
    await personModel(one.store.connection).collection.updateOne({ _id: sub as never }, { $set: { totp: { state: 'active' } } });
    const now = Date.now();
    await one.attempts.recordFailure(sub, 'TOTP', { maxRetries: 2, waitSeconds: 120 }, now - 1000);
    expect((await two.persons.plan(`P${counter}`, 'MFA', now)).plan.challenge).toMatchObject({ factor: 'TOTP' });
    await two.attempts.recordFailure(sub, 'TOTP', { maxRetries: 2, waitSeconds: 120 }, now);
    const rule = { maxRetries: 2, waitSeconds: 120 };
    expect(await one.attempts.locksOf(sub, { TOTP: rule, OTP: rule, Qstn: rule }, now)).toEqual({ TOTP: { until: now + 120_000 } });
    // Under a class with more retries the same failures are no lock.
    expect(await one.attempts.locksOf(sub, { TOTP: timed }, now)).toEqual({});

    const { plan, text } = await two.persons.plan(`P${counter}`, 'MFA', now + 1000);
    expect(plan.challenge).toBeUndefined();
    expect(plan.skipped).toContainEqual(expect.objectContaining({ factor: 'TOTP', reason: 'locked', lockedUntil: now + 120_000 }));
    expect(text).toContain(`Skipped: TOTP (priority 1) — locked after too many failures until ${new Date(now + 120_000).toISOString()}`);
    expect(plan.denied).toMatchObject({ reason: 'locked', lockedUntil: now + 120_000 });
    expect((await two.persons.plan(`P${counter}`, 'MFA', now + 120_000)).plan.challenge).toMatchObject({ factor: 'TOTP' });
  });

  test('the sweep removes failures older than a day, and keeps newer ones', async () => {
    const sub = await newPerson();
    await one.attempts.recordFailure(sub, 'OTP', timed, at(0));
    await one.attempts.recordFailure(sub, 'OTP', timed, at(0) + failureMemoryMs);
    await one.addressThrottle.recordFailure('192.0.2.99', at(0));
    await sweepAttempts(two.store.connection, at(1) + failureMemoryMs);
    expect(await attemptSlotModel(one.store.connection).countDocuments({ owner: sub })).toBe(1);
    expect(await attemptSlotModel(one.store.connection).countDocuments({ owner: 'address:192.0.2.99' })).toBe(0);
  });

  test('the sweep removes the locks of a deleted person, and keeps those of persons still there', async () => {
    const kept = await newPerson();
    const deleted = await newPerson();
    for (const sub of [kept, deleted]) for (let i = 0; i < 2; i++) await one.attempts.recordFailure(sub, 'TOTP', forAdmin, at(i));
    await one.persons.delete(`P${counter}`);
    await sweepAttempts(one.store.connection, at(2));
    expect(await attemptLockModel(one.store.connection).countDocuments({ personId: deleted })).toBe(0);
    expect(await one.attempts.status(kept, 'TOTP', forAdmin, at(2))).toEqual({ locked: true });
  });
});

describe('the heads that a sign-in reads', () => {
  test('a head left behind by racing writes is walked on: the lock stands, and the next failure lands after the newest slot', async () => {
    const sub = await newPerson();
    for (let i = 0; i < 3; i++) await one.attempts.recordFailure(sub, 'OTP', timed, at(i));
    // What a write lost to a race leaves: the head at the first failure.
    await attemptRepository(two.store.connection).updateHead(sub, { entries: { OTP: { n: 1, last: at(0), state: { run: [at(0)] } } } });
    expect(await two.attempts.status(sub, 'OTP', timed, at(10))).toEqual({ locked: true, until: new Date(at(62)) });
    expect(await two.attempts.recordFailure(sub, 'OTP', timed, at(70))).toEqual({ locked: false, failures: 1, remaining: 2 });
    expect(await attemptSlotModel(one.store.connection).countDocuments({ owner: sub, key: 'OTP' })).toBe(4);
  });

  test('a lock for an admin whose head does not say so (kept by an earlier version) is noted in the head by the sweep', async () => {
    const sub = await newPerson();
    await one.store.connection.collection('attempt_locks').insertOne({ _id: JSON.stringify([sub, 'Qstn']) as never, personId: sub, key: 'Qstn', factor: 'Qstn', at: new Date(at(0)) });
    expect(await one.attempts.status(sub, 'Qstn', forAdmin, at(1))).toMatchObject({ locked: false });
    await sweepAttempts(two.store.connection, at(1));
    expect(await one.attempts.status(sub, 'Qstn', forAdmin, at(1))).toEqual({ locked: true });
    expect(await one.attempts.unlock(sub, 'Qstn', { actor: admin })).toEqual({ factor: 'Qstn', locksCleared: 1, failuresCleared: 0 });
    expect(await one.attempts.status(sub, 'Qstn', forAdmin, at(1))).toMatchObject({ locked: false });
  });

  test('the sweep drops a head once its failures are gone', async () => {
    const sub = await newPerson();
    await one.attempts.recordFailure(sub, 'TOTP', timed, at(0));
    await one.addressThrottle.recordFailure('192.0.2.77', at(0));
    expect(await attemptRepository(one.store.connection).head(sub)).not.toBeNull();
    await sweepAttempts(one.store.connection, at(1) + failureMemoryMs);
    expect(await attemptRepository(one.store.connection).head(sub)).toBeNull();
    expect(await attemptRepository(one.store.connection).head('address:192.0.2.77')).toBeNull();
  });
});

describe('the address throttle', () => {
  test(`more than ${addressFailureLimit} failures from one address within 15 minutes: refused until the window passes`, async () => {
    const ip = '198.51.100.77';
    for (let i = 0; i < addressFailureLimit; i++) await (i % 2 ? one : two).addressThrottle.recordFailure(ip, at(i));
    expect(await one.addressThrottle.isThrottled(ip, at(10))).toEqual({ throttled: false });
    await two.addressThrottle.recordFailure(ip, at(10));
    // Refused until the oldest failure that keeps it over the limit is 15 minutes old.
    expect(await one.addressThrottle.isThrottled(ip, at(10))).toEqual({ throttled: true, retryAfterSeconds: 890 });
    expect(await one.addressThrottle.isThrottled('::ffff:198.51.100.77', at(10))).toMatchObject({ throttled: true });
    expect(await two.addressThrottle.isThrottled('198.51.100.78', at(10))).toEqual({ throttled: false });
    expect(await one.addressThrottle.isThrottled(ip, at(0) + addressWindowMs - 1)).toMatchObject({ throttled: true });
    expect(await one.addressThrottle.isThrottled(ip, at(0) + addressWindowMs)).toEqual({ throttled: false });
  });

  test('IPv6 addresses of one /64 share a budget', async () => {
    for (let i = 0; i <= addressFailureLimit; i++) await one.addressThrottle.recordFailure(`2001:db8:77:1::${i + 1}`, at(i));
    expect(await two.addressThrottle.isThrottled('2001:db8:77:1:ffff::9', at(10))).toMatchObject({ throttled: true });
    expect(await two.addressThrottle.isThrottled('2001:db8:77:2::1', at(10))).toEqual({ throttled: false });
  });
});
