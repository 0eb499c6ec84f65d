import { generate } from 'otplib';
import QRCode from 'qrcode';
import type { Actor } from '../../src/security/createAuditLog.ts';
import type { Services } from '../../src/services.ts';
import { newMasterKey, openTestServices, testConfig, testDatabaseUri } from '../support/testGatehouse.ts';
import { decodeQrPng, decodeTerminalQr } from '../support/decodeQrPng.ts';

let services: Services;
const admin: Actor = { kind: 'api-person', id: 'admin-sub', name: 'ADMIN' };

beforeAll(async () => {
  services = await openTestServices(testConfig({ mongodbUri: testDatabaseUri(), masterKey: newMasterKey(), issuer: 'https://login.example.com:8443' }));
});
afterAll(async () => {
  await services?.store.close();
});

let counter = 0;
/** A new person whose default user ID needs percent-encoding in the URI. */
async function newPerson(): Promise<{ name: string; sub: string; userId: string }> {
  counter += 1;
  const name = `KEYS${counter}`;
  const userId = `pepe+${counter}@example.com`;
  const { sub } = await services.persons.add({ name, default_user_id: userId });
  return { name, sub, userId };
}

const plain = (grouped: string) => grouped.replace(/ /g, '');
const auditOf = async (sub: string, action?: string) => (await services.audit.list({ entity: 'totp', entityId: sub })).filter((entry) => !action || entry.action === action);
const codeFor = (secret: string, at: number, options: { algorithm?: 'sha1' | 'sha256' | 'sha512'; digits?: 6 | 8; period?: number } = {}) =>
  generate({ secret, epoch: Math.floor(at / 1000), ...options });

/** Every document of the collections that hold keys and tokens, as one text. */
async function rawDatabase(): Promise<string> {
  const { db } = services.store.connection;
  const collections = await db!.listCollections().toArray();
  const documents = await Promise.all(collections.map(({ name }) => db!.collection(name).find({}).toArray()));
  return JSON.stringify(documents);
}

