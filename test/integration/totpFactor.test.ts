import { generate } from 'otplib';
import { personFacts } from '../../src/directory/personFacts.ts';
import { decodeBase32, encodeBase32 } from '../../src/factors/totp/base32.ts';
import { keepClaimsMs, sweepTotpSteps } from '../../src/factors/totp/sweepTotpSteps.ts';
import type { Services } from '../../src/services.ts';
import { totpStepModel } from '../../src/store/models/totpStepModel.ts';
import { newMasterKey, openTestServices, testConfig, testDatabaseUri } from '../support/testGatehouse.ts';

let services: Services;
let second: Services;
const admin = { kind: 'cli', id: 'tester' } as const;

beforeAll(async () => {
  const config = testConfig({ mongodbUri: testDatabaseUri(), masterKey: newMasterKey() });
  services = await openTestServices(config);
  // A second server instance on the same database: its own connection.
  second = await openTestServices(config);
});
afterAll(async () => {
  await services?.store.close();
  await second?.store.close();
});

let counter = 0;
/** A new person; returns its sub. */
async function newPerson(): Promise<string> {
  counter += 1;
  return (await services.persons.add({ name: `TOTP${counter}` })).sub;
}

const person = (sub: string) => ({ _id: sub });
const codeAt = (secret: string, seconds: number, options: { algorithm?: 'sha1' | 'sha256' | 'sha512'; digits?: number; period?: number } = {}) =>
  generate({ secret, epoch: seconds, ...options });

/** A fixed "now" well inside a 30-second step (step 56666667 starts at 1700000010). */
const now = 1_700_000_015_000;
const nowSeconds = now / 1000;

describe('RFC 6238 Appendix B: every test vector passes through verify', () => {
  const keys = {
    SHA1: '12345678901234567890',
    SHA256: '12345678901234567890123456789012',
    SHA512: '1234567890123456789012345678901234567890123456789012345678901234',
  } as const;
  const vectors: [number, string, string, string][] = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];

  test.each([
    ['SHA1', 1],
    ['SHA256', 2],
    ['SHA512', 3],
  ] as const)('%s, 8 digits', async (algorithm, column) => {
    const sub = await newPerson();
    await services.totp.setKey(sub, { secret: encodeBase32(Buffer.from(keys[algorithm])), algorithm, digits: 8, state: 'active' }, { actor: admin });
    for (const vector of vectors) {
      const [seconds] = vector;
      const code = vector[column];
      // A wrong code first (it does not spend the step), then the vector's code.
      const wrong = String((Number(code) + 1) % 100_000_000).padStart(8, '0');
      expect(await services.totp.verify(person(sub), wrong, seconds * 1000)).toEqual({ outcome: 'retry', reason: 'wrong-code' });
      expect(await services.totp.verify(person(sub), code, seconds * 1000)).toEqual({ outcome: 'success', amr: ['otp'] });
    }
  });
});

test('one step of drift each way is accepted; two are not', async () => {
  const secret = services.totp.generateSecret();
  for (const [offset, outcome] of [
    [-30, 'success'],
    [30, 'success'],
    [-60, 'wrong-code'],
    [60, 'wrong-code'],
  ] as const) {
    const sub = await newPerson();
    await services.totp.setKey(sub, { secret, state: 'active' });
    const verdict = await services.totp.verify(person(sub), await codeAt(secret, nowSeconds + offset), now);
    expect(outcome === 'success' ? verdict.outcome : verdict).toEqual(outcome === 'success' ? 'success' : { outcome: 'retry', reason: outcome });
  }
});

