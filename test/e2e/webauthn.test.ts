import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { webauthnRepository } from '../../src/store/repositories/webauthnRepository.ts';
import { landAtCallback, launchBrowser, screenshot, startCallbackListener } from '../support/browser.ts';
import { addRelyingParty, startMailedGatehouse } from '../support/mailedGatehouse.ts';
import { startAuthorization } from '../support/relyingParty.ts';
import { freePort } from '../support/testGatehouse.ts';
import { addVirtualAuthenticator, type VirtualCredential } from '../support/virtualAuthenticator.ts';

// Passkeys and security keys (Device Auth) in real Chromium with its CDP virtual
// authenticator (ctap2, internal, user verification): registered on the account page,
// then a relying party's sign-in with password + passkey; a cloned credential, another
// person's credential and a replayed answer refused; the last factor not removable.
// WebAuthn takes no IP address as the relying party ID: the issuer is http://localhost.

let started: Awaited<ReturnType<typeof startMailedGatehouse>>;
let callback: Awaited<ReturnType<typeof startCallbackListener>>;
let browser: Browser;
let rp: oidc.Configuration;
let issuer: string;
const password = 'correct horse battery';
let selmaCredential: VirtualCredential;

beforeAll(async () => {
  browser = await launchBrowser();
  callback = await startCallbackListener();
  const port = await freePort();
  started = await startMailedGatehouse({ port, issuer: `http://localhost:${port}` });
  issuer = started.gatehouse.issuer;
  rp = await addRelyingParty(started, callback.redirectUri, 'app', { client_name: 'Rota' });
  const { services } = started;
  await services.classes.add({ name: 'KEYFIRST', mfa_device: 'E', no_screen_channel: 'E', allow_otp_instead_of_totp: 'N', question_count: 0, max_retries: 5, wait_seconds: 60, factors: { MFA: { DeviceAuth: 1, OTP: 2 } } });
  await services.classes.add({ name: 'KEYONLY', mfa_device: 'E', no_screen_channel: 'E', allow_otp_instead_of_totp: 'N', question_count: 0, max_retries: 5, wait_seconds: 60, factors: { MFA: { DeviceAuth: 1 } } });
  await services.persons.add({ name: 'SELMA', default_user_id: 'selma', first_name: 'Selma', class: 'KEYFIRST', password, email: 'selma@example.com' });
  await services.persons.add({ name: 'ENZO', default_user_id: 'enzo', first_name: 'Enzo', class: 'KEYFIRST', password, email: 'enzo@example.com' });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await callback?.close();
  await started?.stop();
});

const sub = async (name: string) => (await started.services.persons.show(name)).sub;
const lastMailTo = (to: string) => started.mail.messages.filter((m) => m.to.includes(to)).at(-1)?.raw ?? '';

async function typePassword(page: Page, username: string) {
  await page.waitForSelector('#username');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"].primary')]);
}

/** A fresh browser with a virtual authenticator holding `credential`, at a relying party's sign-in past the password. */
async function atPasskeyStep(username: string, credential: VirtualCredential) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  const authenticator = await addVirtualAuthenticator(context, page);
  const request = await startAuthorization(rp, { redirect_uri: callback.redirectUri });
  await page.goto(request.url.toString());
  await typePassword(page, username);
  // Only now: a virtual authenticator answers the sign-in page's passkey autofill by itself (passkeyFirst.test.ts).
  await authenticator.addCredential(credential);
  await page.waitForSelector('input[data-webauthn="authenticate"]', { state: 'attached' });
  return { context, page, request, authenticator };
}

