import { otpauthIssuerFor } from '../../src/factors/totp/otpauthUri.ts';
import { startMailedGatehouse } from '../support/mailedGatehouse.ts';
import { startTestGatehouse } from '../support/testGatehouse.ts';
import { cliWorkDir, runGatehouse, runGatehouseJson, type Database } from '../support/gatehouseCli.ts';

// The CLI runs with its own defaults (no ISSUER: http://localhost:3000), while the
// deployment it administers runs on another URL: its links and otpauth URIs must carry
// the running deployment's issuer, which the server keeps in the database at start.

let started: Awaited<ReturnType<typeof startMailedGatehouse>>;
let work: ReturnType<typeof cliWorkDir>;
let db: Database;
let env: Record<string, string>;

beforeAll(async () => {
  started = await startMailedGatehouse();
  work = cliWorkDir();
  db = { MONGODB_URI: started.gatehouse.config.mongodbUri!, MASTER_KEY: started.gatehouse.config.masterKey! };
  // ISSUER "" is unset for the CLI: it falls back to its default, http://localhost:3000.
  env = { ISSUER: '', PORT: '3000', SMTP_URL: started.mail.url };
  await started.services.classes.add({ name: 'ISSTOTP', mfa_device: 'S', no_screen_channel: 'E', allow_otp_instead_of_totp: 'N', question_count: 0, max_retries: 3, wait_seconds: 60, factors: { MFA: { TOTP: 1 } } });
  await started.services.persons.add({ name: 'PEPE', default_user_id: 'pepe', email: 'pepe@example.com', class: 'ISSTOTP' });
});
afterAll(async () => {
  await started?.stop();
  work?.remove();
});

const textOf = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
function lastLinkTo(to: string): string {
  const message = started.mail.messages.filter((m) => m.to.includes(to)).at(-1);
  const match = message && /(https?:\/\/\S+\/register\/[A-Za-z0-9_-]{43})/.exec(textOf(message.raw));
  if (!match) throw new Error(`no registration link mailed to ${to}`);
  return match[1]!;
}

test('without ISSUER, the mailed registration link and the otpauth URI use the running server\'s issuer, and the link opens', async () => {
  const { issuer } = started.gatehouse;
  expect(issuer).not.toBe('http://localhost:3000');

  const created = await runGatehouse(work.path, db, ['totp', 'create', 'PEPE', '--email'], { env });
  expect(created).toMatchObject({ code: 0, stderr: '' });
  const link = lastLinkTo('pepe@example.com');
  expect(link.startsWith(`${issuer}/register/`)).toBe(true);
  const opened = await fetch(link, { redirect: 'manual' });
  expect(opened.status).toBe(303);
  expect(opened.headers.get('location')).toBe('/register');

  const shown = await runGatehouse(work.path, db, ['totp', 'show', 'PEPE', '--json'], { env });
  expect(shown.code).toBe(0);
  const host = otpauthIssuerFor(issuer);
  expect(JSON.parse(shown.stdout).otpauth_uri).toMatch(new RegExp(`^otpauth://totp/${host}:pepe\\?secret=[A-Z2-7]+&issuer=${host}&`));
});

test('an ISSUER given to the CLI explicitly wins over the stored one, with a note on stderr naming both', async () => {
  const { issuer } = started.gatehouse;
  const explicit = { ...env, ISSUER: 'https://id.example.test' };
  const sent = await runGatehouse(work.path, db, ['totp', 'send-link', 'PEPE'], { env: explicit });
  expect(sent.code).toBe(0);
  expect(lastLinkTo('pepe@example.com').startsWith('https://id.example.test/register/')).toBe(true);
  expect(sent.stderr).toBe(`note: ISSUER is https://id.example.test here, but the running deployment's issuer is ${issuer}; links and otpauth URIs use https://id.example.test.\n`);

  const shown = await runGatehouseJson(work.path, db, ['totp', 'show', 'PEPE']);
  expect(shown.otpauth_uri).toContain(`issuer=${otpauthIssuerFor(process.env.ISSUER || issuer)}&`);
});

test('the server records its issuer at start; an instance started on another URL replaces it', async () => {
  expect(await started.services.settings.runningIssuer()).toBe(started.gatehouse.issuer);
  const moved = await startTestGatehouse({ mongodbUri: db.MONGODB_URI, masterKey: db.MASTER_KEY, issuer: 'https://moved.example.test' });
  try {
    expect(await started.services.settings.runningIssuer()).toBe('https://moved.example.test');
  } finally {
    await moved.stop();
  }
});
