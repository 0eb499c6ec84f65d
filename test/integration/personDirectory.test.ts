import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { hostname } from 'node:os';
import { claimMissingPersonKeys } from '../../src/directory/claimMissingPersonKeys.ts';
import { createLogger } from '../../src/logging/createLogger.ts';
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
  await expect(services.persons.add({ name: 'FINN', default_user_id: 'orphan' })).rejects.toThrow(
    /user_ids: user ID "orphan" is being given to a person by another change under way right now; try again in \d+ s/,
  );
  await keys.updateOne({ _id: 'user:orphan' as never }, { $set: { claimedAt: new Date(Date.now() - 5 * 60_000) } });
  await services.persons.add({ name: 'FINN', default_user_id: 'orphan' });
  expect(await keys.findOne({ _id: 'user:orphan' as never })).toMatchObject({ personId: (await services.persons.show('finn')).sub });
});

test('a claim left by a killed command of this host is taken over at once; one of a running process is waited for', async () => {
  const keys = services.store.connection.collection('person_keys');
  // A command killed half-way (kill -9 during an import): its process is gone, its claim young.
  const killed = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  const killedPid = killed.pid!;
  killed.kill('SIGKILL');
  await once(killed, 'exit');
  await keys.insertOne({ _id: 'name:gil' as never, personId: 'died-half-way', claimedAt: new Date(), claimant: { host: hostname(), pid: killedPid } });
  await keys.insertOne({ _id: 'user:gil' as never, personId: 'died-half-way', claimedAt: new Date(), claimant: { host: hostname(), pid: killedPid } });
  await services.persons.add({ name: 'GIL', default_user_id: 'gil' });
  const gil = await services.persons.show('gil');
  expect(await keys.findOne({ _id: 'name:gil' as never })).toMatchObject({ personId: gil.sub });

  // Another process of this host still at work: its young claim is not taken over, and the answer says why.
  const running = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  try {
    await keys.insertOne({ _id: 'name:hal' as never, personId: 'under-way', claimedAt: new Date(), claimant: { host: hostname(), pid: running.pid! } });
    await expect(services.persons.add({ name: 'HAL', default_user_id: 'hal' })).rejects.toThrow(/name: the name "hal" is being given to a person by another change under way/);
    expect(await services.persons.findByUserId('hal')).toBeNull();
  } finally {
    running.kill('SIGKILL');
  }
});

test('a person stored before claims existed gets them at start, and is found by user ID', async () => {
  const connection = services.store.connection;
  await connection.collection('persons').insertOne({
    _id: 'earlier-person' as never, name: 'IDA', nameKey: 'ida', defaultUserId: 'ida', userIds: ['ida', 'ida.old'], userIdKeys: ['ida', 'ida.old'],
    enabled: true, roles: [], className: '*DFT', lastUpdate: new Date('2020-01-01T00:00:00Z'),
  });
  expect(await services.persons.findByUserId('ida.old')).toBeNull();
  await connection.collection('settings').deleteOne({ _id: 'migration:person_keys' as never });
  await claimMissingPersonKeys(connection, createLogger('silent'));
  expect((await services.persons.findByUserId('IDA.old'))?._id).toBe('earlier-person');
  await expect(services.persons.add({ name: 'ida', default_user_id: 'other' })).rejects.toThrow('name: a person named "IDA" already exists');
});

describe('password rules: every directory path that sets a password uses them, and a refusal changes nothing', () => {
  const good = 'a sturdy passphrase 2026';

  test('add, put, update and setPassword refuse each rule with its own message', async () => {
    await expect(services.persons.add({ name: 'RITA', default_user_id: 'rita.moreno.1931', password: 'Rita.Moreno.1931' })).rejects.toMatchObject({
      status: 400,
      message: 'password: it must not be a user ID of the person.',
      messageKey: 'password.rule.userId',
    });
    await expect(services.persons.show('RITA')).rejects.toMatchObject({ status: 404 });
    await expect(services.persons.put({ name: 'RITA', password: 'eleven char' })).rejects.toThrow('password: at least 12 characters are needed; this one has 11.');
    await expect(services.persons.show('RITA')).rejects.toMatchObject({ status: 404 });

    await services.persons.add({ name: 'RITA', default_user_id: 'rita', first_name: 'Rosa Dolores', family_name: 'Alverío', password: good });
    const before = await services.persons.show('RITA');
    await expect(services.persons.update('RITA', { password: 'ROSA DOLORES ALVERÍO' })).rejects.toThrow('password: it must not be the person\'s name.');
    await expect(services.persons.put({ name: 'RITA', default_user_id: 'rita', password: 'Password1234' })).rejects.toThrow('password: it is on the list of common and breached passwords; choose another.');
    await expect(services.persons.setPassword('rita', 'p'.repeat(257))).rejects.toThrow('password: at most 256 characters are allowed; this one has 257.');
    await expect(services.persons.setPassword('rita', 'Rosa Dolores')).rejects.toMatchObject({ messageKey: 'password.rule.name' });
    expect(await services.persons.show('RITA')).toEqual(before);
    await expect(services.persons.authenticate('rita', good)).resolves.toMatchObject({ name: 'RITA' });
    expect((await services.audit.list({ entity: 'person', entityId: before.sub })).map((entry) => entry.action)).toEqual(['create']);
  });

  test('a password is hashed in NFC: set with decomposed accents, it signs in typed composed, and the other way round', async () => {
    const composed = 'contraseña del niño';
    await services.persons.add({ name: 'NINO', password: composed.normalize('NFD') });
    await expect(services.persons.authenticate('NINO', composed)).resolves.toMatchObject({ name: 'NINO' });
    await services.persons.setPassword('NINO', composed);
    await expect(services.persons.authenticate('NINO', composed.normalize('NFD'))).resolves.toMatchObject({ name: 'NINO' });
  });

  test('PASSWORD_MIN_LENGTH sets the minimum of every path', async () => {
    const strict = await openTestServices(testConfig({ mongodbUri: testDatabaseUri(), masterKey: newMasterKey(), passwordMinLength: 20 }));
    try {
      expect(strict.persons.passwordRules.minimumLength).toBe(20);
      await expect(strict.persons.add({ name: 'LUZ', password: 'a sturdy passphrase' })).rejects.toThrow('password: at least 20 characters are needed; this one has 19.');
      await strict.persons.add({ name: 'LUZ', password: 'a sturdy passphrase!' });
      await expect(strict.persons.setPassword('LUZ', 'a sturdy passphrase')).rejects.toThrow('at least 20 characters');
    } finally {
      await strict.store.close();
    }
  });
});
