import type * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { landAtCallback, launchBrowser, screenshot, startCallbackListener } from '../support/browser.ts';
import { startMailedGatehouse } from '../support/mailedGatehouse.ts';
import { discoverRelyingParty, startAuthorization } from '../support/relyingParty.ts';
import { mailText, temporaryPasswordIn, waitFor } from '../support/resetSupport.ts';

// The whole E-verified reset in a real browser, from a relying party's sign-in and back:
// the email code, a temporary password by email, the forced change, the email code of the
// sign-in, and the relying party's tokens.

let started: Awaited<ReturnType<typeof startMailedGatehouse>>;
let callback: Awaited<ReturnType<typeof startCallbackListener>>;
let browser: Browser;
let rp: oidc.Configuration;
const newPassword = 'violet kettle sunrise';

beforeAll(async () => {
  browser = await launchBrowser();
  callback = await startCallbackListener();
  started = await startMailedGatehouse();
  const { services } = started;
  const { clientSecret } = await services.clients.add({ client_id: 'app', client_name: 'Expenses', redirect_uris: [callback.redirectUri], first_party: true });
  rp = await discoverRelyingParty(started.gatehouse.issuer, 'app', clientSecret);
  await services.classes.add({
    name: 'STAFF', mfa_device: 'E', no_screen_channel: 'E', question_count: 0, max_retries: 3, wait_seconds: 60,
    factors: { MFA: { OTP: 1 } },
    password_reset: { verify_by: 'E', new_password_by: 'E', reset_by: '1', must_change_minutes: 60 },
  });
  await services.persons.add({ name: 'ELENA', first_name: 'Elena', family_name: 'Ruiz', email: 'elena@example.com', class: 'STAFF', password: 'forgotten password here' });
});

afterAll(async () => {
  await browser?.close();
  await started?.stop();
  await callback?.close();
});

const newestMailTo = (address: string, after: number, match: (text: string) => boolean) =>
  waitFor(() => started.mail.messages.slice(after).map((m) => ({ to: m.to, text: mailText(m.raw) })).find((m) => m.to.includes(address) && match(m.text))?.text, `a mail to ${address}`);

test('forgot password → email code → temporary password by email → own password → email code → the app', async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  const request = await startAuthorization(rp, { redirect_uri: callback.redirectUri });
  await page.goto(request.url.toString());
  await Promise.all([page.waitForURL(/\/reset\?interaction=/), page.click('text=Forgot your password?')]);
  await screenshot(page, 'reset-start');
  let mails = started.mail.messages.length;
  await page.fill('#username', 'elena');
  await Promise.all([page.waitForLoadState('load'), page.click('button.primary')]);
  await page.waitForSelector('#code');
  const codeText = await newestMailTo('elena@example.com', mails, (text) => /reset code is \d{6}/.test(text));
  await screenshot(page, 'reset-code');
  await page.fill('#code', /reset code is (\d{6})/.exec(codeText)![1]!);
  mails = started.mail.messages.length;
  await Promise.all([page.waitForLoadState('load'), page.click('button.primary')]);
  expect(await page.textContent('main')).toContain('a temporary password is on its way to the email address');
  await screenshot(page, 'reset-done');
  const temporary = temporaryPasswordIn(await newestMailTo('elena@example.com', mails, (text) => temporaryPasswordIn(text) !== undefined))!;

  // Back at the app's sign-in, with the temporary password: the new-password page first.
  await Promise.all([page.waitForURL(/\/interaction\//), page.click('a.button.primary')]);
  await page.fill('#username', 'elena');
  await page.fill('#password', temporary);
  await Promise.all([page.waitForLoadState('load'), page.click('button.primary')]);
  expect(await page.textContent('h1')).toBe('Choose your own password');
  expect(await page.getAttribute('#password', 'autocomplete')).toBe('new-password');
  await page.fill('#password', newPassword);
  await page.fill('#confirm', 'not the same one');
  await Promise.all([page.waitForLoadState('load'), page.click('button.primary')]);
  expect(await page.textContent('[role="alert"]')).toContain('The two passwords are not the same.');
  await screenshot(page, 'reset-forced-change-mismatch');
  mails = started.mail.messages.length;
  await page.fill('#password', newPassword);
  await page.fill('#confirm', newPassword);
  await Promise.all([page.waitForLoadState('load'), page.click('button.primary')]);
  // The class's factor at sign-in, then the app.
  const signInCode = await newestMailTo('elena@example.com', mails, (text) => /\b\d{6}\b/.test(text) && !/reset/.test(text));
  await screenshot(page, 'reset-sign-in-code');
  await page.fill('#code', /\b(\d{6})\b/.exec(signInCode)![1]!);
  const { tokens } = await landAtCallback(page, 'button.primary', { rp, callback, request });
  expect(tokens.claims()!.amr).toEqual(expect.arrayContaining(['pwd', 'otp']));
  expect((await started.services.persons.show('ELENA')).temporary_password).toBeUndefined();
  await context.close();
});
