import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from 'otplib';
import QRCode from 'qrcode';
import { otpauthIssuerFor } from '../../src/factors/totp/otpauthUri.ts';
import { cliWorkDir, newDatabase, runGatehouse, runGatehouseJson, withDatabase, writeDocument, type Database } from '../support/gatehouseCli.ts';
import { decodeQrPng, decodeTerminalQr } from '../support/decodeQrPng.ts';

let work: ReturnType<typeof cliWorkDir>;
let db: Database;

beforeAll(async () => {
  work = cliWorkDir();
  db = newDatabase();
  await runGatehouseJson(work.path, db, ['import', writeDocument(work.path, { persons: [{ name: 'PEPE', default_user_id: 'pepe.cuevas' }, { name: 'ANA' }, { name: 'LUIS' }] })]);
});
afterAll(() => work.remove());

/** The issuer in the URI: the host of ISSUER, which defaults to http://localhost:PORT. */
const issuer = otpauthIssuerFor(process.env.ISSUER || 'http://localhost');
const gatehouse = (args: string[], input?: string) => runGatehouse(work.path, db, args, { input });
const plain = (grouped: string) => grouped.replace(/ /g, '');
const totpAudit = (name: string, action: string) =>
  withDatabase(db, async (services) => {
    const { sub } = await services.persons.show(name);
    return (await services.audit.list({ entity: 'totp', entityId: sub })).filter((entry) => entry.action === action);
  });

test('create: a pending key; --json never holds the key, `show` displays it (audited); a code from it confirms the key', async () => {
  const created = await gatehouse(['totp', 'create', 'pepe', '--json']);
  expect(created.code).toBe(0);
  expect(JSON.parse(created.stdout)).toEqual({
    name: 'PEPE',
    state: 'pending',
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    key_generated: true,
    replaced: 'none',
    emergency_tokens_created: true,
    tokens_left: 10,
  });

  const shown = await runGatehouseJson(work.path, db, ['totp', 'show', 'PEPE']);
  expect(shown).toMatchObject({ name: 'PEPE', state: 'pending', key: expect.stringMatching(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/), algorithm: 'SHA1', digits: 6, period: 30, tokens_left: 10 });
  expect(shown.otpauth_uri).toBe(`otpauth://totp/${issuer}:pepe.cuevas?secret=${plain(shown.key)}&issuer=${issuer}&algorithm=SHA1&digits=6&period=30`);
  expect(shown.emergency_tokens).toHaveLength(10);
  for (const output of [created.stdout, created.stderr]) expect(output).not.toContain(plain(shown.key));

  const [display] = await totpAudit('PEPE', 'totp-display');
  expect(display).toMatchObject({ actor: { kind: 'cli' }, after: { name: 'PEPE', shown: ['key', 'emergency-tokens'] } });
  expect((await totpAudit('PEPE', 'totp-create'))[0]).toMatchObject({ actor: { kind: 'cli' }, after: { state: 'pending', generated: true } });

  await withDatabase(db, async (services) => {
    const { sub } = await services.persons.show('PEPE');
    const code = await generate({ secret: plain(shown.key) });
    expect(await services.totp.confirmPending({ _id: sub }, code)).toEqual({ outcome: 'success', amr: ['otp'] });
  });
  expect((await runGatehouseJson(work.path, db, ['totp', 'show', 'PEPE'])).state).toBe('active');
});

