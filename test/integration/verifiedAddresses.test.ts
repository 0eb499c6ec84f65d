import { generate } from 'otplib';
import * as oidc from 'openid-client';
import type { Actor } from '../../src/security/createAuditLog.ts';
import { adminScriptToken, callAdminApi } from '../support/adminApi.ts';
import { FormBrowser } from '../support/formBrowser.ts';
import { cliWorkDir, runGatehouse } from '../support/gatehouseCli.ts';
import { addRelyingParty, startMailedGatehouse } from '../support/mailedGatehouse.ts';
import { redirectUri, startAuthorization } from '../support/relyingParty.ts';
import { startSmsCatcher } from '../support/smsCatcher.ts';

// email_verified / phone_number_verified: true only once Gatehouse has proven the address
// (a code or link sent to it was used) or an admin marked it, and only for that address.

let started: Awaited<ReturnType<typeof startMailedGatehouse>>;
let sms: Awaited<ReturnType<typeof startSmsCatcher>>;
let rp: oidc.Configuration;
const password = 'correct horse battery';
const admin: Actor = { kind: 'api-person', id: 'admin-sub', name: 'ADMIN' };

beforeAll(async () => {
  sms = await startSmsCatcher();
  started = await startMailedGatehouse({ config: { sms: { webhook: { url: sms.url } } } });
  rp = await addRelyingParty(started, redirectUri);
  const { services } = started;
  const base = { no_screen_channel: 'E', question_count: 0, max_retries: 3, wait_seconds: 60 } as const;
  await services.classes.add({ ...base, name: 'MAIL', mfa_device: 'E', factors: { MFA: { OTP: 1 } } });
  await services.classes.add({ ...base, name: 'TEXT', mfa_device: 'C', factors: { MFA: { OTP: 1 } } });
  await services.classes.add({ ...base, name: 'APP', mfa_device: 'S', factors: { MFA: { TOTP: 1 } } });
});

afterAll(async () => {
  await started?.stop();
  await sms?.close();
});

/** Signs `username` in with scope openid email phone, passing the one-time code the person received; returns the tokens. */
async function signInWithCode(username: string, codeOf: () => string | undefined) {
  const browser = new FormBrowser(redirectUri);
  const request = await startAuthorization(rp, { scope: 'openid email phone' });
  await browser.open(request.url.toString());
  await browser.submit(browser.formAction('/login'), { username, password });
  const at = await browser.submit(browser.formAction('/verify'), { code: codeOf()! });
  if (!at.startsWith(redirectUri)) throw new Error(`no callback (HTTP ${browser.lastStatus}):\n${browser.lastPage.slice(0, 1500)}`);
  return oidc.authorizationCodeGrant(rp, new URL(at), { pkceCodeVerifier: request.codeVerifier, expectedState: request.state, expectedNonce: request.nonce });
}

const userinfo = async (tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers) => oidc.fetchUserInfo(rp, tokens.access_token, tokens.claims()!.sub);

test('an email code used at sign-in proves the email: false before, true after, false again once the email changes', async () => {
  const { services, mail } = started;
  await services.persons.add({ name: 'MARIA', email: 'maria@example.com', cell_phone: '+34600111222', class: 'MAIL', password });
  expect(await services.persons.show('MARIA')).toMatchObject({ email_verified: false, phone_verified: false });

  const tokens = await signInWithCode('maria', () => mail.lastCodeTo('maria@example.com'));
  expect(await userinfo(tokens)).toMatchObject({ email: 'maria@example.com', email_verified: true, phone_number: '+34600111222', phone_number_verified: false });
  expect(await services.persons.show('MARIA')).toMatchObject({ email_verified: true, phone_verified: false });

  // Another address was never proven: the claim is false at once, for tokens already issued too.
  await services.persons.update('MARIA', { email: 'maria.new@example.com' }, { actor: admin });
  expect(await userinfo(tokens)).toMatchObject({ email: 'maria.new@example.com', email_verified: false });
  // Going back to the proven address does not bring the proof back: it was for the record as it was.
  await services.persons.update('MARIA', { email: 'maria@example.com' }, { actor: admin });
  expect(await userinfo(tokens)).toMatchObject({ email_verified: false });
});

