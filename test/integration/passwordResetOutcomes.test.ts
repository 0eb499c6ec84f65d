import { generate } from 'otplib';
import type * as oidc from 'openid-client';
import { FormBrowser } from '../support/formBrowser.ts';
import { addRelyingParty, startMailedGatehouse } from '../support/mailedGatehouse.ts';
import { redirectUri, signIn, startAuthorization } from '../support/relyingParty.ts';
import { pageShape, resetFromSignIn, waitFor } from '../support/resetSupport.ts';

// "Reset your password by" 2 and 9, and what a reset must not tell or undo: unknown and
// disabled user IDs answered like known ones, a factor's lock kept, forms of elsewhere refused.

let started: Awaited<ReturnType<typeof startMailedGatehouse>>;
let rp: oidc.Configuration;
const password = 'first password here';
const newPassword = 'violet kettle sunrise';
const secrets: Record<string, string> = {};
const base = { mfa_device: 'S', no_screen_channel: 'E', question_count: 0, max_retries: 3, wait_seconds: 600 } as const;
const reset = (verify_by: string, new_password_by: string, reset_by: string) => ({ password_reset: { verify_by, new_password_by, reset_by, must_change_minutes: 30 } });

beforeAll(async () => {
  started = await startMailedGatehouse();
  rp = await addRelyingParty(started, redirectUri);
  const { services } = started;
  await services.classes.add({ ...base, name: 'REOPEN', factors: { MFA: { TOTP: 1 }, 'P-R': {} }, ...reset('E', 'N', '2') });
  await services.classes.add({ ...base, name: 'CHOICE', factors: { MFA: {} }, ...reset('E', 'N', '9') });
  await services.classes.add({ ...base, name: 'APPONLY', factors: { MFA: { TOTP: 1 }, 'P-R': { TOTP: 1 } }, ...reset('M', 'N', '2') });
  await services.classes.add({ ...base, name: 'PLAIN', factors: { MFA: {} }, ...reset('E', 'N', '1') });
  await services.settings.setDefaultClass('PLAIN');
  await services.persons.add({ name: 'LUIS', email: 'luis@example.com', class: 'REOPEN', password });
  await services.persons.add({ name: 'CHUS', email: 'chus@example.com', class: 'CHOICE', password });
  await services.persons.add({ name: 'ADA', email: 'ada@example.com', class: 'APPONLY', password });
  await services.persons.add({ name: 'DORA', email: 'dora@example.com', class: 'APPONLY', password, enabled: false });
  await services.persons.add({ name: 'PABLO', email: 'pablo@example.com', class: 'PLAIN', password });
  await services.persons.add({ name: 'PILAR', email: 'pilar@example.com', class: 'PLAIN', password, enabled: false });
  await services.persons.add({ name: 'PACO', class: 'PLAIN', password });
  for (const name of ['LUIS', 'ADA', 'DORA']) {
    secrets[name] = services.totp.generateSecret();
    await services.totp.setKey((await services.persons.show(name)).sub, { secret: secrets[name]!, state: 'active' }, {});
  }
});

afterAll(async () => {
  await started?.stop();
});

const totpCode = (name: string, steps = 0) => generate({ secret: secrets[name]!, epoch: Math.floor(Date.now() / 1000) + steps * 30 });
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

/** A sign-in at the relying party up to the password: the browser stands at what follows it. */
async function typePassword(username: string, typed: string) {
  const browser = new FormBrowser(redirectUri);
  await browser.open((await startAuthorization(rp)).url.toString());
  await browser.submit(browser.formAction('/login'), { username, password: typed });
  return browser;
}

test('reset by 2: a person locked by failed sign-ins is open again after the email code; a locked TOTP stays locked', async () => {
  // TOTP locked at sign-in (three wrong codes), then the password locked (three wrong passwords).
  const browser = await typePassword('luis', password);
  for (let i = 0; i < 3; i += 1) await browser.submit(browser.formAction('/verify'), { code: wrong(await totpCode('LUIS')) });
  for (let i = 0; i < 3; i += 1) await typePassword('luis', 'not the password');
  expect((await typePassword('luis', password)).lastStatus).toBe(429);

  const mails = started.mail.messages.length;
  const flow = await resetFromSignIn(rp, 'luis');
  const code = await waitFor(() => started.mail.messages.length > mails ? started.mail.lastCodeTo('luis@example.com') : undefined, 'the reset code');
  await flow.browser.submit(flow.browser.formAction('/reset/verify'), { code });
  expect(flow.browser.lastPage).toContain('it is open again');
  // The password is accepted again; the TOTP lock is untouched: the sign-in is denied, no token.
  const after = await typePassword('luis', password);
  expect(after.lastStatus).toBe(403);
  expect(after.lastPage).toContain('You cannot sign in yet');
  const actions = (await started.services.audit.list({ entityId: (await started.services.persons.show('LUIS')).sub })).map((entry) => entry.action);
  expect(actions).toEqual(expect.arrayContaining(['account-re-enabled', 'unlock']));
});