describe('create', () => {
  test('without a key: a random 160-bit key, pending, emergency tokens made; audited with the actor, never the key', async () => {
    const { name, sub } = await newPerson();
    const created = await services.totpKeys.create(name.toLowerCase(), {}, { actor: admin });
    expect(created).toEqual({ name, state: 'pending', algorithm: 'SHA1', digits: 6, period: 30, generated: true, replaced: 'none', emergencyTokensCreated: true, tokensLeft: 10 });
    expect(JSON.stringify(created)).not.toMatch(/[A-Z2-7]{26}/);

    const person = (await services.persons.findBySub(sub))!;
    expect(services.totp.keyState(person)).toBe('pending');
    // A pending key is not asked at sign-in.
    expect(await services.totp.verify(person, '123456')).toEqual({ outcome: 'not-applicable', reason: 'not-configured' });

    const shown = await services.totpKeys.show(name, { actor: admin });
    expect(shown.key).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
    expect(Buffer.from(plain(shown.key!), 'ascii')).toHaveLength(32);

    const [entry] = await auditOf(sub, 'totp-create');
    expect(entry).toMatchObject({ actor: admin, entity: 'totp', after: { name, state: 'pending', generated: true, algorithm: 'SHA1', digits: 6, period: 30, emergency_tokens_created: true } });
    expect(entry!.before).toBeUndefined();
    expect((await auditOf(sub, 'set-key'))[0]).toMatchObject({ actor: admin });
    expect((await auditOf(sub, 'recreate-emergency-tokens'))[0]).toMatchObject({ actor: admin });
    const audit = JSON.stringify(await services.audit.list({ entityId: sub }));
    expect(audit).not.toContain(plain(shown.key!));
    for (const token of shown.emergencyTokens) expect(audit).not.toContain(token);
  });

  test('two generated keys differ', async () => {
    const keys = new Set<string>();
    for (let index = 0; index < 3; index++) {
      const { name } = await newPerson();
      await services.totpKeys.create(name, {}, { actor: admin });
      keys.add((await services.totpKeys.show(name, { actor: admin })).key!);
    }
    expect(keys.size).toBe(3);
  });

  test('a typed key: spaces and lower case are normalised; the parameters are kept; a code from it confirms the pending key', async () => {
    const { name, sub } = await newPerson();
    const created = await services.totpKeys.create(name, { key: ' jbsw y3dp ehpk 3pxp  JBSW Y3DP EHPK 3PXP ', algorithm: 'sha256', digits: 8, period: 60 }, { actor: admin });
    expect(created).toMatchObject({ state: 'pending', generated: false, algorithm: 'SHA256', digits: 8, period: 60 });
    const shown = await services.totpKeys.show(name, { actor: admin });
    expect(shown).toMatchObject({ key: 'JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP', state: 'pending', algorithm: 'SHA256', digits: 8, period: 60 });

    const now = Date.now();
    const wrong = await codeFor('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', now); // SHA1, 6 digits: not this key's code (an 8-digit key: not even a code of its length)
    expect((await services.totp.confirmPending({ _id: sub }, wrong, now)).outcome).toBe('malformed');
    const code = await codeFor(plain(shown.key!), now, { algorithm: 'sha256', digits: 8, period: 60 });
    expect(await services.totp.confirmPending({ _id: sub }, code, now)).toEqual({ outcome: 'success', amr: ['otp'] });
    expect((await services.totpKeys.show(name, { actor: admin })).state).toBe('active');
  });

  test('bad input is refused with a sentence naming the field, and changes nothing', async () => {
    const { name, sub } = await newPerson();
    for (const [request, message] of [
      [{ key: 'JBSW Y3DP EHPK 3PX1 JBSW Y3DP EHPK 3PXP' }, /^key: character 16 is not Base32; a key uses only the letters A–Z and the digits 2–7/],
      [{ key: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP====' }, /^key: character 33 is not Base32/],
      [{ key: 'JBSW-Y3DP-EHPK-3PXP-JBSW-Y3DP' }, /^key: character 5 is not Base32/],
      [{ key: 'JBSWY3DPEHPK3PXP' }, /^key: 16 characters carry 80 bits; a key needs at least 128 bits \(26 Base32 characters\)\.$/],
      [{ key: 'JBSWY3DPEHPK3PXPJBSWY3DPE' }, /^key: 25 characters carry 125 bits; a key needs at least 128 bits/],
      [{ key: '   ' }, /^key: the key is empty/],
      [{ key: 12345 }, /^key: the key as Base32 text/],
      [{ algorithm: 'MD5' }, /^algorithm: one of SHA1, SHA256, SHA512; got "MD5"\.$/],
      [{ digits: 7 }, /^digits: 6 or 8; got 7\.$/],
      [{ digits: '6' }, /^digits: 6 or 8; got "6"\.$/],
      [{ period: 5 }, /^period: whole seconds from 15 to 300/],
    ] as const) {
      await expect(services.totpKeys.create(name, request, { actor: admin })).rejects.toMatchObject({ status: 400, expose: true, message: expect.stringMatching(message) });
    }
    expect(services.totp.keyState((await services.persons.findBySub(sub))!)).toBe('none');
    expect(await services.emergencyTokens.countLeft(sub)).toBe(0);
    expect(await auditOf(sub)).toEqual([]);
    // A key of exactly 128 bits (26 characters) is enough.
    await expect(services.totpKeys.create(name, { key: 'JBSWY3DPEHPK3PXPJBSWY3DPEH' }, { actor: admin })).resolves.toMatchObject({ state: 'pending' });
  });

  test('replacing an active key: the old key stops at once, the new one is pending; the tokens are kept', async () => {
    const { name, sub } = await newPerson();
    await services.totpKeys.create(name, {}, { actor: admin });
    const first = await services.totpKeys.show(name, { actor: admin });
    const start = Date.now();
    expect((await services.totp.confirmPending({ _id: sub }, await codeFor(plain(first.key!), start), start)).outcome).toBe('success');
    expect((await services.totp.verify({ _id: sub }, await codeFor(plain(first.key!), start + 60_000), start + 60_000)).outcome).toBe('success');

    const replaced = await services.totpKeys.create(name, {}, { actor: admin });
    expect(replaced).toMatchObject({ state: 'pending', replaced: 'active', emergencyTokensCreated: false, tokensLeft: 10 });
    const second = await services.totpKeys.show(name, { actor: admin });
    expect(second.key).not.toBe(first.key);
    expect(second.emergencyTokens).toEqual(first.emergencyTokens);

    // The old key no longer signs in, nor confirms the new one.
    const later = start + 120_000;
    expect(await services.totp.verify({ _id: sub }, await codeFor(plain(first.key!), later), later)).toEqual({ outcome: 'not-applicable', reason: 'not-configured' });
    expect(await services.totp.confirmPending({ _id: sub }, await codeFor(plain(first.key!), later), later)).toEqual({ outcome: 'retry', reason: 'wrong-code' });
    expect((await services.totp.confirmPending({ _id: sub }, await codeFor(plain(second.key!), later), later)).outcome).toBe('success');

    const [entry] = await auditOf(sub, 'totp-create');
    expect(entry).toMatchObject({ actor: admin, before: { name, state: 'active' }, after: { state: 'pending', emergency_tokens_created: false } });
  });

  test('a person whose tokens are all used gets a new set with the new key', async () => {
    const { name, sub } = await newPerson();
    const tokens = await services.emergencyTokens.recreate(sub, { actor: admin });
    for (const token of tokens) expect((await services.emergencyTokens.consume(sub, token)).outcome).toBe('success');
    expect(await services.totpKeys.create(name, {}, { actor: admin })).toMatchObject({ emergencyTokensCreated: true, tokensLeft: 10 });
  });
});

test('recreateTokens: ten new tokens, the old set stops working at once; audited; the answer holds no token', async () => {
  const { name, sub } = await newPerson();
  await services.totpKeys.create(name, {}, { actor: admin });
  const old = (await services.totpKeys.show(name, { actor: admin })).emergencyTokens;
  expect((await services.emergencyTokens.consume(sub, old[0]!)).outcome).toBe('success');

  const recreated = await services.totpKeys.recreateTokens(name, { actor: admin });
  expect(recreated).toEqual({ name, tokensLeft: 10 });
  for (const token of old.slice(1)) expect(await services.emergencyTokens.consume(sub, token)).toEqual({ outcome: 'retry', reason: 'wrong-code' });
  const fresh = (await services.totpKeys.show(name, { actor: admin })).emergencyTokens;
  expect(fresh).toHaveLength(10);
  expect(fresh.filter((token) => old.includes(token))).toEqual([]);
  expect((await services.emergencyTokens.consume(sub, fresh[9]!)).outcome).toBe('success');
  expect((await auditOf(sub, 'recreate-emergency-tokens'))[0]).toMatchObject({ actor: admin, before: { remaining: 9 }, after: { remaining: 10 } });
});

describe('show', () => {
  test('the key in groups of four, its otpauth URI, the unused tokens; every display is audited with who and when, never the values', async () => {
    const { name, sub, userId } = await newPerson();
    await services.totpKeys.create(name, { key: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' }, { actor: admin });
    const before = Date.now();
    const shown = await services.totpKeys.show(name, { actor: admin });
    expect(shown).toEqual({
      name,
      state: 'pending',
      key: 'GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ',
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      otpauthUri: `otpauth://totp/login.example.com:${encodeURIComponent(userId)}?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=login.example.com&algorithm=SHA1&digits=6&period=30`,
      emergencyTokens: expect.any(Array),
      tokensLeft: 10,
    });
    expect(shown.otpauthUri).toContain(':pepe%2B');
    expect(shown.emergencyTokens).toHaveLength(10);

    const cli: Actor = { kind: 'cli', id: 'operator' };
    await services.totpKeys.show(name, { actor: cli });
    const displays = await auditOf(sub, 'totp-display');
    expect(displays.map((entry) => entry.actor)).toEqual([cli, admin]);
    expect(displays[1]).toMatchObject({ entity: 'totp', entityId: sub, after: { name, shown: ['key', 'emergency-tokens'], state: 'pending', tokens_left: 10 } });
    expect(displays[1]!.at.getTime()).toBeGreaterThanOrEqual(before - 1000);
    const audit = JSON.stringify(displays);
    expect(audit).not.toContain('GEZDGNBV');
    for (const token of shown.emergencyTokens) expect(audit).not.toContain(token);
  });

  test('a person without a key: state none and the tokens, still audited', async () => {
    const { name, sub } = await newPerson();
    expect(await services.totpKeys.show(name, { actor: admin })).toEqual({ name, state: 'none', emergencyTokens: [], tokensLeft: 0 });
    expect(await auditOf(sub, 'totp-display')).toHaveLength(1);
    expect(await services.totpKeys.status(name, { actor: admin })).toEqual({ name, state: 'none', tokensLeft: 0 });
  });

  test('the database holds neither the key nor the tokens in plain text', async () => {
    const { name } = await newPerson();
    await services.totpKeys.create(name, {}, { actor: admin });
    const shown = await services.totpKeys.show(name, { actor: admin });
    const dump = await rawDatabase();
    expect(dump).not.toContain(plain(shown.key!));
    expect(dump.toLowerCase()).not.toContain(plain(shown.key!).toLowerCase());
    for (const token of shown.emergencyTokens) {
      expect(dump).not.toContain(token);
      expect(dump).not.toContain(token.replace(/-/g, ''));
    }
  });
});

describe('qr', () => {
  test('the PNG decodes to the otpauth URI; audited as a display', async () => {
    const { name, sub } = await newPerson();
    await services.totpKeys.create(name, {}, { actor: admin });
    const { otpauthUri } = await services.totpKeys.show(name, { actor: admin });
    const image = await services.totpKeys.qr(name, { actor: admin, format: 'png' });
    expect(image.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(decodeQrPng(image)).toBe(otpauthUri);
    expect((await auditOf(sub, 'totp-display'))[0]).toMatchObject({ actor: admin, after: { name, shown: ['qr-code'], format: 'png', state: 'pending' } });
  });

  test('the SVG and the terminal drawing are qrcode\'s renderings of the URI; the terminal drawing decodes to it', async () => {
    const { name, sub } = await newPerson();
    await services.totpKeys.create(name, { digits: 8 }, { actor: admin });
    const { otpauthUri } = await services.totpKeys.show(name, { actor: admin });
    const svg = await services.totpKeys.qr(name, { actor: admin, format: 'svg' });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toBe(await QRCode.toString(otpauthUri!, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }));
    const terminal = await services.totpKeys.qr(name, { actor: admin, format: 'terminal' });
    expect(terminal).toBe(await QRCode.toString(otpauthUri!, { type: 'terminal', small: true, errorCorrectionLevel: 'M', margin: 4 }));
    expect(decodeTerminalQr(terminal)).toBe(otpauthUri);
    expect((await auditOf(sub, 'totp-display')).map((entry) => entry.after?.format)).toEqual(['terminal', 'svg', undefined]);
  });

  test('no key: 404, nothing displayed, nothing audited; an unknown format is refused', async () => {
    const { name, sub } = await newPerson();
    await expect(services.totpKeys.qr(name, { actor: admin, format: 'png' })).rejects.toMatchObject({ status: 404, message: `The person "${name}" has no TOTP key.` });
    expect(await auditOf(sub)).toEqual([]);
    await expect(services.totpKeys.qr(name, { actor: admin, format: 'gif' as 'png' })).rejects.toMatchObject({ status: 400, message: 'format: one of svg, png, terminal; got "gif".' });
  });
});

test('remove: the key and the tokens are gone; audited; removing again is 404', async () => {
  const { name, sub } = await newPerson();
  await services.totpKeys.create(name, {}, { actor: admin });
  const { emergencyTokens } = await services.totpKeys.show(name, { actor: admin });
  expect(await services.totpKeys.remove(name, { actor: admin })).toEqual({ name, keyRemoved: true, emergencyTokensRemoved: true });
  expect(services.totp.keyState((await services.persons.findBySub(sub))!)).toBe('none');
  expect(await services.emergencyTokens.consume(sub, emergencyTokens[0]!)).toEqual({ outcome: 'not-applicable', reason: 'not-configured' });
  expect((await auditOf(sub, 'remove-key'))[0]).toMatchObject({ actor: admin });
  expect((await auditOf(sub, 'remove-emergency-tokens'))[0]).toMatchObject({ actor: admin });
  await expect(services.totpKeys.remove(name, { actor: admin })).rejects.toMatchObject({ status: 404, message: `The person "${name}" has no TOTP key and no emergency tokens.` });
});

test('an unknown person is 404; a person (not an admin) is refused every action', async () => {
  await expect(services.totpKeys.create('NOBODY', {}, { actor: admin })).rejects.toMatchObject({ status: 404, message: 'There is no person "NOBODY".' });
  await expect(services.totpKeys.show('NOBODY', { actor: admin })).rejects.toMatchObject({ status: 404 });
  const { name, sub } = await newPerson();
  await services.totpKeys.create(name, {}, { actor: admin });
  const self: Actor = { kind: 'person', id: sub };
  for (const attempt of [
    () => services.totpKeys.create(name, {}, { actor: self }),
    () => services.totpKeys.show(name, { actor: self }),
    () => services.totpKeys.qr(name, { actor: self, format: 'svg' }),
    () => services.totpKeys.recreateTokens(name, { actor: self }),
    () => services.totpKeys.remove(name, { actor: self }),
  ]) {
    await expect(attempt()).rejects.toMatchObject({ status: 403 });
  }
  expect(await auditOf(sub, 'totp-display')).toEqual([]);
});