test('an SMS code used at sign-in proves the cell phone, not the email', async () => {
  const { services } = started;
  await services.persons.add({ name: 'SARA', email: 'sara@example.com', cell_phone: '+34600333444', class: 'TEXT', password });
  const tokens = await signInWithCode('sara', () => sms.lastCodeTo('+34600333444'));
  expect(await userinfo(tokens)).toMatchObject({ phone_number_verified: true, email_verified: false });

  await services.persons.update('SARA', { cell_phone: '+34600333999' }, { actor: admin });
  expect(await userinfo(tokens)).toMatchObject({ phone_number: '+34600333999', phone_number_verified: false });
});

test('a registration link used proves the email it was mailed to', async () => {
  const { services, mail, gatehouse } = started;
  await services.persons.add({ name: 'REGI', email: 'regi@example.com', class: 'APP', password });
  await services.totpKeys.create('REGI', {}, { actor: admin, email: true });
  const raw = mail.messages.filter((m) => m.to.includes('regi@example.com')).at(-1)!.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const url = /(https?:\/\/\S+\/register\/[A-Za-z0-9_-]{43})/.exec(raw)![1]!;
  expect(url.startsWith(gatehouse.issuer)).toBe(true);
  expect((await services.persons.show('REGI')).email_verified).toBe(false);

  const browser = new FormBrowser('http://never.invalid');
  await browser.open(url);
  const secret = (await services.totpKeys.show('REGI', { actor: admin })).key!.replace(/ /g, '');
  await browser.submit('/register', { code: await generate({ secret }) });
  expect(browser.lastStatus).toBe(200);
  expect((await services.persons.show('REGI')).email_verified).toBe(true);
});

test('an admin marks an address verified (API, CLI, import); the mark is for that address only', async () => {
  const { services, gatehouse } = started;
  await services.persons.add({ name: 'ADMINSET', email: 'set@example.com', password, email_verified: true });
  expect(await services.persons.show('ADMINSET')).toMatchObject({ email_verified: true });
  await expect(services.persons.update('ADMINSET', { phone_verified: true })).rejects.toThrow('phone_verified: there is no cell_phone to mark as verified.');
  await expect(services.persons.update('ADMINSET', { email_verified: 'yes' })).rejects.toThrow('email_verified: true or false.');
  // Changing another field keeps the mark; a new address in the same change may be marked with it.
  expect(await services.persons.update('ADMINSET', { first_name: 'Ana' })).toMatchObject({ email_verified: true });
  expect(await services.persons.update('ADMINSET', { email: 'other@example.com', email_verified: true })).toMatchObject({ email_verified: true });
  expect(await services.persons.update('ADMINSET', { email_verified: false })).toMatchObject({ email_verified: false });

  // The admin API.
  const token = await adminScriptToken(services, gatehouse.issuer);
  const patched = await callAdminApi(gatehouse.issuer, '/persons/ADMINSET', { token, method: 'PATCH', body: { email_verified: true } });
  expect(patched.status).toBe(200);
  expect(patched.body).toMatchObject({ email: 'other@example.com', email_verified: true });
  const refused = await callAdminApi(gatehouse.issuer, '/persons/ADMINSET', { token, method: 'PATCH', body: { phone_verified: true } });
  expect(refused.status).toBe(400);
  expect(refused.body.error_description).toBe('phone_verified: there is no cell_phone to mark as verified.');

  // The CLI.
  const workDir = cliWorkDir();
  try {
    const database = { MONGODB_URI: gatehouse.config.mongodbUri!, MASTER_KEY: gatehouse.config.masterKey! };
    const marked = await runGatehouse(workDir.path, database, ['person', 'update', 'ADMINSET', '--cell-phone', '+34600555666', '--phone-verified', '--email-verified', '--json']);
    expect(marked.code).toBe(0);
    expect(JSON.parse(marked.stdout)).toMatchObject({ phone_verified: true, email_verified: true });
    const unmarked = await runGatehouse(workDir.path, database, ['person', 'update', 'ADMINSET', '--email-verified', 'N', '--json']);
    expect(JSON.parse(unmarked.stdout)).toMatchObject({ phone_verified: true, email_verified: false });
  } finally {
    workDir.remove();
  }

  // Export carries the marks, and an import of that document keeps them.
  const exported = (await services.persons.exportAll()).find((p) => p.name === 'ADMINSET')!;
  expect(exported).toMatchObject({ phone_verified: true, email_verified: false });
  await services.persons.delete('ADMINSET');
  const { sub: _sub, ...document } = exported;
  await services.persons.put(document);
  expect(await services.persons.show('ADMINSET')).toMatchObject({ phone_verified: true, email_verified: false });
});
