import { readFileSync } from 'node:fs';
import { generate } from 'otplib';
import * as oidc from 'openid-client';
import type { Browser, Page } from 'playwright-core';
import { landAtCallback, launchBrowser, screenshot, screenshotDir, startCallbackListener } from '../support/browser.ts';
import { decodeQrPng } from '../support/decodeQrPng.ts';
import { startAuthorization } from '../support/relyingParty.ts';
import { openTestServices } from '../support/testGatehouse.ts';
import { addRelyingParty, startMailedGatehouse } from '../support/mailedGatehouse.ts';

// (b) of the registration issue: a person who signs in with an email code activates an
// authenticator app themselves (second source document), in a real browser; and the
// setup offered during sign-in (product.md rule 6).

let started: Awaited<ReturnType<typeof startMailedGatehouse>>;
let mail: Awaited<ReturnType<typeof startMailedGatehouse>>['mail'];
let gatehouse: Awaited<ReturnType<typeof startMailedGatehouse>>['gatehouse'];
let services: Awaited<ReturnType<typeof openTestServices>>;
let callback: Awaited<ReturnType<typeof startCallbackListener>>;
let browser: Browser;
let rp: oidc.Configuration;
const password = 'correct horse battery';

beforeAll(async () => {
  browser = await launchBrowser();
  callback = await startCallbackListener();
  started = await startMailedGatehouse();
  ({ mail, gatehouse, services } = started);
  rp = await addRelyingParty(started, callback.redirectUri, 'app', { client_name: 'Rota' });
  await services.classes.add({
    name: 'TEXTFIRST', mfa_device: 'E', no_screen_channel: 'E', allow_otp_instead_of_totp: 'Y', question_count: 0, max_retries: 3, wait_seconds: 60,
    factors: { MFA: { TOTP: 1 } },
  });
  await services.persons.add({ name: 'SELMA', default_user_id: 'selma', first_name: 'Selma', family_name: 'Self', class: 'TEXTFIRST', password, email: 'selma@example.com' });
  await services.persons.add({ name: 'PILAR', default_user_id: 'pilar', first_name: 'Pilar', class: 'TEXTFIRST', password, email: 'pilar@example.com', preferred_language: 'SPA' });
  await services.persons.add({ name: 'ENZO', default_user_id: 'enzo', first_name: 'Enzo', class: 'TEXTFIRST', password, email: 'enzo@example.com' });
});

afterAll(async () => {
  await browser?.close();
  await callback?.close();
  await started?.stop();
});

/** An authorization request (PKCE S256, state, nonce) that lands on the callback listener. */
const authorizationRequest = () => startAuthorization(rp, { redirect_uri: callback.redirectUri });

