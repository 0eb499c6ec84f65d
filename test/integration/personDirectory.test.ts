import { newMasterKey, openTestServices, testConfig, testDatabaseUri } from '../support/testGatehouse.ts';

let services: Awaited<ReturnType<typeof openTestServices>>;

beforeAll(async () => {
  services = await openTestServices(testConfig({ mongodbUri: testDatabaseUri(), masterKey: newMasterKey() }));
});
afterAll(async () => services?.store.close());

test('a user ID is unique ignoring case, also as a second user ID of another person', async () => {
  await services.persons.add({ name: 'ANA', default_user_id: 'ana', user_ids: ['ana.lopez'] });
  await expect(services.persons.add({ name: 'BEA', default_user_id: 'bea', user_ids: ['Ana.Lopez'] })).rejects.toThrow(
    'user_ids: user ID "ana.lopez" already belongs to person "ANA"',
  );
  await expect(services.persons.add({ name: 'ana', default_user_id: 'other' })).rejects.toThrow('name: a person named "ANA" already exists');
  // Nothing of the refused persons stays behind: their other user IDs are free.
  await services.persons.add({ name: 'BEA', default_user_id: 'bea' });
  expect((await services.persons.list()).items.map((p) => p.name)).toEqual(['ANA', 'BEA']);
});

test('concurrent creations of one name or user ID: exactly one wins', async () => {
  const results = await Promise.allSettled(
    Array.from({ length: 6 }, (_, i) => services.persons.add({ name: `RACER${i}`, default_user_id: 'same-login' })),
  );
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  const sameName = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => services.persons.add({ name: 'Twin', default_user_id: `twin${i}` })));
  expect(sameName.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  const persons = (await services.persons.list({ pageSize: 500 })).items;
  expect(persons.filter((p) => p.default_user_id === 'same-login')).toHaveLength(1);
  expect(persons.filter((p) => p.name === 'Twin')).toHaveLength(1);
});

test('replacing a person frees the user IDs it no longer has', async () => {
  await services.persons.put({ name: 'CARL', default_user_id: 'carl', user_ids: ['c.old'] });
  await services.persons.put({ name: 'CARL', default_user_id: 'carl', user_ids: ['c.new'] });
  await services.persons.add({ name: 'DORA', default_user_id: 'c.old' });
  await expect(services.persons.add({ name: 'EVE', default_user_id: 'C.NEW' })).rejects.toThrow('already belongs to person "CARL"');
});

test('a claim left by a change that died is taken over once it is old, never while young', async () => {
  const keys = services.store.connection.collection('person_keys');
  await keys.insertOne({ _id: 'user:orphan' as never, personId: 'no-such-person', claimedAt: new Date() });
  await expect(services.persons.add({ name: 'FINN', default_user_id: 'orphan' })).rejects.toThrow('user ID "orphan" already belongs to another person');
  await keys.updateOne({ _id: 'user:orphan' as never }, { $set: { claimedAt: new Date(Date.now() - 5 * 60_000) } });
  await services.persons.add({ name: 'FINN', default_user_id: 'orphan' });
  expect(await keys.findOne({ _id: 'user:orphan' as never })).toMatchObject({ personId: (await services.persons.show('finn')).sub });
});
