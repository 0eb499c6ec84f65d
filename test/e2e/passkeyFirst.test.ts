import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { acrValues } from '../../src/oidc/acr.ts';
import { webauthnRepository } from '../../src/store/repositories/webauthnRepository.ts';
import { launchBrowser, screenshot, startCallbackListener } from '../support/browser.ts';
import { addRelyingParty, startMailedGatehouse } from '../support/mailedGatehouse.ts';
import { startAuthorization } from '../support/relyingParty.ts';
import { seedPasskey } from '../support/seededPasskey.ts';
import { freePort } from '../support/testGatehouse.ts';
import { addVirtualAuthenticator, type VirtualCredential } from '../support/virtualAuthenticator.ts';

// "Sign in with a passkey" before any user ID is typed, in real Chromium with its CDP
// virtual authenticator: by the user ID field's autofill (conditional mediation, which the
// virtual authenticator answers by itself) and by the button; a passkey with user
// verification stands for the password and the second factor of a class whose MFA list
// has Device Auth (amr hwk user mfa, no pwd). Refused: a class without Device Auth, no
// user verification, a disabled person, an answer made for another sign-in.

let started: Awaited<ReturnType<typeof startMailedGatehouse>>;
let callback: Awaited<ReturnType<typeof startCallbackListener>>;
let browser: Browser;
let rp: oidc.Configuration;
let rpId: string;
const passkeys: Record<string, VirtualCredential> = {};

beforeAll(async () => {
  browser = await launchBrowser();
  callback = await startCallbackListener();
  const port = await freePort();
  started = await startMailedGatehouse({ port, issuer: `http://localhost:${port}` });
  rpId = 'localhost';
  rp = await addRelyingParty(started, callback.redirectUri, 'app', { client_name: 'Rota' });
  const { services } = started;
  const common = { mfa_device: 'E', no_screen_channel: 'E', allow_otp_instead_of_totp: 'N', question_count: 0, max_retries: 3, wait_seconds: 60 } as const;
  await services.classes.add({ name: 'KEYFIRST', ...common, factors: { MFA: { DeviceAuth: 1, OTP: 2 } } });
  await services.classes.add({ name: 'CODEONLY', ...common, factors: { MFA: { OTP: 1 } } });
  for (const [name, className] of [['LUCA', 'KEYFIRST'], ['MIRA', 'CODEONLY'], ['DORA', 'KEYFIRST']] as const) {
    const person = await services.persons.add({ name, default_user_id: name.toLowerCase(), first_name: name, class: className, password: 'correct horse battery', email: `${name.toLowerCase()}@example.com` });
    passkeys[name] = await seedPasskey(services.store.connection, person.sub, rpId);
  }
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await callback?.close();
  await started?.stop();
});

const sub = async (name: string) => (await started.services.persons.show(name)).sub;
const callbacksNow = () => callback.received.filter((url) => url.startsWith(`${callback.redirectUri}?`)).length;

/** A fresh browser at the relying party's sign-in page, its virtual authenticator holding `credential` (added after the page, when `afterLoad`). */
async function atSignIn(credential: VirtualCredential, options: { isUserVerified?: boolean; /** A browser whose autofill offers no passkeys (only the button does). */ noAutofill?: boolean; parameters?: Record<string, string> } = {}) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  // (A real browser's autofill waits for the person to choose; the virtual authenticator answers by itself, again after each refusal.)
  if (options.noAutofill) await page.addInitScript(() => Object.defineProperty((globalThis as unknown as { PublicKeyCredential: object }).PublicKeyCredential, 'isConditionalMediationAvailable', { value: async () => false }));
  const authenticator = await addVirtualAuthenticator(context, page, { isUserVerified: options.isUserVerified ?? true });
  await authenticator.addCredential(credential);
  const request = await startAuthorization(rp, { redirect_uri: callback.redirectUri, ...options.parameters });
  const waitForCallback = page.waitForURL((url) => url.toString().startsWith(callback.redirectUri), { timeout: 20_000 });
  waitForCallback.catch(() => {});
  await page.goto(request.url.toString());
  return { context, page, request, authenticator, waitForCallback };
}

async function tokensAt(request: Awaited<ReturnType<typeof startAuthorization>>) {
  const landed = callback.received.findLast((url) => url.startsWith(`${callback.redirectUri}?`))!;
  return oidc.authorizationCodeGrant(rp, new URL(landed), { pkceCodeVerifier: request.codeVerifier, expectedState: request.state, expectedNonce: request.nonce });
}

async function refusal(page: Page) {
  await page.waitForSelector('p.alert[role="alert"]:not([hidden])');
  return (await page.textContent('p.alert[role="alert"]:not([hidden])'))!.trim();
}

test('the user ID field offers the passkey (autofill); choosing it signs in at the relying party with amr hwk user mfa and no password', async () => {
  const before = (await started.services.persons.findBySub(await sub('LUCA')))!.lastUsed;
  const { context, request, waitForCallback, authenticator } = await atSignIn(passkeys.LUCA!);
  await waitForCallback;
  const tokens = await tokensAt(request);
  const claims = tokens.claims()!;
  expect(claims.sub).toBe(await sub('LUCA'));
  expect(claims.amr).toEqual(['hwk', 'user', 'mfa']);
  expect(claims.acr).toBe(acrValues.mfa);
  const [stored] = await webauthnRepository(started.services.store.connection).credentialsOf(await sub('LUCA'));
  expect(stored!.counter).toBeGreaterThan(0);
  expect(stored!.lastUsedAt).toBeInstanceOf(Date);
  const after = (await started.services.persons.findBySub(await sub('LUCA')))!.lastUsed;
  expect(after?.getTime() ?? 0).toBeGreaterThan(before?.getTime() ?? 0);
  // No email code was sent: the passkey was the second factor too.
  expect(started.mail.messages.some((m) => m.to.includes('luca@example.com'))).toBe(false);
  passkeys.LUCA = (await authenticator.credentials())[0]!;
  await context.close();
}, 60_000);

