import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { webauthnRepository } from '../../src/store/repositories/webauthnRepository.ts';
import { landAtCallback, launchBrowser, screenshot, startCallbackListener } from '../support/browser.ts';
import { addRelyingParty, startMailedGatehouse } from '../support/mailedGatehouse.ts';
import { startAuthorization } from '../support/relyingParty.ts';
import { freePort } from '../support/testGatehouse.ts';
import { addVirtualAuthenticator } from '../support/virtualAuthenticator.ts';

// A passkey offered during sign-in, in real Chromium with its CDP virtual authenticator:
// a person of a class with MFA "DeviceAuth 1, OTP 2" and no passkey signs in at a relying
// party with password + emailed code, is offered a passkey (the class ranks it above the
// code), adds it and reaches the application; the next sign-in asks for the passkey
// (amr hwk). "Not now" goes on to the application without one. The issuer is
// http://localhost: WebAuthn takes no IP address as the relying party ID.

let started: Awaited<ReturnType<typeof startMailedGatehouse>>;
let callback: Awaited<ReturnType<typeof startCallbackListener>>;
let browser: Browser;
let rp: oidc.Configuration;
let issuer: string;
const password = 'correct horse battery';

beforeAll(async () => {
  browser = await launchBrowser();
  callback = await startCallbackListener();
  const port = await freePort();
  started = await startMailedGatehouse({ port, issuer: `http://localhost:${port}` });
  issuer = started.gatehouse.issuer;
  rp = await addRelyingParty(started, callback.redirectUri, 'app', { client_name: 'Rota' });
  const { services } = started;
  await services.classes.add({ name: 'KEYFIRST', mfa_device: 'E', no_screen_channel: 'E', allow_otp_instead_of_totp: 'N', question_count: 0, max_retries: 5, wait_seconds: 60, factors: { MFA: { DeviceAuth: 1, OTP: 2 } } });
  await services.persons.add({ name: 'NORA', default_user_id: 'nora', first_name: 'Nora', class: 'KEYFIRST', password, email: 'nora@example.com' });
  await services.persons.add({ name: 'OSCAR', default_user_id: 'oscar', first_name: 'Oscar', class: 'KEYFIRST', password, email: 'oscar@example.com' });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await callback?.close();
  await started?.stop();
});

const sub = async (name: string) => (await started.services.persons.show(name)).sub;
const credentialsOf = async (name: string) => webauthnRepository(started.services.store.connection).credentialsOf(await sub(name));
const lastMailTo = (to: string) => started.mail.messages.filter((m) => m.to.includes(to)).at(-1)?.raw ?? '';

/** A fresh browser with a virtual authenticator, at a relying party's sign-in, past the password. */
async function signInWithPassword(username: string) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  const authenticator = await addVirtualAuthenticator(context, page);
  const request = await startAuthorization(rp, { redirect_uri: callback.redirectUri });
  await page.goto(request.url.toString());
  await page.waitForSelector('#username');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"].primary')]);
  return { context, page, request, authenticator };
}

/** The emailed code typed: the class's second factor passed, on to what follows. */
async function typeEmailedCode(page: Page, email: string) {
  await page.waitForSelector('#code');
  await page.fill('#code', started.mail.lastCodeTo(email)!);
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"].primary')]);
}

