import { generate } from 'otplib';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { landAtCallback, launchBrowser, screenshot, screenshotDir, startCallbackListener } from '../support/browser.ts';
import { decodeQrPng } from '../support/decodeQrPng.ts';
import { startAuthorization } from '../support/relyingParty.ts';
import { openTestServices } from '../support/testGatehouse.ts';
import { addRelyingParty, startMailedGatehouse } from '../support/mailedGatehouse.ts';

let started: Awaited<ReturnType<typeof startMailedGatehouse>>;
let mail: Awaited<ReturnType<typeof startMailedGatehouse>>['mail'];
let gatehouse: Awaited<ReturnType<typeof startMailedGatehouse>>['gatehouse'];
let services: Awaited<ReturnType<typeof openTestServices>>;
let callback: Awaited<ReturnType<typeof startCallbackListener>>;
let browser: Browser;
let rp: oidc.Configuration;
const password = 'correct horse battery';
const actor = { kind: 'cli', id: 'test' } as const;

beforeAll(async () => {
  browser = await launchBrowser();
  callback = await startCallbackListener();
  started = await startMailedGatehouse();
  ({ mail, gatehouse, services } = started);
  rp = await addRelyingParty(started, callback.redirectUri);
  await services.classes.add({
    name: 'TOTP', mfa_device: 'S', no_screen_channel: 'E', allow_otp_instead_of_totp: 'N', question_count: 0, max_retries: 3, wait_seconds: 60,
    factors: { MFA: { TOTP: 1 } },
  });
  await services.persons.add({ name: 'REGINA', default_user_id: 'regina', class: 'TOTP', password, email: 'regina@example.com' });
  await services.persons.add({ name: 'LATE', default_user_id: 'late', class: 'TOTP', password, email: 'late@example.com' });
});

afterAll(async () => {
  await browser?.close();
  await callback?.close();
  await started?.stop();
});

/** The newest registration link mailed to `to`, with quoted-printable soft breaks and `=3D` undone. */
function linkTo(to: string): string {
  const message = mail.messages.filter((m) => m.to.includes(to)).at(-1);
  if (!message) throw new Error(`no mail to ${to}`);
  const text = message.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const match = /(http:\/\/127\.0\.0\.1:\d+\/register\/[A-Za-z0-9_-]+)/.exec(text);
  if (!match) throw new Error(`no link in:\n${text}`);
  return match[1]!;
}

/** An authorization request (PKCE S256, state, nonce) that lands on the callback listener. */
const authorizationRequest = () => startAuthorization(rp, { redirect_uri: callback.redirectUri });

let registrationUrl: string;

test('(a) the mailed link opens in a real browser; the QR code read from a screenshot gives the key; one code activates it; then sign-in with the next code on one screen gives amr otp', async () => {
  await services.totpKeys.create('REGINA', {}, { actor, email: true });
  registrationUrl = linkTo('regina@example.com');
  expect(registrationUrl.startsWith(`${gatehouse.issuer}/register/`)).toBe(true);

  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  const response = await page.goto(registrationUrl);
  expect(response!.status()).toBe(200);
  await screenshot(page, 'registration-desktop');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'registration-phone');
  await page.setViewportSize({ width: 1000, height: 900 });

  // Read the QR code as a phone camera would: from pixels, not from the page's HTML.
  const qr = page.locator('p.qr img');
  const qrPng = await qr.screenshot({ path: `${screenshotDir}/registration-qr.png` });
  const uri = decodeQrPng(qrPng);
  expect(uri).toMatch(/^otpauth:\/\/totp\//);
  const parsed = new URL(uri!);
  const secret = parsed.searchParams.get('secret')!;
  const algorithm = (parsed.searchParams.get('algorithm') ?? 'SHA1').toLowerCase() as 'sha1' | 'sha256' | 'sha512';
  const digits = Number(parsed.searchParams.get('digits') ?? 6) as 6 | 8;
  const period = Number(parsed.searchParams.get('period') ?? 30);
  expect(secret).toMatch(/^[A-Z2-7]+=*$/);
  // The key typed on the page is the one in the QR code.
  expect((await page.textContent('[data-testid="totp-key"]'))!.replace(/\s/g, '')).toBe(secret.replace(/=+$/, ''));

  // Confirm with a code well inside its time step, so that the sign-in below runs in this step or the next.
  const secondsLeft = period - (Math.floor(Date.now() / 1000) % period);
  if (secondsLeft < 6) await new Promise((resolve) => setTimeout(resolve, secondsLeft * 1000 + 200));
  const confirmStep = Math.floor(Date.now() / 1000 / period);
  await page.fill('#code', await generate({ secret, algorithm, digits, period, epoch: confirmStep * period }));
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"].primary')]);
  await page.waitForSelector('text=Your authenticator app is set up');
  expect(await page.textContent('body')).toContain('Your emergency tokens are now active');
  await screenshot(page, 'registration-done');
  const { sub } = await services.persons.show('REGINA');
  expect(services.totp.keyState((await services.persons.findBySub(sub))!)).toBe('active');

  // Sign in at a relying party in the same browser: the confirmation's step is used, so take the next one (one step of drift is accepted).
  const request = await authorizationRequest();
  await page.goto(request.url.toString());
  await page.waitForSelector('#username');
  await page.fill('#username', 'regina');
  await page.fill('#password', password);
  await page.fill('#code', await generate({ secret, algorithm, digits, period, epoch: (confirmStep + 1) * period }));
  await screenshot(page, 'registration-sign-in');
  const { landed, tokens } = await landAtCallback(page, 'button[type="submit"].primary', { rp, callback, request });
  expect(await page.textContent('body')).toBe('ok');
  expect(page.url()).toBe(landed);
  expect(tokens.claims()!.amr).toContain('otp');
  await context.close();
});

test('(c) the used link shows the generic "no longer valid" page (410) and no key', async () => {
  expect(registrationUrl).toBeDefined();
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  const response = await page.goto(registrationUrl);
  expect(response!.status()).toBe(410);
  const body = (await page.textContent('body'))!;
  expect(body).toContain('This link is no longer valid');
  expect(body).not.toContain('REGINA');
  expect(await page.locator('[data-testid="totp-key"]').count()).toBe(0);
  expect(await page.locator('img').count()).toBe(0);
  expect(await page.locator('#code').count()).toBe(0);
  await screenshot(page, 'registration-used');
  await context.close();
});

test('(c) an expired link shows the same page (410), no key, and leaves the key pending', async () => {
  await services.totpKeys.create('LATE', {}, { actor });
  const { sub } = await services.persons.show('LATE');
  const stored = (await services.persons.findBySub(sub))!;
  const expired = await services.registrationLinks.issue(sub, stored.totp!.keyId, Date.now() - 2 * 86_400_000);
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  const response = await page.goto(`${gatehouse.issuer}/register/${expired.token}`);
  expect(response!.status()).toBe(410);
  const body = (await page.textContent('body'))!;
  expect(body).toContain('This link is no longer valid');
  expect(body).not.toContain('LATE');
  expect(await page.locator('[data-testid="totp-key"]').count()).toBe(0);
  expect(await page.locator('img').count()).toBe(0);
  await screenshot(page, 'registration-expired');
  expect(services.totp.keyState((await services.persons.findBySub(sub))!)).toBe('pending');
  await context.close();
});