test('a code is accepted once; a code of an earlier step after a later one is refused', async () => {
  const sub = await newPerson();
  const secret = services.totp.generateSecret();
  await services.totp.setKey(sub, { secret, state: 'active' });
  const current = await codeAt(secret, nowSeconds);
  expect((await services.totp.verify(person(sub), current, now)).outcome).toBe('success');
  expect(await services.totp.verify(person(sub), current, now)).toEqual({ outcome: 'retry', reason: 'reused' });
  // Still refused in the next step, where it is within the drift window.
  expect(await services.totp.verify(person(sub), current, now + 30_000)).toEqual({ outcome: 'retry', reason: 'reused' });
  // The next step's code passes; then the previous step's (still in the window) does not.
  expect((await services.totp.verify(person(sub), await codeAt(secret, nowSeconds + 30), now + 30_000)).outcome).toBe('success');
  expect(await services.totp.verify(person(sub), await codeAt(secret, nowSeconds), now + 30_000)).toEqual({ outcome: 'retry', reason: 'reused' });

  // A code one step ahead (clock drift), then the current one: earlier, so refused.
  const other = await newPerson();
  await services.totp.setKey(other, { secret, state: 'active' });
  expect((await services.totp.verify(person(other), await codeAt(secret, nowSeconds + 30), now)).outcome).toBe('success');
  expect(await services.totp.verify(person(other), await codeAt(secret, nowSeconds), now)).toEqual({ outcome: 'retry', reason: 'reused' });
  expect(await services.totp.verify(person(other), await codeAt(secret, nowSeconds - 30), now)).toEqual({ outcome: 'retry', reason: 'reused' });
  // A server whose clock is three steps behind: the highest accepted step still refuses the older code.
  expect(await services.totp.verify(person(other), await codeAt(secret, nowSeconds - 90), now - 90_000)).toEqual({ outcome: 'retry', reason: 'reused' });
});

test('a verify deletes nothing; the sweeper removes step claims no code can match, and a swept code stays refused', async () => {
  const sub = await newPerson();
  const secret = services.totp.generateSecret();
  await services.totp.setKey(sub, { secret, state: 'active' });
  const code = await codeAt(secret, nowSeconds);
  expect((await services.totp.verify(person(sub), code, now)).outcome).toBe('success');
  const claims = () => totpStepModel(services.store.connection).countDocuments({ personId: sub });
  // The step and the two below it a later code could still match.
  expect(await claims()).toBe(3);
  // Fifteen steps later another code: the sign-in's path deletes nothing, the old claims stay for the sweeper.
  expect((await services.totp.verify(person(sub), await codeAt(secret, nowSeconds + 15 * 30), now + 15 * 30_000)).outcome).toBe('success');
  expect(await claims()).toBe(6);
  // (Other tests' claims, made at other times, may go with the same sweeps: only this person's are counted.)
  await sweepTotpSteps(services.store.connection, now + keepClaimsMs - 1);
  expect(await claims()).toBe(6);
  expect(await sweepTotpSteps(services.store.connection, now + 15 * 30_000 + keepClaimsMs + 1)).toBeGreaterThanOrEqual(6);
  expect(await claims()).toBe(0);
  // The person's highest accepted step still refuses the code (a server with a clock set back).
  expect(await services.totp.verify(person(sub), code, now)).toEqual({ outcome: 'retry', reason: 'reused' });
});

test('an earlier step stays refused when the highest accepted step was not seen (another server read the person before)', async () => {
  const sub = await newPerson();
  const secret = services.totp.generateSecret();
  await services.totp.setKey(sub, { secret, state: 'active' });
  expect((await services.totp.verify(person(sub), await codeAt(secret, nowSeconds + 30), now)).outcome).toBe('success');
  // Forget lastStep, as a reader that loaded the person before the success would not know it.
  await services.store.connection.collection('persons').updateOne({ _id: sub as never }, { $unset: { 'totp.lastStep': 1 } });
  expect(await second.totp.verify(person(sub), await codeAt(secret, nowSeconds), now)).toEqual({ outcome: 'retry', reason: 'reused' });
  expect(await second.totp.verify(person(sub), await codeAt(secret, nowSeconds - 30), now)).toEqual({ outcome: 'retry', reason: 'reused' });
});