test('reset by 9: the person chooses; a new password typed, or the account opened again', async () => {
  const flow = await resetFromSignIn(rp, 'chus');
  const code = await waitFor(() => started.mail.lastCodeTo('chus@example.com'), 'the reset code');
  await flow.browser.submit(flow.browser.formAction('/reset/verify'), { code });
  expect(flow.browser.lastPage).toContain('What do you need?');
  await flow.browser.submit(flow.browser.formAction('/reset/choose'), { choice: 'neither' });
  expect(flow.browser.lastStatus).toBe(400);
  await flow.browser.open(new URL('/reset/step', flow.browser.lastUrl).toString());
  await flow.browser.submit(flow.browser.formAction('/reset/choose'), { choice: 'new-password' });
  await flow.browser.submit(flow.browser.formAction('/reset/password'), { password: newPassword, confirm: newPassword });
  expect(flow.browser.lastPage).toContain('Your new password is saved');
  await signIn(rp, 'chus', newPassword);

  const mails = started.mail.messages.length;
  const second = await resetFromSignIn(rp, 'chus', new FormBrowser(redirectUri));
  await new Promise((resolve) => setTimeout(resolve, 200));
  // One message per person per resend interval: the second start within it sends nothing.
  expect(started.mail.messages.slice(mails).filter((m) => m.to.includes('chus@example.com') && /reset code/.test(m.raw))).toHaveLength(0);
  expect(second.browser.lastPage).toContain('action="/reset/verify"');
});

test('a factor locked in a reset is locked at sign-in too, and a reset is refused while it is', async () => {
  const flow = await resetFromSignIn(rp, 'ada');
  for (let i = 0; i < 3; i += 1) await flow.browser.submit(flow.browser.formAction('/reset/verify'), { code: wrong(await totpCode('ADA')) });
  expect(flow.browser.lastStatus).toBe(429);
  // The right code now changes nothing: the lock is the sign-in's own.
  await flow.browser.open(new URL('/reset/step', flow.browser.lastUrl).toString());
  expect(flow.browser.lastStatus).toBe(403);
  expect(flow.browser.lastPage).toContain('Too many failed attempts');
  const signInAfter = await typePassword('ada', password);
  expect(signInAfter.lastStatus).toBe(403);
  const again = await resetFromSignIn(rp, 'ada');
  expect(again.browser.lastStatus).toBe(403);
});

test('an admin-disabled person verified by TOTP sees what anyone sees, and stays disabled', async () => {
  const mails = started.mail.messages.length;
  const flow = await resetFromSignIn(rp, 'dora');
  await flow.browser.submit(flow.browser.formAction('/reset/verify'), { code: await totpCode('DORA') });
  expect(flow.browser.lastPage).toContain('it is open again');
  const dora = await started.services.persons.show('DORA');
  expect(dora.enabled).toBe(false);
  // Nothing was done, so nothing is told or recorded.
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(started.mail.messages.slice(mails).filter((m) => m.to.includes('dora@example.com'))).toHaveLength(0);
  expect((await started.services.audit.list({ entityId: dora.sub })).map((entry) => entry.action)).not.toContain('account-re-enabled');
  expect((await typePassword('dora', password)).lastStatus).toBe(401);
});

test('unknown, disabled and channel-less user IDs get the page a known one gets, nothing is sent, and the same limits', async () => {
  const mails = started.mail.messages.length;
  const pages: Record<string, string> = {};
  for (const userId of ['pablo', 'nobody-here', 'pilar', 'paco']) {
    const flow = await resetFromSignIn(rp, userId, new FormBrowser(redirectUri));
    pages[userId] = pageShape(flow.browser.lastPage);
    expect(flow.browser.lastStatus).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i += 1) {
      await flow.browser.submit(flow.browser.formAction('/reset/verify'), { code: '123456' });
      statuses.push(flow.browser.lastStatus);
    }
    expect({ userId, statuses }).toEqual({ userId, statuses: [401, 401, 429, 429] });
  }
  expect(pages['nobody-here']).toBe(pages.pablo);
  expect(pages.pilar).toBe(pages.pablo);
  expect(pages.paco).toBe(pages.pablo);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const sentTo = started.mail.messages.slice(mails).flatMap((m) => m.to);
  expect(sentTo).toEqual(['pablo@example.com']);
  expect((await started.services.persons.show('PILAR')).enabled).toBe(false);
});

test('a reset form posted without the page\'s token, or from another origin, or without the reset cookie, changes nothing', async () => {
  const flow = await resetFromSignIn(rp, 'pablo', new FormBrowser(redirectUri));
  const action = flow.browser.formAction('/reset/verify');
  await flow.browser.submit(action, { code: '000000' }, { withHiddenFields: false });
  expect(flow.browser.lastStatus).toBe(403);
  await flow.browser.open(new URL('/reset/step', flow.browser.lastUrl).toString());
  await flow.browser.submit(action, { code: '000000' }, { origin: 'https://evil.example' });
  expect(flow.browser.lastStatus).toBe(403);
  const stranger = new FormBrowser(redirectUri);
  await stranger.open(new URL('/reset/step', flow.browser.lastUrl).toString());
  expect(stranger.lastPage).toContain('expired');
});