test('"Sign in with a passkey": in a browser whose autofill offers no passkeys, the button signs in the same way', async () => {
  const { context, page, request, waitForCallback, authenticator } = await atSignIn(passkeys.LUCA!, { noAutofill: true });
  await page.waitForSelector('[data-passkey-first]:not([hidden])');
  expect(await page.getAttribute('#username', 'autocomplete')).toBe('username webauthn');
  await screenshot(page, 'passkey-first-sign-in');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'passkey-first-sign-in-phone');
  await page.click('text=Sign in with a passkey');
  await waitForCallback;
  const tokens = await tokensAt(request);
  expect(tokens.claims()!.amr).toEqual(['hwk', 'user', 'mfa']);
  passkeys.LUCA = (await authenticator.credentials())[0]!;
  await context.close();
}, 60_000);

test('refused, with no code issued: a class whose MFA list has no Device Auth, a disabled person, an authenticator that did not verify the user', async () => {
  const start = callbacksNow();
  const mira = await atSignIn(passkeys.MIRA!, { noAutofill: true });
  await mira.page.click('text=Sign in with a passkey');
  expect(await refusal(mira.page)).toContain('does not sign in with a passkey alone');
  await screenshot(mira.page, 'passkey-first-not-enough');
  // The password form is still there and works as before.
  expect(await mira.page.isVisible('#password')).toBe(true);
  await mira.context.close();

  await started.services.persons.update('DORA', { enabled: false });
  const dora = await atSignIn(passkeys.DORA!, { noAutofill: true });
  await dora.page.click('text=Sign in with a passkey');
  expect(await refusal(dora.page)).toContain('That passkey could not sign you in');
  await dora.context.close();
  await started.services.persons.update('DORA', { enabled: true });

  const luca = await atSignIn(passkeys.LUCA!, { isUserVerified: false, noAutofill: true });
  await luca.page.click('text=Sign in with a passkey');
  // The browser itself will not use an authenticator that cannot verify the user when the options require it.
  expect(await refusal(luca.page)).toContain('No passkey was used');
  await screenshot(luca.page, 'passkey-first-cancelled');
  // Options altered in the page to let it sign without user verification: Gatehouse refuses the answer and counts it.
  const field = luca.page.locator('input[data-webauthn="discover"]');
  const options = JSON.parse((await field.getAttribute('data-webauthn-options'))!);
  await field.evaluate((input, value) => input.setAttribute('data-webauthn-options', value), JSON.stringify({ ...options, userVerification: 'discouraged' }));
  await Promise.all([luca.page.waitForLoadState('load'), luca.page.click('text=Sign in with a passkey')]);
  expect(await refusal(luca.page)).toContain('That passkey could not sign you in');
  const status = await started.services.attempts.status(await sub('LUCA'), 'DeviceAuth', { maxRetries: 3, waitSeconds: 60 });
  expect(status).toMatchObject({ locked: false, failures: 1 });
  await luca.context.close();
  expect(callbacksNow()).toBe(start);
}, 90_000);

test("an answer made for one sign-in is refused at another; a passkey-first sign-in that is not enough for elevated access is refused", async () => {
  // The first sign-in's answer is caught before it reaches Gatehouse.
  const first = await atSignIn({ ...passkeys.DORA!, signCount: 1 }, { noAutofill: true });
  await first.page.route('**/passkey', (route) => route.abort());
  await first.page.waitForSelector('[data-passkey-first]:not([hidden])');
  const [posted] = await Promise.all([first.page.waitForRequest('**/passkey'), first.page.click('text=Sign in with a passkey')]);
  const answer = new URLSearchParams(posted.postData() ?? '').get('webauthnResponse') ?? '';
  expect(answer).toContain('"type":"public-key"');
  await first.context.close();

  const second = await atSignIn({ ...passkeys.DORA!, signCount: 2 }, { noAutofill: true });
  await second.page.waitForSelector('[data-passkey-first]:not([hidden])');
  await Promise.all([
    second.page.waitForLoadState('load'),
    second.page.locator('input[data-webauthn="discover"]').evaluate((field, value) => {
      const input = field as unknown as { value: string; form: { submit(): void } };
      input.value = value;
      input.form.submit();
    }, answer),
  ]);
  expect(await refusal(second.page)).toContain('That passkey could not sign you in');
  await second.context.close();

  // Elevated access asked for, and DORA's class has no AOD factor but its MFA one: the passkey is what it asks.
  await started.services.classes.update('KEYFIRST', { factors: { MFA: { DeviceAuth: 1, OTP: 2 }, AOD: { OTP: 1 } } });
  const elevated = await atSignIn({ ...passkeys.DORA!, signCount: 3 }, { noAutofill: true, parameters: { acr_values: acrValues.elevated } });
  await elevated.page.click('text=Sign in with a passkey');
  expect(await refusal(elevated.page)).toContain('does not sign in with a passkey alone');
  await elevated.context.close();
  await started.services.classes.update('KEYFIRST', { factors: { MFA: { DeviceAuth: 1, OTP: 2 } } });
}, 90_000);