/** The key as an authenticator app gets it: decoded from the pixels of the QR code on the page. */
async function keyFromQr(page: Page, name: string) {
  const png = await page.locator('p.qr img').screenshot({ path: `${screenshotDir}/${name}.png` });
  const uri = decodeQrPng(png);
  expect(uri).toMatch(/^otpauth:\/\/totp\//);
  const parsed = new URL(uri!);
  const secret = parsed.searchParams.get('secret')!;
  expect((await page.textContent('[data-testid="totp-key"]'))!.replace(/\s/g, '')).toBe(secret.replace(/=+$/, ''));
  return { secret, period: Number(parsed.searchParams.get('period') ?? 30), label: decodeURIComponent(parsed.pathname) };
}

/** A code well inside its time step (so the next sign-in runs in this step or the next); returns the step used. */
async function codeInStep(secret: string, period: number) {
  const secondsLeft = period - (Math.floor(Date.now() / 1000) % period);
  if (secondsLeft < 6) await new Promise((resolve) => setTimeout(resolve, secondsLeft * 1000 + 200));
  const step = Math.floor(Date.now() / 1000 / period);
  return { step, code: await generate({ secret, period, epoch: step * period }) };
}

/** Signs in at the relying party with user ID, password and code on one screen, in a browser of its own (no session yet); the ID token's claims. */
async function signInOnOneScreen(username: string, code: string, shot: string) {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  const request = await authorizationRequest();
  await page.goto(request.url.toString());
  await page.waitForSelector('#username');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.fill('#code', code);
  await screenshot(page, shot);
  const { tokens } = await landAtCallback(page, 'button[type="submit"].primary', { rp, callback, request });
  await context.close();
  return tokens.claims()!;
}

test('(b) signed in with an email code, the person opens TOTP configuration, activates TOTP from the QR code and then signs in on one screen', async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${gatehouse.issuer}/account`);
  await page.waitForSelector('#username');
  await page.fill('#username', 'selma');
  await page.fill('#password', password);
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"].primary')]);
  await page.waitForSelector('#code');
  expect(await page.textContent('body')).toContain('s***@example.com');
  await screenshot(page, 'self-service-email-code');
  await page.fill('#code', mail.lastCodeTo('selma@example.com')!);
  await Promise.all([page.waitForURL(`${gatehouse.issuer}/account`), page.click('button[type="submit"].primary')]);

  await page.waitForSelector('text=TOTP configuration');
  expect(await page.textContent('[data-testid="totp-status"]')).toContain('No authenticator app is set up');
  await screenshot(page, 'self-service-account');
  // Her class asks no private questions: their form is folded away until she opens it.
  expect(await page.isVisible('#question_1')).toBe(false);
  await page.click('text=Add private questions');
  expect(await page.isVisible('#question_1')).toBe(true);
  await Promise.all([page.waitForURL(`${gatehouse.issuer}/account/totp/setup`), page.click('text=Activate TOTP')]);
  await screenshot(page, 'self-service-activate-desktop');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'self-service-activate-phone');
  await page.setViewportSize({ width: 1000, height: 900 });

  const { secret, period, label } = await keyFromQr(page, 'self-service-qr');
  expect(label).toContain('selma');
  const { sub } = await services.persons.show('SELMA');
  // Nothing is the person's before the code: the key waits in the account session.
  expect((await services.persons.findBySub(sub))!.totp).toBeUndefined();

  const { step, code } = await codeInStep(secret, period);
  await page.fill('#code', code);
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"].primary')]);
  await page.waitForSelector('text=Your authenticator app is active');
  const tokens = await page.locator('[data-testid="emergency-tokens"] code').allTextContents();
  expect(tokens).toHaveLength(10);
  await screenshot(page, 'self-service-activated');
  expect((await services.persons.findBySub(sub))!.totp?.state).toBe('active');
  expect(mail.messages.filter((m) => m.to.includes('selma@example.com')).at(-1)!.raw).toContain('authenticator app was set up');

  await page.click('text=Back to your account');
  await page.waitForSelector('[data-testid="tokens-left"]');
  expect(await page.textContent('[data-testid="totp-status"]')).toContain('Your authenticator app is active');
  expect(await page.textContent('[data-testid="tokens-left"]')).toContain('10');
  await screenshot(page, 'self-service-account-active');

  const claims = await signInOnOneScreen('selma', await generate({ secret, period, epoch: (step + 1) * period }), 'self-service-one-screen');
  expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);

  // Replacing the key asks for the current factor first; a wrong one changes nothing.
  const keyBefore = (await services.persons.findBySub(sub))!.totp!.keyId;
  await Promise.all([page.waitForURL(`${gatehouse.issuer}/account/totp/replace`), page.click('text=Replace the key (new phone)')]);
  await screenshot(page, 'self-service-replace');
  await page.fill('#code', 'zzzz-zzzz-zzzz-zzzz');
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"]')]);
  expect(await page.textContent('p.alert')).toContain('not correct');
  await screenshot(page, 'self-service-replace-wrong');
  expect((await services.persons.findBySub(sub))!.totp!.keyId).toBe(keyBefore);

  // Removing is offered with the same check; the class lets Selma sign in with an email code without the app.
  await page.goto(`${gatehouse.issuer}/account/totp/remove`);
  expect(await page.textContent('h1')).toBe('Remove your authenticator app');
  await screenshot(page, 'self-service-remove');
  await Promise.all([page.waitForLoadState('load'), page.click('text=Cancel and go back to your account')]);

  // New emergency tokens: shown once, the old ones stop working.
  await Promise.all([page.waitForLoadState('load'), page.click('text=Make new emergency tokens')]);
  await page.waitForSelector('text=Your new emergency tokens');
  const fresh = await page.locator('[data-testid="emergency-tokens"] code').allTextContents();
  expect(fresh).toHaveLength(10);
  expect(fresh.some((token) => tokens.includes(token))).toBe(false);
  await screenshot(page, 'self-service-new-tokens');
  // The download is made in the page (a data: link): nothing is kept on the server to fetch later.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Download the tokens (text file)')]);
  expect(download.suggestedFilename()).toBe('gatehouse-emergency-tokens.txt');
  const saved = await download.path().then((path) => readFileSync(path, 'utf8'));
  for (const token of fresh) expect(saved).toContain(token);
  expect(await services.emergencyTokens.consume(sub, tokens[0]!)).toMatchObject({ outcome: 'retry' });
  await context.close();
});

test('rule 6 in a browser: the sign-in at an application stops at the setup step after the email code, and goes on once the key is confirmed', async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  const request = await authorizationRequest();
  await page.goto(request.url.toString());
  await page.waitForSelector('#username');
  await page.fill('#username', 'enzo');
  await page.fill('#password', password);
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"].primary')]);
  await page.waitForSelector('#code');
  await page.fill('#code', mail.lastCodeTo('enzo@example.com')!);
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"].primary')]);
  await page.waitForSelector('text=Set up your authenticator app');
  expect(await page.textContent('body')).toContain('Not now: continue to Rota');
  await screenshot(page, 'enrol-at-sign-in');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'enrol-at-sign-in-phone');
  await page.setViewportSize({ width: 1000, height: 900 });
  expect(callback.received.some((url) => url.includes(request.state))).toBe(false);

  const { secret, period } = await keyFromQr(page, 'enrol-at-sign-in-qr');
  const { code } = await codeInStep(secret, period);
  await page.fill('#code', code);
  await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/enrol"] button[type="submit"]')]);
  await page.waitForSelector('text=Your authenticator app is set up');
  expect(await page.locator('[data-testid="emergency-tokens"] code').count()).toBe(10);
  await screenshot(page, 'enrol-at-sign-in-done');
  expect(callback.received.some((url) => url.includes(request.state))).toBe(false);

  const { tokens } = await landAtCallback(page, 'text=Continue to Rota', { rp, callback, request });
  expect(tokens.claims()!.amr).toEqual(['pwd', 'otp', 'mfa']);
  const { sub } = await services.persons.show('ENZO');
  expect((await services.persons.findBySub(sub))!.totp?.state).toBe('active');
  await context.close();
});

test('in the person\'s language: the account page and the setup page in Spanish, on a phone', async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(`${gatehouse.issuer}/account`);
  await page.waitForSelector('#username');
  await page.fill('#username', 'pilar');
  await page.fill('#password', password);
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"].primary')]);
  await page.waitForSelector('#code');
  await page.fill('#code', mail.lastCodeTo('pilar@example.com')!);
  await Promise.all([page.waitForURL(`${gatehouse.issuer}/account`), page.click('button[type="submit"].primary')]);
  await page.waitForSelector('text=Configuración de TOTP');
  expect(await page.getAttribute('html', 'lang')).toBe('es');
  await screenshot(page, 'self-service-account-es-phone');
  await Promise.all([page.waitForURL(`${gatehouse.issuer}/account/totp/setup`), page.click('text=Activar TOTP')]);
  expect(await page.textContent('h1')).toBe('Activar TOTP');
  expect(await page.textContent('body')).toContain('Confirmar y activar');
  await screenshot(page, 'self-service-activate-es-phone');
  await context.close();
});