test('a person adds a passkey on the account page (named, listed, the notice mailed), and signs in at a relying party with password and passkey: amr hwk and user', async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  const authenticator = await addVirtualAuthenticator(context, page);
  await page.goto(`${issuer}/account`);
  await typePassword(page, 'selma');
  // No passkey yet: the class's next factor, an email code, signs her in.
  await page.waitForSelector('#code');
  await page.fill('#code', started.mail.lastCodeTo('selma@example.com')!);
  await Promise.all([page.waitForURL(`${issuer}/account`), page.click('button[type="submit"].primary')]);
  await page.waitForSelector('[data-testid="passkeys-section"]');
  expect(await page.textContent('[data-testid="passkeys-section"]')).toContain('You have no passkey or security key');
  await screenshot(page, 'webauthn-account-none');

  await Promise.all([page.waitForURL(`${issuer}/account/passkeys/new`), page.click('text=Add a passkey or security key')]);
  await page.fill('#passkey-name', 'Work laptop');
  await screenshot(page, 'webauthn-add');
  await Promise.all([page.waitForURL(`${issuer}/account?passkeyAdded=1`), page.click('button[type="submit"].primary')]);
  expect(await page.textContent('[data-testid="passkey-row"]')).toContain('Work laptop');
  expect(await page.textContent('[data-testid="passkey-row"]')).toContain('Never');
  await screenshot(page, 'webauthn-account-added');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'webauthn-account-added-phone');
  expect(lastMailTo('selma@example.com')).toContain('passkey or security key was added');

  const stored = await webauthnRepository(started.services.store.connection).credentialsOf(await sub('SELMA'));
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatchObject({ name: 'Work laptop', personId: await sub('SELMA') });
  selmaCredential = (await authenticator.credentials())[0]!;
  expect(selmaCredential.credentialId.replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_')).toBe(stored[0]!._id);
  await context.close();

  const signIn = await atPasskeyStep('selma', selmaCredential);
  expect(await signIn.page.textContent('body')).toContain('Use your passkey or security key');
  await screenshot(signIn.page, 'webauthn-sign-in-step');
  const { tokens } = await landAtCallback(signIn.page, 'button[type="submit"].primary', { rp, callback, request: signIn.request });
  expect(tokens.claims()!.amr).toEqual(['pwd', 'hwk', 'user', 'mfa']);
  selmaCredential = (await signIn.authenticator.credentials())[0]!;
  const used = (await webauthnRepository(started.services.store.connection).credentialsOf(await sub('SELMA')))[0]!;
  expect(used.counter).toBe(selmaCredential!.signCount);
  expect(used.counter).toBeGreaterThan(0);
  expect(used.lastUsedAt).toBeInstanceOf(Date);
  await signIn.context.close();
}, 90_000);

test('a cloned credential whose signature counter is below the stored one is refused, and the admin is told in the audit log', async () => {
  const { context, page } = await atPasskeyStep('selma', { ...selmaCredential, signCount: 0 });
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"].primary')]);
  await page.waitForSelector('p.alert[role="alert"]:not([hidden])');
  expect(await page.textContent('body')).toContain('This passkey or security key was not accepted');
  expect(await page.isVisible('text=Try another way')).toBe(true);
  await screenshot(page, 'webauthn-cloned-refused');
  const entries = await started.services.audit.list({ entity: 'person', entityId: await sub('SELMA') });
  expect(entries.some((entry) => entry.action === 'webauthn-counter-regressed')).toBe(true);
  await context.close();
}, 60_000);

