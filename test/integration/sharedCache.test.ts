import { cacheStampModel } from '../../src/store/models/cacheStampModel.ts';
import { createSharedCache } from '../../src/store/sharedCache.ts';
import type { Services } from '../../src/services.ts';
import { newMasterKey, openTestServices, testConfig, testDatabaseUri } from '../support/testGatehouse.ts';

let one: Services;
let two: Services;

beforeAll(async () => {
  const config = testConfig({ mongodbUri: testDatabaseUri(), masterKey: newMasterKey() });
  one = await openTestServices(config);
  two = await openTestServices(config);
});
afterAll(async () => {
  await one?.store.close();
  await two?.store.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a record is loaded once, an absent one every time; a change here is seen at once, one elsewhere within the recheck time', async () => {
  const cache = createSharedCache<string>(one.store.connection, 'test-kind', { recheckMs: 1000 });
  let loads = 0;
  const load = (value: string | undefined) => async () => {
    loads += 1;
    return value;
  };
  expect(await cache.get('a', load('first'))).toBe('first');
  expect(await cache.get('a', load('second'))).toBe('first');
  expect(loads).toBe(1);
  expect(await cache.get('none', load(undefined))).toBeUndefined();
  expect(await cache.get('none', load('now there'))).toBe('now there');
  expect(loads).toBe(3);

  // A change through this process: forgotten at once.
  await cache.changed();
  expect(await cache.get('a', load('changed here'))).toBe('changed here');

  // Another process writes a new stamp: seen once the recheck time has passed, not before.
  // The stamp this process wrote is not taken as its own (another process may have changed the kind at the same moment): one more load after the recheck time.
  await sleep(1100);
  expect(await cache.get('a', load('reloaded'))).toBe('reloaded');
  expect(await cache.get('a', load('unused'))).toBe('reloaded');
  await cacheStampModel(two.store.connection).replaceOne({ _id: 'test-kind' }, { _id: 'test-kind', stamp: 'from elsewhere', at: new Date() }, { upsert: true });
  expect(await cache.get('a', load('too early'))).toBe('reloaded');
  await sleep(1100);
  expect(await cache.get('a', load('changed elsewhere'))).toBe('changed elsewhere');
});

test('through the directories: a change by another instance of this process is seen at once', async () => {
  await one.clients.add({ client_id: 'cached-app', client_name: 'Before', redirect_uris: ['https://app.example.com/cb'] });
  expect((await one.clients.providerMetadata('cached-app'))?.client_name).toBe('Before');
  await two.clients.update('cached-app', { client_name: 'After' });
  expect((await one.clients.providerMetadata('cached-app'))?.client_name).toBe('After');
  // What a caller does with its copy does not change the cached record.
  const copy = await one.clients.providerMetadata('cached-app');
  (copy!.redirect_uris as string[]).push('https://evil.example.com/cb');
  expect((await one.clients.providerMetadata('cached-app'))?.redirect_uris).toEqual(['https://app.example.com/cb']);

  await one.classes.add({ name: 'CACHED', text: 'before', mfa_device: 'S', no_screen_channel: 'E', allow_otp_instead_of_totp: 'N', question_count: 0, max_retries: 3, wait_seconds: 60, factors: { MFA: { TOTP: 1 } } });
  expect((await one.classes.findPolicy('CACHED'))?.maxRetries).toBe(3);
  await two.classes.update('CACHED', { max_retries: 5 });
  expect((await one.classes.findPolicy('CACHED'))?.maxRetries).toBe(5);
  await two.classes.delete('CACHED');
  expect(await one.classes.findPolicy('CACHED')).toBeUndefined();
});