test('create in words: says the key is pending and how the person registers it, never the key; replacing says the old key stopped', async () => {
  const first = await gatehouse(['totp', 'create', 'ANA', '--key', 'gezd gnbv gy3t qojq gezd gnbv gy3t qojq', '--algorithm', 'sha256', '--digits', '8', '--period', '60']);
  expect(first.code).toBe(0);
  expect(first.stdout).toContain('Created the TOTP key of "ANA" (typed; SHA256, 8 digits, 60 seconds). The key is pending.');
  expect(first.stdout).toContain('once ANA has added it to an authenticator app');
  expect(first.stdout).toContain('gatehouse totp show ANA');
  expect(first.stdout).toContain('made a new set of 10');
  expect(first.stdout.toUpperCase()).not.toContain('GEZDGNBV');
  expect((await runGatehouseJson(work.path, db, ['totp', 'show', 'ANA'])).key).toBe('GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ');

  // The key from standard input (out of the shell history).
  const replaced = await gatehouse(['totp', 'create', 'ANA', '--key', '-'], 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U\n');
  expect(replaced.code).toBe(0);
  expect(replaced.stdout).toContain('Replaced the TOTP key of "ANA" (typed; SHA1, 6 digits, 30 seconds). The key is pending.');
  expect(replaced.stdout).toContain('The previous key (pending) no longer works.');
  expect(replaced.stdout).toContain('ANA has 10 unused emergency tokens');
  expect((await runGatehouseJson(work.path, db, ['totp', 'show', 'ANA'])).key).toBe('MFRG GZDF MZTW Q2LK NNWG 23TP OBYX E43U');
});

test('bad input: a clear sentence and exit 1 (refused) or 2 (usage); nothing changes', async () => {
  for (const [args, code, message] of [
    [['totp', 'create', 'LUIS', '--key', 'JBSWY3DPEHPK3PXP'], 1, 'key: 16 characters carry 80 bits; a key needs at least 128 bits (26 Base32 characters).'],
    [['totp', 'create', 'LUIS', '--key', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PX0'], 1, 'key: character 32 is not Base32; a key uses only the letters A–Z and the digits 2–7'],
    [['totp', 'create', 'LUIS', '--algorithm', 'MD5'], 1, 'algorithm: one of SHA1, SHA256, SHA512; got "MD5".'],
    [['totp', 'create', 'LUIS', '--digits', '7'], 1, 'digits: 6 or 8; got 7.'],
    [['totp', 'create', 'LUIS', '--digits', 'six'], 2, '--digits: a whole number; got "six".'],
    [['totp', 'create', 'LUIS', '--period', '1.5'], 2, '--period: a whole number; got "1.5".'],
    [['totp', 'create', 'NOBODY'], 1, 'There is no person "NOBODY".'],
    [['totp', 'show', 'NOBODY'], 1, 'There is no person "NOBODY".'],
    [['totp', 'qr', 'LUIS'], 1, 'The person "LUIS" has no TOTP key.'],
    [['totp', 'remove', 'LUIS', '--yes'], 1, 'The person "LUIS" has no TOTP key and no emergency tokens.'],
    [['totp', 'remove', 'LUIS'], 2, 'totp remove: add --yes to remove the TOTP key and emergency tokens of "LUIS".'],
    [['totp', 'qr', 'LUIS', '--svg', 'a.svg', '--png', 'a.png'], 2, 'totp qr: --svg or --png, not both.'],
    [['totp', 'create', 'LUIS', '--email'], 1, 'The person "LUIS" has no email address: set one before sending a registration link.'],
    [['totp', 'send-link', 'LUIS'], 1, 'The person "LUIS" has no email address: set one before sending a registration link.'],
  ] as const) {
    const result = await gatehouse([...args]);
    expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code, stderr: expect.stringContaining(message) });
  }
  const json = await gatehouse(['totp', 'create', 'LUIS', '--key', 'JBSWY3DPEHPK3PXP', '--json']);
  expect(json.code).toBe(1);
  expect(JSON.parse(json.stdout)).toEqual({ error: 'key: 16 characters carry 80 bits; a key needs at least 128 bits (26 Base32 characters).' });
  expect(await runGatehouseJson(work.path, db, ['totp', 'tokens', 'LUIS'])).toEqual({ name: 'LUIS', state: 'none', tokens_left: 0 });
});

test('tokens: the count left; --recreate makes 10 new ones and the old ones stop working', async () => {
  const before = (await runGatehouseJson(work.path, db, ['totp', 'show', 'PEPE'])).emergency_tokens as string[];
  const count = await gatehouse(['totp', 'tokens', 'PEPE']);
  expect(count).toMatchObject({ code: 0, stdout: expect.stringContaining('"PEPE" has 10 unused emergency token(s); TOTP key: active.') });

  const recreated = await gatehouse(['totp', 'tokens', 'PEPE', '--recreate']);
  expect(recreated.code).toBe(0);
  expect(recreated.stdout).toBe('Made 10 new emergency tokens for "PEPE"; the old ones no longer work.\nDisplay them with: gatehouse totp show PEPE\n');
  expect(await runGatehouseJson(work.path, db, ['totp', 'tokens', 'PEPE', '--recreate'])).toEqual({ name: 'PEPE', tokens_left: 10 });

  const after = (await runGatehouseJson(work.path, db, ['totp', 'show', 'PEPE'])).emergency_tokens as string[];
  expect(after.filter((token) => before.includes(token))).toEqual([]);
  await withDatabase(db, async (services) => {
    const { sub } = await services.persons.show('PEPE');
    expect(await services.emergencyTokens.consume(sub, before[0]!)).toEqual({ outcome: 'retry', reason: 'wrong-code' });
    expect((await services.emergencyTokens.consume(sub, after[0]!)).outcome).toBe('success');
  });
  expect((await totpAudit('PEPE', 'recreate-emergency-tokens'))[0]).toMatchObject({ actor: { kind: 'cli' } });
});

test('show in words: state, key in groups of four, parameters, URI and numbered tokens; the audit note on stderr', async () => {
  const shown = await gatehouse(['totp', 'show', 'ANA']);
  expect(shown.code).toBe(0);
  const lines = shown.stdout.trimEnd().split('\n');
  expect(lines.slice(0, 5)).toEqual([
    'TOTP key of "ANA": pending (counts once the person confirms a code from the app)',
    'Key               MFRG GZDF MZTW Q2LK NNWG 23TP OBYX E43U',
    'Parameters        SHA1, 6 digits, 30 seconds',
    `otpauth URI       otpauth://totp/${issuer}:ANA?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U&issuer=${issuer}&algorithm=SHA1&digits=6&period=30`,
    'Emergency tokens  10 left',
  ]);
  expect(lines.slice(5)).toHaveLength(10);
  expect(lines[5]).toMatch(/^ {3}1\. [0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);
  expect(lines[14]).toMatch(/^ {2}10\. /);
  expect(shown.stderr).toBe('This display is recorded in the audit log.\n');
});

test('qr: drawn in the terminal by default, or written to an SVG or PNG file readable by its owner only; audited', async () => {
  const uri = (await runGatehouseJson(work.path, db, ['totp', 'show', 'ANA'])).otpauth_uri as string;
  const drawn = await gatehouse(['totp', 'qr', 'ANA']);
  expect(drawn.code).toBe(0);
  expect(drawn.stdout.trimEnd()).toBe((await QRCode.toString(uri, { type: 'terminal', small: true, errorCorrectionLevel: 'M', margin: 4 })).trimEnd());
  expect(decodeTerminalQr(drawn.stdout)).toBe(uri);
  expect(drawn.stderr).toContain('This display is recorded in the audit log.');

  const pngFile = join(work.path, 'ana.png');
  const png = await gatehouse(['totp', 'qr', 'ANA', '--png', pngFile]);
  expect(png).toMatchObject({ code: 0, stdout: `Wrote the QR code of ANA's TOTP key to ${pngFile} (PNG). It holds the key: delete the file once it has been scanned.\n` });
  expect(statSync(pngFile).mode & 0o777).toBe(0o600);
  expect(decodeQrPng(readFileSync(pngFile))).toBe(uri);

  const svgFile = join(work.path, 'ana.svg');
  expect(await runGatehouseJson(work.path, db, ['totp', 'qr', 'ANA', '--svg', svgFile])).toEqual({ name: 'ANA', format: 'svg', file: svgFile });
  expect(readFileSync(svgFile, 'utf8')).toBe(await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 }));

  const displays = await totpAudit('ANA', 'totp-display');
  expect(displays.slice(0, 3).map((entry) => [entry.actor.kind, entry.after?.format])).toEqual([
    ['cli', 'svg'],
    ['cli', 'png'],
    ['cli', 'terminal'],
  ]);

  // An existing file is never written over (it could be readable by others); nothing is displayed.
  const existing = join(work.path, 'existing.png');
  writeFileSync(existing, 'keep me');
  const refused = await gatehouse(['totp', 'qr', 'ANA', '--png', existing]);
  expect(refused).toMatchObject({ code: 1, stderr: expect.stringContaining(`${existing}: already exists`) });
  expect(readFileSync(existing, 'utf8')).toBe('keep me');
  expect(await totpAudit('ANA', 'totp-display')).toHaveLength(displays.length);
});

test('remove --yes takes the key and the tokens away', async () => {
  const removed = await gatehouse(['totp', 'remove', 'ANA', '--yes']);
  expect(removed).toMatchObject({ code: 0, stdout: 'Removed the TOTP key and the emergency tokens of "ANA".\n' });
  expect(await runGatehouseJson(work.path, db, ['totp', 'show', 'ANA'])).toEqual({ name: 'ANA', state: 'none', emergency_tokens: [], tokens_left: 0 });
  expect((await totpAudit('ANA', 'remove-key'))[0]).toMatchObject({ actor: { kind: 'cli' } });
  const again = await gatehouse(['totp', 'remove', 'ANA', '--yes', '--json']);
  expect(again.code).toBe(1);
  expect(JSON.parse(again.stdout)).toEqual({ error: 'The person "ANA" has no TOTP key and no emergency tokens.' });
});
