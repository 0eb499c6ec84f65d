import { personFacts } from '../../src/directory/personFacts.ts';
import type { Services } from '../../src/services.ts';
import { newMasterKey, openTestServices, testConfig, testDatabaseUri } from '../support/testGatehouse.ts';

let services: Services;
let second: Services;
const admin = { kind: 'cli', id: 'tester' } as const;

beforeAll(async () => {
  const config = testConfig({ mongodbUri: testDatabaseUri(), masterKey: newMasterKey() });
  services = await openTestServices(config);
  second = await openTestServices(config);
});
afterAll(async () => {
  await services?.store.close();
  await second?.store.close();
});

let counter = 0;
async function newPerson(): Promise<string> {
  counter += 1;
  return (await services.persons.add({ name: `EMERGENCY${counter}` })).sub;
}

const left = async (sub: string) => personFacts((await services.persons.findBySub(sub))!).emergencyTokensLeft;

test('a set is 10 distinct readable tokens; each is accepted once; the count follows', async () => {
  const sub = await newPerson();
  expect(await services.emergencyTokens.consume(sub, 'k7dq-3vxm-9tpa-wz2c')).toEqual({ outcome: 'not-applicable', reason: 'not-configured' });
  const tokens = await services.emergencyTokens.recreate(sub, { actor: admin });
  expect(tokens).toHaveLength(10);
  expect(new Set(tokens).size).toBe(10);
  for (const token of tokens) expect(token).toMatch(/^([0-9a-hjkmnp-tv-z]{4}-){3}[0-9a-hjkmnp-tv-z]{4}$/);
  expect(await services.emergencyTokens.list(sub)).toEqual(tokens);
  expect(await services.emergencyTokens.countLeft(sub)).toBe(10);
  expect(await left(sub)).toBe(10);

  expect(await services.emergencyTokens.consume(sub, tokens[3]!)).toEqual({ outcome: 'success', amr: ['otp'] });
  expect(await services.emergencyTokens.consume(sub, tokens[3]!)).toEqual({ outcome: 'retry', reason: 'wrong-code' });
  // Case, spaces and dashes do not matter.
  expect((await services.emergencyTokens.consume(sub, ` ${tokens[0]!.toUpperCase().replace(/-/g, ' ')} `)).outcome).toBe('success');
  expect((await services.emergencyTokens.consume(sub, tokens[7]!.replace(/-/g, ''))).outcome).toBe('success');
  expect(await services.emergencyTokens.consume(sub, tokens[7]!)).toEqual({ outcome: 'retry', reason: 'wrong-code' });
  expect(await services.emergencyTokens.consume(sub, 'not a token')).toEqual({ outcome: 'retry', reason: 'wrong-code' });
  expect(await services.emergencyTokens.consume(sub, '0000-0000-0000-0000')).toEqual({ outcome: 'retry', reason: 'wrong-code' });

  expect(await services.emergencyTokens.countLeft(sub)).toBe(7);
  expect(await left(sub)).toBe(7);
  expect(await services.emergencyTokens.list(sub)).toEqual(tokens.filter((_, index) => ![0, 3, 7].includes(index)));

  // Every use is audited with the count left, never the token.
  const uses = (await services.audit.list({ entity: 'totp', entityId: sub })).filter((entry) => entry.action === 'emergency-token-used');
  expect(uses.map((entry) => entry.after)).toEqual([{ remaining: 7 }, { remaining: 8 }, { remaining: 9 }]);
  expect(uses[0]!.actor).toEqual({ kind: 'person', id: sub });
  const audit = JSON.stringify(await services.audit.list({ entityId: sub }));
  for (const token of tokens) expect(audit).not.toContain(token.replace(/-/g, ''));
});

test('recreating a set makes the old one useless at once', async () => {
  const sub = await newPerson();
  const old = await services.emergencyTokens.recreate(sub, { actor: admin });
  expect((await services.emergencyTokens.consume(sub, old[0]!)).outcome).toBe('success');
  const fresh = await services.emergencyTokens.recreate(sub, { actor: admin });
  expect(fresh.some((token) => old.includes(token))).toBe(false);
  for (const token of old.slice(1)) expect(await second.emergencyTokens.consume(sub, token)).toEqual({ outcome: 'retry', reason: 'wrong-code' });
  expect(await services.emergencyTokens.countLeft(sub)).toBe(10);
  expect(await left(sub)).toBe(10);
  expect(await services.store.connection.collection('emergency_tokens').countDocuments({ personId: sub })).toBe(10);
  expect((await second.emergencyTokens.consume(sub, fresh[9]!)).outcome).toBe('success');
  const recreations = (await services.audit.list({ entity: 'totp', entityId: sub })).filter((entry) => entry.action === 'recreate-emergency-tokens');
  expect(recreations.map((entry) => [entry.before, entry.after])).toEqual([
    [{ name: expect.any(String), remaining: 9 }, { name: expect.any(String), remaining: 10 }],
    [undefined, { name: expect.any(String), remaining: 10 }],
  ]);

  expect(await services.emergencyTokens.remove(sub, { actor: admin })).toBe(true);
  expect(await services.emergencyTokens.countLeft(sub)).toBe(0);
  expect(await left(sub)).toBe(0);
  expect(await services.emergencyTokens.consume(sub, fresh[0]!)).toEqual({ outcome: 'not-applicable', reason: 'not-configured' });
});

test('one token used on two servers at once: exactly one success', async () => {
  const sub = await newPerson();
  const tokens = await services.emergencyTokens.recreate(sub, { actor: admin });
  for (const token of tokens) {
    const verdicts = await Promise.all([services.emergencyTokens.consume(sub, token), second.emergencyTokens.consume(sub, token)]);
    expect(verdicts.filter((verdict) => verdict.outcome === 'success')).toHaveLength(1);
  }
  expect(await services.emergencyTokens.countLeft(sub)).toBe(0);
  expect(await left(sub)).toBe(0);
});

test('a token of one person does not open another', async () => {
  const one = await newPerson();
  const two = await newPerson();
  const tokens = await services.emergencyTokens.recreate(one);
  await services.emergencyTokens.recreate(two);
  expect(await services.emergencyTokens.consume(two, tokens[0]!)).toEqual({ outcome: 'retry', reason: 'wrong-code' });
  expect((await services.emergencyTokens.consume(one, tokens[0]!)).outcome).toBe('success');
});

test('the database holds the tokens only sealed and as keyed hashes', async () => {
  const sub = await newPerson();
  const tokens = await services.emergencyTokens.recreate(sub, { actor: admin });
  const db = services.store.connection.db!;
  for (const { name } of await db.listCollections().toArray()) {
    const dump = JSON.stringify(await db.collection(name).find().toArray()).toLowerCase();
    for (const token of tokens) {
      expect({ collection: name, found: dump.includes(token) || dump.includes(token.replace(/-/g, '')) }).toEqual({ collection: name, found: false });
    }
  }
  const stored = await db.collection('emergency_tokens').find({ personId: sub }).toArray();
  expect(stored).toHaveLength(10);
  for (const token of stored) expect(token.sealed).toMatch(/^v1\./);
});