test('the same code on two servers at once: exactly one success', async () => {
  const sub = await newPerson();
  const secret = services.totp.generateSecret();
  await services.totp.setKey(sub, { secret, state: 'active' });
  for (let round = 0; round < 8; round++) {
    const at = now + round * 30_000;
    const code = await codeAt(secret, at / 1000);
    const verdicts = await Promise.all([services.totp.verify(person(sub), code, at), second.totp.verify(person(sub), code, at)]);
    expect(verdicts.filter((verdict) => verdict.outcome === 'success')).toHaveLength(1);
    expect(verdicts.filter((verdict) => verdict.outcome === 'retry' && verdict.reason === 'reused')).toHaveLength(1);
  }
});

test('malformed input: not digits, or not as many digits as the key has', async () => {
  const sub = await newPerson();
  const secret = services.totp.generateSecret();
  await services.totp.setKey(sub, { secret, state: 'active' });
  for (const input of ['', '12345', '1234567', 'abcdef', '12345a', '１２３４５６', '12-456', undefined as unknown as string]) {
    expect(await services.totp.verify(person(sub), input, now)).toEqual({ outcome: 'malformed' });
  }
  // Spaces inside are a typing habit, not an error.
  const code = await codeAt(secret, nowSeconds);
  expect((await services.totp.verify(person(sub), `${code.slice(0, 3)} ${code.slice(3)}`, now)).outcome).toBe('success');

  const eight = await newPerson();
  await services.totp.setKey(eight, { secret, digits: 8, state: 'active' });
  expect(await services.totp.verify(person(eight), code, now)).toEqual({ outcome: 'malformed' });
  expect((await services.totp.verify(person(eight), await codeAt(secret, nowSeconds, { digits: 8 }), now)).outcome).toBe('success');
});

test('per-key algorithm, digits and period are used', async () => {
  const sub = await newPerson();
  const secret = services.totp.generateSecret();
  await services.totp.setKey(sub, { secret, algorithm: 'SHA256', digits: 8, period: 60, state: 'active' });
  expect(await services.totp.verify(person(sub), await codeAt(secret, nowSeconds, { digits: 8 }), now)).toEqual({ outcome: 'retry', reason: 'wrong-code' });
  expect((await services.totp.verify(person(sub), await codeAt(secret, nowSeconds, { algorithm: 'sha256', digits: 8, period: 60 }), now)).outcome).toBe('success');
  expect(await services.totp.openKey(sub)).toEqual({ secret, algorithm: 'SHA256', digits: 8, period: 60, state: 'active' });
});

test('without an active key: not applicable; a pending key is confirmed by one code, then counts', async () => {
  const sub = await newPerson();
  const secret = services.totp.generateSecret();
  expect(await services.totp.verify(person(sub), '123456', now)).toEqual({ outcome: 'not-applicable', reason: 'not-configured' });
  expect(await services.totp.confirmPending(person(sub), '123456', now)).toEqual({ outcome: 'not-applicable', reason: 'not-configured' });

  await services.totp.setKey(sub, { secret, state: 'pending' }, { actor: admin });
  let stored = (await services.persons.findBySub(sub))!;
  expect(services.totp.keyState(stored)).toBe('pending');
  expect(personFacts(stored).totp).toBe('pending');
  expect(await services.totp.verify(person(sub), await codeAt(secret, nowSeconds), now)).toEqual({ outcome: 'not-applicable', reason: 'not-configured' });
  expect(await services.totp.confirmPending(person(sub), await codeAt(secret, nowSeconds - 90), now)).toEqual({ outcome: 'retry', reason: 'wrong-code' });
  expect(await services.totp.confirmPending(person(sub), await codeAt(secret, nowSeconds), now)).toEqual({ outcome: 'success', amr: ['otp'] });
  stored = (await services.persons.findBySub(sub))!;
  expect(personFacts(stored).totp).toBe('active');
  // The code that confirmed the key is spent; the next one signs in.
  expect(await services.totp.verify(person(sub), await codeAt(secret, nowSeconds), now)).toEqual({ outcome: 'retry', reason: 'reused' });
  expect((await services.totp.verify(person(sub), await codeAt(secret, nowSeconds + 30), now + 30_000)).outcome).toBe('success');
  expect(await services.totp.confirmPending(person(sub), await codeAt(secret, nowSeconds + 60), now + 60_000)).toEqual({ outcome: 'not-applicable', reason: 'not-configured' });

  // An admin may activate a pending key without a code.
  const other = await newPerson();
  await services.totp.setKey(other, { secret, state: 'pending' });
  expect(await services.totp.activate(other, { actor: admin })).toBe(true);
  expect(await services.totp.activate(other, { actor: admin })).toBe(false);
  expect(services.totp.keyState((await services.persons.findBySub(other))!)).toBe('active');
});

