import { createSignInTally } from '../../src/factors/attempts/createSignInTally.ts';
import { dayMs, hourMs } from '../../src/factors/attempts/tallyBuckets.ts';
import type { Services } from '../../src/services.ts';
import { newMasterKey, openTestServices, testConfig, testDatabaseUri } from '../support/testGatehouse.ts';

// The sign-in tally on the real database: counts stay in memory until a flush, which adds
// them to the instance's hourly bucket with $inc; two instances' buckets are summed; a
// failed write keeps the counts for the next flush; the sweep drops buckets older than 8 days.

let services: Services;

beforeAll(async () => {
  services = await openTestServices(testConfig({ mongodbUri: testDatabaseUri(), masterKey: newMasterKey() }));
});

afterAll(async () => {
  await services?.store.close();
});

const buckets = () => services.store.connection.collection('sign_in_tally').find({}).sort({ _id: 1 }).toArray();

test('counts reach the store only with a flush, one bucket per instance and hour, summed when read', async () => {
  const now = Date.now();
  const one = createSignInTally({ connection: services.store.connection, instance: 'one' });
  const two = createSignInTally({ connection: services.store.connection, instance: 'two' });
  one.countSignIn(now);
  one.countFailure('password:192.0.2.1', now);
  one.countFailure('Emergency', now);
  one.countFailure('not-a-factor', now);
  two.countSignIn(now);
  expect(await buckets()).toEqual([]);

  await Promise.all([one.flush(), two.flush()]);
  one.countSignIn(now);
  one.countFailure('password', now - hourMs);
  await one.flush();
  await one.flush(); // nothing new: nothing written

  const hour = new Date(Math.floor(now / hourMs) * hourMs);
  const key = hour.toISOString().slice(0, 13);
  expect(await buckets()).toEqual([
    { _id: `${new Date(hour.getTime() - hourMs).toISOString().slice(0, 13)}|one`, hour: new Date(hour.getTime() - hourMs), instance: 'one', failures: { password: 1 } },
    { _id: `${key}|one`, hour, instance: 'one', signIns: 2, failures: { password: 1, Emergency: 1 } },
    { _id: `${key}|two`, hour, instance: 'two', signIns: 1 },
  ]);
  const recent = await services.signInTally.recent(now);
  expect(recent.hours.at(-1)!.counts).toEqual({ signIns: 3, failures: { password: 1, Emergency: 1 } });
  expect(recent.hours.at(-2)!.counts).toEqual({ signIns: 0, failures: { password: 1 } });
  expect(recent.days.at(-1)!.counts.signIns + (recent.days.at(-2)?.counts.signIns ?? 0)).toBe(3);
});

test('the sweep deletes buckets older than eight days only', async () => {
  const old = createSignInTally({ connection: services.store.connection, instance: 'old' });
  const now = Date.now();
  old.countSignIn(now - 9 * dayMs);
  old.countSignIn(now - 7 * dayMs);
  await old.flush();
  expect((await buckets()).filter((bucket) => bucket.instance === 'old')).toHaveLength(2);
  await expect(services.signInTally.sweep(now)).resolves.toBe(1);
  expect((await buckets()).filter((bucket) => bucket.instance === 'old').map((bucket) => bucket.hour.getTime())).toEqual([Math.floor((now - 7 * dayMs) / hourMs) * hourMs]);
});

test('a flush that cannot write keeps its counts for the next one', async () => {
  const config = testConfig({ mongodbUri: testDatabaseUri(), masterKey: newMasterKey() });
  const other = await openTestServices(config);
  const tally = createSignInTally({ connection: other.store.connection, instance: 'kept' });
  tally.countSignIn();
  tally.countFailure('TOTP');
  await other.store.close();
  await expect(tally.flush()).rejects.toThrow();
  // The database is back: the counts of the failed flush go with the next one.
  await other.store.connection.openUri(config.mongodbUri!);
  tally.countSignIn();
  await tally.flush();
  const [bucket] = await other.store.connection.collection('sign_in_tally').find({}).toArray();
  expect(bucket).toMatchObject({ instance: 'kept', signIns: 2, failures: { TOTP: 1 } });
  await other.store.close();
});
