import * as oidc from 'openid-client';
import type { Actor } from '../../src/security/createAuditLog.ts';
import { FormBrowser } from '../support/formBrowser.ts';
import { addRelyingParty, startMailedGatehouse } from '../support/mailedGatehouse.ts';
import { redirectUri, signIn, startAuthorization } from '../support/relyingParty.ts';

// A temporary password (an admin's, or a reset's sent by SMS or email) signs in only to the
// page where the person chooses their own: no code is sent and no token issued before.

let started: Awaited<ReturnType<typeof startMailedGatehouse>>;
let rp: oidc.Configuration;
const admin: Actor = { kind: 'api-person', id: 'admin-sub', name: 'ADMIN' };
const ownPassword = 'violet kettle sunrise';

beforeAll(async () => {
  started = await startMailedGatehouse();
  rp = await addRelyingParty(started, redirectUri);
  const base = { no_screen_channel: 'E', question_count: 0, max_retries: 3, wait_seconds: 60 } as const;
  await started.services.classes.add({ ...base, name: 'MAIL', mfa_device: 'E', factors: { MFA: { OTP: 1 } } });
  await started.services.classes.add({ ...base, name: 'PLAIN', mfa_device: 'S', factors: { MFA: {} } });
});

afterAll(async () => {
  await started?.stop();
});

async function temporaryFor(name: string, minutes: number, now?: number) {
  const { services } = started;
  const stored = (await services.persons.findByUserId(name))!;
  return services.temporaryPasswords.issue(stored, { minutes, actor: admin, reason: 'admin', ...(now ? { now } : {}) });
}

/** Opens a sign-in at the relying party and types the user ID and password; the browser stands where it was led. */
async function typePassword(username: string, password: string) {
  const browser = new FormBrowser(redirectUri);
  const request = await startAuthorization(rp);
  await browser.open(request.url.toString());
  const at = await browser.submit(browser.formAction('/login'), { username, password });
  return { browser, request, at };
}

test('the temporary password leads to the new-password page first; the email code comes only after, then the tokens', async () => {
  const { services, mail } = started;
  await services.persons.add({ name: 'TEMPO', email: 'tempo@example.com', class: 'MAIL', password: 'first password here' });
  const { password, expiresAt } = await temporaryFor('tempo', 30);
  expect(password).toMatch(/^[A-Za-z2-9]{4}(-[A-Za-z2-9]{4}){3}$/);
  expect(expiresAt!.getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
  expect(await services.persons.show('TEMPO')).toMatchObject({ temporary_password: { expires_at: expiresAt!.toISOString() } });
  // The old password is gone.
  expect((await typePassword('tempo', 'first password here')).browser.lastStatus).toBe(401);

  const mailsBefore = mail.messages.length;
  const { browser, request } = await typePassword('tempo', password);
  expect(browser.lastPage).toContain('action="/interaction/');
  expect(browser.lastPage).toMatch(/autocomplete="new-password"/);
  expect(mail.messages.length).toBe(mailsBefore);
  // The factor's forms are not taken on a temporary password: back to the page, nothing sent.
  await browser.submit(browser.formAction('/password').replace('/password', '/resend'), { csrf: browser.csrfToken() });
  expect(browser.lastPage).toMatch(/name="confirm"/);
  expect(mail.messages.length).toBe(mailsBefore);

  // Two different passwords, the temporary one again, a common one: refused, nothing changed.
  await browser.submit(browser.formAction('/password'), { password: ownPassword, confirm: `${ownPassword}!` });
  expect(browser.lastStatus).toBe(422);
  expect(browser.lastPage).toContain('The two passwords are not the same.');
  await browser.submit(browser.formAction('/password'), { password, confirm: password });
  expect(browser.lastStatus).toBe(422);
  expect(browser.lastPage).toContain('temporary password you were given');
  await browser.submit(browser.formAction('/password'), { password: 'password1234', confirm: 'password1234' });
  expect(browser.lastStatus).toBe(422);
  expect(browser.lastPage).toContain('common and breached');
  expect((await services.persons.show('TEMPO')).temporary_password).toBeDefined();

  await browser.submit(browser.formAction('/password'), { password: ownPassword, confirm: ownPassword });
  expect((await services.persons.show('TEMPO')).temporary_password).toBeUndefined();
  // Now the class's factor: the email code, then the callback.
  const code = mail.lastCodeTo('tempo@example.com');
  expect(code).toBeDefined();
  const at = await browser.submit(browser.formAction('/verify'), { code: code! });
  expect(at.startsWith(redirectUri)).toBe(true);
  const tokens = await oidc.authorizationCodeGrant(rp, new URL(at), { pkceCodeVerifier: request.codeVerifier, expectedState: request.state, expectedNonce: request.nonce });
  expect(tokens.claims()!.amr).toEqual(expect.arrayContaining(['pwd', 'otp']));

  // The temporary password works no more; the person's own does.
  expect((await typePassword('tempo', password)).browser.lastStatus).toBe(401);
  const audit = JSON.stringify(await services.audit.list({ entityId: (await services.persons.show('TEMPO')).sub }));
  expect(audit).toContain('temporary-password');
  expect(audit).toContain('forced-change');
  expect(audit).not.toContain(password);
  expect(audit).not.toContain(ownPassword);
});

test('a temporary password past its minutes signs in no more, answered as a wrong password', async () => {
  const { services } = started;
  await services.persons.add({ name: 'LATE', class: 'PLAIN', password: 'first password here' });
  const { password } = await temporaryFor('late', 1, Date.now() - 2 * 60_000);
  const { browser, at } = await typePassword('late', password);
  expect(at.startsWith(redirectUri)).toBe(false);
  expect(browser.lastStatus).toBe(401);
  expect(browser.lastPage).toContain('The user ID or password is not correct.');
});

test('with no factor in the class, the new password leads straight to the application; with 999 minutes it has no end', async () => {
  const { services } = started;
  await services.persons.add({ name: 'OPEN', class: 'PLAIN', password: 'first password here' });
  const { password, expiresAt } = await temporaryFor('open', 999);
  expect(expiresAt).toBeUndefined();
  const { browser, request } = await typePassword('open', password);
  const at = await browser.submit(browser.formAction('/password'), { password: ownPassword, confirm: ownPassword });
  expect(at.startsWith(redirectUri)).toBe(true);
  await oidc.authorizationCodeGrant(rp, new URL(at), { pkceCodeVerifier: request.codeVerifier, expectedState: request.state, expectedNonce: request.nonce });
  const { tokens } = await signIn(rp, 'open', ownPassword);
  expect(tokens.claims()!.sub).toBe((await services.persons.show('OPEN')).sub);
});
