import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot } from '../support/browser.ts';
import { startMailedGatehouse } from '../support/mailedGatehouse.ts';
import { seedPasskey } from '../support/seededPasskey.ts';
import { freePort } from '../support/testGatehouse.ts';
import { addVirtualAuthenticator } from '../support/virtualAuthenticator.ts';

// A password reset verified by the class's P-R factors (verify by M) with a passkey: the
// reset pages use the factor's own step, as the sign-in does. In real Chromium with its
// CDP virtual authenticator; the issuer is http://localhost (WebAuthn takes no IP RP ID).

let started: Awaited<ReturnType<typeof startMailedGatehouse>>;
let browser: Browser;
let issuer: string;
const newPassword = 'violet kettle sunrise';

beforeAll(async () => {
  browser = await launchBrowser();
  const port = await freePort();
  started = await startMailedGatehouse({ port, issuer: `http://localhost:${port}` });
  issuer = started.gatehouse.issuer;
  const { services } = started;
  await services.classes.add({
    name: 'KEYRESET', mfa_device: 'E', no_screen_channel: 'E', allow_otp_instead_of_totp: 'N', question_count: 0, max_retries: 3, wait_seconds: 60,
    factors: { MFA: { DeviceAuth: 1 }, 'P-R': { DeviceAuth: 1 } },
    password_reset: { verify_by: 'M', new_password_by: 'N', reset_by: '1' },
  });
  await services.persons.add({ name: 'PIA', default_user_id: 'pia', first_name: 'Pia', class: 'KEYRESET', password: 'forgotten password here', email: 'pia@example.com' });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await started?.stop();
});

test('forgot password → the passkey proves who it is → a new password typed twice; a cloned passkey is refused there too', async () => {
  const sub = (await started.services.persons.show('PIA')).sub;
  const credential = await seedPasskey(started.services.store.connection, sub, 'localhost');
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  const authenticator = await addVirtualAuthenticator(context, page);
  await authenticator.addCredential(credential);

  await page.goto(`${issuer}/reset`);
  await page.fill('#username', 'pia');
  await Promise.all([page.waitForLoadState('load'), page.click('button.primary')]);
  await page.waitForSelector('input[data-webauthn="authenticate"]', { state: 'attached' });
  expect(await page.textContent('main')).toContain('Use your passkey or security key');
  await screenshot(page, 'passkey-reset-step');
  await Promise.all([page.waitForLoadState('load'), page.click('button.primary')]);
  await page.waitForSelector('#confirm');
  await page.fill('#password', newPassword);
  await page.fill('#confirm', newPassword);
  await Promise.all([page.waitForLoadState('load'), page.click('button.primary')]);
  await screenshot(page, 'passkey-reset-done');
  await context.close();

  expect(await started.services.persons.authenticate('pia', newPassword)).toMatchObject({ _id: sub });
  expect(await started.services.persons.authenticate('pia', 'forgotten password here')).toBeUndefined();

  // The same key with its counter back at 0 (a copy): the reset's step refuses it, and the audit says why.
  const copy = await browser.newContext();
  const copyPage = await copy.newPage();
  await (await addVirtualAuthenticator(copy, copyPage)).addCredential(credential);
  await copyPage.goto(`${issuer}/reset`);
  await copyPage.fill('#username', 'pia');
  await Promise.all([copyPage.waitForLoadState('load'), copyPage.click('button.primary')]);
  await copyPage.waitForSelector('input[data-webauthn="authenticate"]', { state: 'attached' });
  await Promise.all([copyPage.waitForLoadState('load'), copyPage.click('button.primary')]);
  await copyPage.waitForSelector('p.alert[role="alert"]:not([hidden])');
  expect(await copyPage.textContent('main')).toContain('This passkey or security key was not accepted');
  expect(await copyPage.isVisible('#confirm')).toBe(false);
  const entries = await started.services.audit.list({ entity: 'person', entityId: sub });
  expect(entries.some((entry) => entry.action === 'webauthn-counter-regressed')).toBe(true);
  await copy.close();
}, 90_000);
