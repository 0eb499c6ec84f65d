import { generate } from 'otplib';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { landAtCallback, launchBrowser, screenshot, startCallbackListener } from '../support/browser.ts';
import { discoverRelyingParty, startAuthorization } from '../support/relyingParty.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let callback: Awaited<ReturnType<typeof startCallbackListener>>;
let browser: Browser;
let rp: oidc.Configuration;
let secret: string;
const password = 'correct horse battery';

beforeAll(async () => {
  browser = await launchBrowser();
  callback = await startCallbackListener();
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  const { clientSecret } = await services.clients.add({ client_id: 'app', redirect_uris: [callback.redirectUri], first_party: true });
  rp = await discoverRelyingParty(gatehouse.issuer, 'app', clientSecret);
  await services.classes.add({
    name: 'TOTP', mfa_device: 'S', no_screen_channel: 'E', allow_otp_instead_of_totp: 'N', question_count: 0, max_retries: 3, wait_seconds: 60,
    factors: { MFA: { TOTP: 1 } },
  });
  await services.persons.add({ name: 'TINA', class: 'TOTP', password });
  secret = services.totp.generateSecret();
  await services.totp.setKey((await services.persons.show('TINA')).sub, { secret, state: 'active' }, {});
});

afterAll(async () => {
  await browser?.close();
  await services?.store.close();
  await gatehouse?.stop();
  await callback?.close();
});

/** An authorization request (PKCE S256, state, nonce) that lands on the callback listener. */
const authorizationRequest = () => startAuthorization(rp, { redirect_uri: callback.redirectUri });

test('a real browser signs in with user ID, password and TOTP code on one screen; amr contains otp', async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  const request = await authorizationRequest();
  await page.goto(request.url.toString());
  await page.waitForSelector('#username');
  await screenshot(page, 'sign-in-desktop');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'sign-in-phone');
  await page.setViewportSize({ width: 1000, height: 800 });

  await page.fill('#username', 'tina');
  await page.fill('#password', password);
  await page.fill('#code', await generate({ secret }));
  const { landed, tokens } = await landAtCallback(page, 'button[type="submit"].primary', { rp, callback, request });
  expect(await page.textContent('body')).toBe('ok');
  expect(page.url()).toBe(landed);
  expect(tokens.claims()!.amr).toContain('otp');
  await context.close();
});

test('without the code, the browser is sent to the challenge page', async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  const request = await authorizationRequest();
  await page.goto(request.url.toString());
  await page.fill('#username', 'tina');
  await page.fill('#password', password);
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"].primary')]);
  await page.waitForSelector('input[name="code"]');
  expect(page.url().startsWith(callback.redirectUri)).toBe(false);
  expect(await page.textContent('body')).toContain('authenticator app');
  await screenshot(page, 'challenge-desktop');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'challenge-phone');
  await context.close();
});