test("another person's credential is refused even when the browser offers it", async () => {
  // Enzo has a passkey of his own (so his step is Device Auth), but his browser holds only Selma's.
  const enzo = await sub('ENZO');
  const repository = webauthnRepository(started.services.store.connection);
  await repository.add({ _id: 'enzo-key', personId: enzo, publicKey: 'AA', counter: 0, transports: [], aaguid: '00000000-0000-0000-0000-000000000000', name: 'Enzo key', deviceType: 'singleDevice', backedUp: false, createdAt: new Date() });
  const { context, page } = await atPasskeyStep('enzo', { ...selmaCredential, signCount: selmaCredential.signCount + 10 });
  // Let the browser offer any passkey it holds (a discoverable credential), not only Enzo's.
  const field = page.locator('input[data-webauthn="authenticate"]');
  const options = JSON.parse((await field.getAttribute('data-webauthn-options'))!);
  await field.evaluate((input, value) => input.setAttribute('data-webauthn-options', value), JSON.stringify({ ...options, allowCredentials: [] }));
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"].primary')]);
  await page.waitForSelector('p.alert[role="alert"]:not([hidden])');
  expect(await page.textContent('body')).toContain('This passkey or security key was not accepted');
  const selmas = (await repository.credentialsOf(await sub('SELMA')))[0]!;
  expect(selmas.counter).toBeLessThan(selmaCredential.signCount + 10);
  await context.close();
}, 60_000);

test('an answer used once is refused the second time: the posted form, verified, then posted again by the page', async () => {
  const { context, page } = await atPasskeyStep('selma', { ...selmaCredential, signCount: selmaCredential.signCount + 20 });
  const options = JSON.parse((await page.getAttribute('input[data-webauthn="authenticate"]', 'data-webauthn-options'))!);
  let posted = '';
  await page.route('**/verify', async (route) => {
    posted = new URLSearchParams(route.request().postData() ?? '').get('webauthnResponse') ?? '';
    // The same answer verified first (by the factor, on the same database): it claims the challenge.
    const person = (await started.services.persons.findBySub(await sub('SELMA')))!;
    const first = await started.services.webauthn.authentication.verify(person, { challenge: options.challenge, options }, posted, Date.now());
    expect(first).toEqual({ outcome: 'success', amr: ['hwk', 'user'] });
    await route.continue();
  });
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"].primary')]);
  await page.waitForSelector('p.alert[role="alert"]:not([hidden])');
  expect(posted).toContain('"type":"public-key"');
  expect(await page.textContent('body')).toContain('This passkey or security key was not accepted');
  await screenshot(page, 'webauthn-replay-refused');
  await context.close();
}, 60_000);

test('removing the last way to sign in is refused; renaming works; with an email code still usable it can be removed', async () => {
  await started.services.persons.update('SELMA', { class: 'KEYONLY' });
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  const authenticator = await addVirtualAuthenticator(context, page);
  await page.goto(`${issuer}/account`);
  await typePassword(page, 'selma');
  await authenticator.addCredential({ ...selmaCredential, signCount: selmaCredential.signCount + 30 });
  await page.waitForSelector('input[data-webauthn="authenticate"]', { state: 'attached' });
  await Promise.all([page.waitForURL(`${issuer}/account`), page.click('button[type="submit"].primary')]);
  await page.waitForSelector('[data-testid="passkey-row"]');
  await Promise.all([page.waitForLoadState('load'), page.click('[data-testid="passkey-row"] button.danger')]);
  expect(await page.textContent('p.alert')).toContain('You need this passkey or security key to sign in');
  expect(await webauthnRepository(started.services.store.connection).credentialsOf(await sub('SELMA'))).toHaveLength(1);
  await screenshot(page, 'webauthn-remove-refused');

  await page.fill('[data-testid="passkey-row"] input[name="name"]', 'Old laptop');
  await Promise.all([page.waitForURL(`${issuer}/account?passkeyRenamed=1`), page.click('[data-testid="passkey-row"] button.secondary')]);
  expect(await page.textContent('[data-testid="passkey-row"]')).toContain('Old laptop');

  await started.services.persons.update('SELMA', { class: 'KEYFIRST' });
  await Promise.all([page.waitForURL(`${issuer}/account?passkeyRemoved=1`), page.click('[data-testid="passkey-row"] button.danger')]);
  expect(await page.textContent('[data-testid="passkeys-section"]')).toContain('You have no passkey or security key');
  expect(lastMailTo('selma@example.com')).toContain('passkey or security key was removed');
  await screenshot(page, 'webauthn-removed');
  await context.close();
}, 90_000);
