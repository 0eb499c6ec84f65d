import { ConflictError, InvalidInputError, NotFoundError } from '../../src/errors/GatehouseError.ts';
import type { Services } from '../../src/services.ts';
import { personModel } from '../../src/store/models/personModel.ts';
import { newMasterKey, openTestServices, testConfig, testDatabaseUri } from '../support/testGatehouse.ts';

let services: Services;

beforeAll(async () => {
  services = await openTestServices(testConfig({ mongodbUri: testDatabaseUri(), masterKey: newMasterKey() }));
});
afterAll(async () => services?.store.close());
beforeEach(async () => {
  const { connection } = services.store;
  await Promise.all(['ip_groups', 'persons', 'person_keys', 'audit'].map((name) => connection.collection(name).deleteMany({})));
});

const actor = { kind: 'cli' as const, id: 'tester' };
const office = { name: 'office', text: 'Head office', ranges: ['10.0.0.0/8', '2001:DB8::/32', '192.0.2.7', '::ffff:172.16.0.0/108'] };

test('ranges are stored normalised; show, list, export and findRanges agree', async () => {
  const added = await services.ipGroups.add(office, { actor });
  const normal = { name: 'OFFICE', text: 'Head office', ranges: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.7/32', '172.16.0.0/12'] };
  expect(added).toEqual({ ...normal, last_update: expect.any(String) });
  expect(await services.ipGroups.show('Office')).toEqual(added);
  expect(await services.ipGroups.list()).toEqual([added]);
  expect(await services.ipGroups.exportAll()).toEqual([normal]);
  expect(await services.ipGroups.findRanges('OFFICE')).toEqual(normal.ranges);
  expect(await services.ipGroups.findRanges('NOPE')).toBeUndefined();
  expect((await services.ipGroups.add({ name: 'VPN', ranges: ['2001:db8::1'] })).text).toBe('');
});

describe('invalid IP groups are refused with the field and entry named, and nothing is stored', () => {
  test.each([
    [{ name: 'X', ranges: ['10.1.2.3/8'] }, 'ranges[0]: "10.1.2.3/8" has address bits set after the first 8: the range is 10.0.0.0/8, or give the address alone for just that address.'],
    [{ name: 'X', ranges: ['10.0.0.0/8', '10.0.0.0/40'] }, 'ranges[1]: "10.0.0.0/40" is not a range: the prefix length of an IPv4 range is 0 to 32.'],
    [{ name: 'X', ranges: ['10.0.0.0/8', '2001:db8::/32', 'office'] }, 'ranges[2]: "office" is not a range: "office" is not an IPv4 or IPv6 address.'],
    [{ name: 'X', ranges: [] }, 'ranges: at least one range, such as ["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"].'],
    [{ name: 'X' }, 'ranges: at least one range, such as ["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"].'],
    [{ name: 'X', ranges: Array.from({ length: 1001 }, (_, i) => `10.0.${i >> 8}.${i & 255}`) }, 'ranges: at most 1000 ranges.'],
    [{ name: 'TOO_LONG_NAME', ranges: ['10.0.0.0/8'] }, 'name: the name of an IP group is 1 to 10 characters A–Z, 0–9 or _; got "TOO_LONG_NAME".'],
    [{ name: 'X', text: 'x'.repeat(51), ranges: ['10.0.0.0/8'] }, 'text: a text of at most 50 characters on one line.'],
    [{ name: 'X', ranges: ['10.0.0.0/8'], cidr: '10.0.0.0/8' }, 'cidr: not an IP group field (known: name, text, ranges).'],
  ])('%#: %s', async (input, message) => {
    await expect(services.ipGroups.add(input)).rejects.toThrow(new InvalidInputError(message));
    expect(await services.ipGroups.list()).toEqual([]);
    expect(await services.audit.list({ entity: 'ipgroup' })).toEqual([]);
  });

  test('names are unique ignoring case', async () => {
    await services.ipGroups.add(office);
    await expect(services.ipGroups.add({ name: 'OFFICE', ranges: ['192.0.2.0/24'] })).rejects.toThrow(
      new ConflictError('name: an IP group "OFFICE" already exists (names are compared ignoring case).'),
    );
  });
});

test('update replaces the fields given; put creates, replaces or reports unchanged', async () => {
  await services.ipGroups.add(office);
  const updated = await services.ipGroups.update('office', { ranges: ['192.0.2.0/24'] }, { actor });
  expect(updated).toMatchObject({ name: 'OFFICE', text: 'Head office', ranges: ['192.0.2.0/24'] });
  await expect(services.ipGroups.update('office', { ranges: ['192.0.2.1/24'] })).rejects.toThrow(/^ranges\[0\]: "192\.0\.2\.1\/24" has address bits set/);
  await expect(services.ipGroups.update('office', { name: 'HOME' })).rejects.toThrow(/^name: an IP group cannot be renamed/);
  await expect(services.ipGroups.update('nope', { text: 'x' })).rejects.toThrow(new NotFoundError('There is no IP group "nope".'));
  expect((await services.ipGroups.show('OFFICE')).ranges).toEqual(['192.0.2.0/24']);

  expect((await services.ipGroups.put({ name: 'office', text: 'Head office', ranges: ['192.0.2.0/24'] })).status).toBe('unchanged');
  expect((await services.ipGroups.put({ name: 'office', ranges: ['192.0.2.0/24'] })).status).toBe('updated');
  expect((await services.ipGroups.show('OFFICE')).text).toBe('');
  expect((await services.ipGroups.put({ name: 'home', ranges: ['198.51.100.0/24'] })).status).toBe('created');
});

test('an IP group in use by a person cannot be deleted; deletes are audited', async () => {
  await services.ipGroups.add(office, { actor });
  await services.persons.add({ name: 'PEPE', ip_group: 'office' });
  await personModel(services.store.connection).create({
    _id: 'legacy-sub', name: 'OLD', nameKey: 'old', defaultUserId: 'OLD', userIds: ['OLD'], userIdKeys: ['old'], enabled: true, roles: [], className: '*DFT', ipGroup: 'Office', lastUpdate: new Date(),
  });
  await expect(services.ipGroups.delete('OFFICE')).rejects.toThrow(
    new ConflictError('The IP group "OFFICE" is the IP group of 2 persons; give them another IP group or none first.'),
  );
  expect(await services.ipGroups.findRanges('office')).toBeDefined();

  await personModel(services.store.connection).deleteMany({});
  await services.ipGroups.delete('office', { actor });
  await expect(services.ipGroups.delete('office')).rejects.toThrow(new NotFoundError('There is no IP group "office".'));

  const entries = await services.audit.list({ entity: 'ipgroup', entityId: 'office' });
  expect(entries.map((entry) => entry.action).toSorted()).toEqual(['create', 'delete']);
  expect(entries.find((entry) => entry.action === 'create')).toMatchObject({ actor, after: { name: 'OFFICE', ranges: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.7/32', '172.16.0.0/12'] } });
  expect(entries.find((entry) => entry.action === 'delete')).toMatchObject({ actor, before: { name: 'OFFICE', text: 'Head office' } });
});

test('updates are audited with before and after; an update that changes nothing is not', async () => {
  await services.ipGroups.add(office);
  await services.ipGroups.update('OFFICE', { text: 'Head office' }, { actor });
  await services.ipGroups.update('OFFICE', { text: 'Main office' }, { actor });
  const updates = await services.audit.list({ entity: 'ipgroup', entityId: 'office' }).then((entries) => entries.filter((entry) => entry.action === 'update'));
  expect(updates).toHaveLength(1);
  expect(updates[0]).toMatchObject({ actor, before: { text: 'Head office' }, after: { text: 'Main office' } });
});