test('replacing the key keeps refusing the code just used; removing it leaves no key', async () => {
  const sub = await newPerson();
  const secret = services.totp.generateSecret();
  await services.totp.setKey(sub, { secret, state: 'active' }, { actor: admin });
  const code = await codeAt(secret, nowSeconds);
  expect((await services.totp.verify(person(sub), code, now)).outcome).toBe('success');
  await services.totp.setKey(sub, { secret, state: 'active' }, { actor: admin });
  expect(await services.totp.verify(person(sub), code, now)).toEqual({ outcome: 'retry', reason: 'reused' });

  const replacement = services.totp.generateSecret();
  await services.totp.setKey(sub, { secret: replacement, state: 'active' }, { actor: admin });
  expect(await services.totp.verify(person(sub), await codeAt(secret, nowSeconds + 30), now + 30_000)).toEqual({ outcome: 'retry', reason: 'wrong-code' });
  expect((await services.totp.verify(person(sub), await codeAt(replacement, nowSeconds + 30), now + 30_000)).outcome).toBe('success');

  expect(await services.totp.removeKey(sub, { actor: admin })).toBe(true);
  expect(await services.totp.removeKey(sub, { actor: admin })).toBe(false);
  expect(services.totp.keyState((await services.persons.findBySub(sub))!)).toBe('none');
  expect(await services.totp.openKey(sub)).toBeUndefined();
  expect(await services.totp.verify(person(sub), await codeAt(replacement, nowSeconds + 60), now + 60_000)).toEqual({ outcome: 'not-applicable', reason: 'not-configured' });

  const actions = (await services.audit.list({ entity: 'totp', entityId: sub })).map((entry) => entry.action).toReversed();
  expect(actions).toEqual(['set-key', 'replace-key', 'replace-key', 'remove-key']);
  const entries = JSON.stringify(await services.audit.list({ entity: 'totp', entityId: sub }));
  expect(entries).not.toContain(secret);
  expect(entries).not.toContain(replacement);
});

test('a key for an unknown person is refused; a bad key changes nothing', async () => {
  await expect(services.totp.setKey('no-such-sub', { secret: services.totp.generateSecret(), state: 'active' })).rejects.toThrow('There is no person with sub "no-such-sub".');
  const sub = await newPerson();
  await expect(services.totp.setKey(sub, { secret: 'JBSWY3DPEHPK3PXP', state: 'active' })).rejects.toThrow('a key needs at least 128 bits');
  expect((await services.persons.findBySub(sub))!.totp).toBeUndefined();
});

test('the database holds the key only sealed', async () => {
  const sub = await newPerson();
  const secret = services.totp.generateSecret();
  await services.totp.setKey(sub, { secret, state: 'active' }, { actor: admin });
  expect((await services.totp.verify(person(sub), await codeAt(secret, nowSeconds), now)).outcome).toBe('success');
  const raw = Buffer.from(decodeBase32(secret));
  const forms = [secret, secret.toLowerCase(), raw.toString('hex'), raw.toString('base64'), raw.toString('base64url')];
  const db = services.store.connection.db!;
  for (const { name } of await db.listCollections().toArray()) {
    const dump = JSON.stringify(await db.collection(name).find().toArray());
    for (const form of forms) expect({ collection: name, found: dump.includes(form) }).toEqual({ collection: name, found: false });
  }
  const stored = (await services.persons.findBySub(sub))!.totp!;
  expect(stored.sealedSecret).toMatch(/^v1\./);
  expect(services.secretBox.open(stored.sealedSecret, `totp-key:${sub}`)).toBe(secret);
});