test('without a passkey, the emailed code is followed by the offer of one: added under the name typed, then the application; the next sign-in asks for it (amr hwk)', async () => {
  const { context, page, request, authenticator } = await signInWithPassword('nora');
  await typeEmailedCode(page, 'nora@example.com');

  // The offer: its options are data on the field (no inline script), the name prefilled.
  await page.waitForSelector('input[data-webauthn="register"]', { state: 'attached' });
  expect(await page.textContent('h1')).toBe('Add a passkey or security key');
  expect(await page.textContent('body')).toContain('Your verification was accepted');
  expect(await page.inputValue('#passkey-name')).toBe('Passkey');
  const options = JSON.parse((await page.getAttribute('input[data-webauthn="register"]', 'data-webauthn-options'))!);
  expect(options).toMatchObject({ rp: { id: new URL(issuer).hostname }, user: { name: 'nora' }, attestation: 'none' });
  expect(await page.locator('script:not([src])').count()).toBe(0);
  expect(await page.isVisible('text=Not now: continue to Rota')).toBe(true);
  await screenshot(page, 'webauthn-enrol-offer');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'webauthn-enrol-offer-phone');
  await page.setViewportSize({ width: 1000, height: 900 });
  expect(await credentialsOf('NORA')).toHaveLength(0);

  await page.fill('#passkey-name', 'Nora laptop');
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"].primary')]);
  await page.waitForSelector('text=Your passkey or security key is added');
  expect(await page.textContent('body')).toContain('Added as “Nora laptop”');
  await screenshot(page, 'webauthn-enrol-done');

  const stored = await credentialsOf('NORA');
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatchObject({ name: 'Nora laptop', personId: await sub('NORA') });
  expect(lastMailTo('nora@example.com')).toContain('passkey or security key was added');
  const audited = await started.services.audit.list({ entity: 'person', entityId: await sub('NORA') });
  expect(audited.some((entry) => entry.action === 'webauthn-added')).toBe(true);

  // On to the application with what was passed: password and the emailed code.
  const { tokens } = await landAtCallback(page, 'button[type="submit"].primary', { rp, callback, request });
  expect(tokens.claims()!.amr).toEqual(['pwd', 'otp', 'mfa']);
  const credential = (await authenticator.credentials())[0]!;
  await context.close();

  // Next time the passkey is the challenge.
  const next = await signInWithPassword('nora');
  await next.authenticator.addCredential(credential);
  await next.page.waitForSelector('input[data-webauthn="authenticate"]', { state: 'attached' });
  const second = await landAtCallback(next.page, 'button[type="submit"].primary', { rp, callback, request: next.request });
  expect(second.tokens.claims()!.amr).toEqual(['pwd', 'hwk', 'user', 'mfa']);
  await next.context.close();
}, 120_000);

test('"Not now" goes on to the application without a passkey, and the next sign-in offers it again', async () => {
  const { context, page, request } = await signInWithPassword('oscar');
  await typeEmailedCode(page, 'oscar@example.com');
  await page.waitForSelector('input[data-webauthn="register"]', { state: 'attached' });
  const { tokens } = await landAtCallback(page, 'text=Not now: continue to Rota', { rp, callback, request });
  expect(tokens.claims()!.amr).toEqual(['pwd', 'otp', 'mfa']);
  expect(await credentialsOf('OSCAR')).toHaveLength(0);
  await context.close();

  const again = await signInWithPassword('oscar');
  await typeEmailedCode(again.page, 'oscar@example.com');
  await again.page.waitForSelector('input[data-webauthn="register"]', { state: 'attached' });
  await again.context.close();
}, 90_000);

test('a name that will not do is refused with a clear message and nothing is kept; the challenge registers one credential only', async () => {
  const { context, page } = await signInWithPassword('oscar');
  await typeEmailedCode(page, 'oscar@example.com');
  await page.waitForSelector('input[data-webauthn="register"]', { state: 'attached' });
  // Only spaces: the browser's own check lets it through, the server does not.
  await page.fill('#passkey-name', '   ');
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"].primary')]);
  await page.waitForSelector('p.alert[role="alert"]:not([hidden])');
  expect(await page.textContent('p.alert[role="alert"]:not([hidden])')).toContain('Type a name of 1 to 60 characters');
  expect(await credentialsOf('OSCAR')).toHaveLength(0);
  await screenshot(page, 'webauthn-enrol-bad-name');

  // The same page again: a good name, and the answer the browser posts kept aside.
  const options = JSON.parse((await page.getAttribute('input[data-webauthn="register"]', 'data-webauthn-options'))!);
  let posted = '';
  await page.route('**/enrol', async (route) => {
    posted = new URLSearchParams(route.request().postData() ?? '').get('webauthnResponse') ?? '';
    await route.continue();
  });
  await page.fill('#passkey-name', 'Oscar phone');
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"].primary')]);
  await page.waitForSelector('text=Your passkey or security key is added');
  expect(await credentialsOf('OSCAR')).toHaveLength(1);
  // The challenge registered one credential: the same answer offered again is refused, nothing more kept.
  const person = (await started.services.persons.findBySub(await sub('OSCAR')))!;
  const replayed = await started.services.webauthn.confirmOfferedRegistration(person, { challenge: options.challenge, options, expiresAt: Date.now() + 60_000 }, posted, 'Again');
  expect(replayed).toEqual({ outcome: 'expired' });
  expect(await credentialsOf('OSCAR')).toHaveLength(1);
  await context.close();
}, 90_000);
