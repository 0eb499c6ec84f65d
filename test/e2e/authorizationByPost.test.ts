import * as oidc from 'openid-client';
import { startAutoSubmittingPage } from '../support/autoSubmittingPage.ts';
import { landAtCallback } from '../support/browser.ts';
import { startBrowserGatehouse, type BrowserGatehouse } from '../support/browserGatehouse.ts';
import { startAuthorization } from '../support/relyingParty.ts';

/**
 * In a real browser: a relying party on another site (localhost, while Gatehouse is on
 * 127.0.0.1) sends its authorization request as an auto-submitted form POST. The browser
 * does not send SameSite=Lax cookies with a cross-site POST; Gatehouse's 303 to the same
 * request as GET is a top-level GET navigation, which carries them, so the person already
 * signed in goes straight back with a code, as with a GET.
 */
let setup: BrowserGatehouse;
let relyingParty: Awaited<ReturnType<typeof startAutoSubmittingPage>>;
let relyingPartyUrl: string;
let formFields: Record<string, string> = {};
const password = 'correct horse battery';

beforeAll(async () => {
  setup = await startBrowserGatehouse();
  await setup.services.persons.add({ name: 'PAULA', class: '*NEVER', password });
  // The relying party's page: its authorization request as a form, sent as soon as it loads.
  relyingParty = await startAutoSubmittingPage(() => ({
    title: 'App',
    action: `${setup.gatehouse.issuer}/auth`,
    inputs: Object.entries(formFields).map(([name, value]) => `<input type="hidden" name="${name}" value="${value.replace(/"/g, '&quot;')}">`).join(''),
  }));
  relyingPartyUrl = `http://localhost:${relyingParty.port}/`;
});

afterAll(async () => {
  await relyingParty?.close();
  await setup?.stop();
});

test('an authorization request posted from another site reaches the sign-in page, and then the session as a GET would', async () => {
  const { browser, rp, callback, gatehouse } = setup;
  const context = await browser.newContext();
  const page = await context.newPage();

  const first = await startAuthorization(rp, { redirect_uri: callback.redirectUri });
  formFields = Object.fromEntries(first.url.searchParams);
  const [posted] = await Promise.all([page.waitForRequest((sent) => sent.method() === 'POST' && sent.url() === `${gatehouse.issuer}/auth`), page.goto(relyingPartyUrl)]);
  expect(await posted.headerValue('origin')).toBe(new URL(relyingPartyUrl).origin);
  await page.waitForSelector('#username');
  await page.fill('#username', 'paula');
  await page.fill('#password', password);
  const { tokens } = await landAtCallback(page, 'button[type="submit"].primary', { rp, callback, request: first });
  expect(tokens.claims()!.acr).toBe('urn:gatehouse:acr:pwd');

  // Signed in: the next posted request goes straight back with a code, no page in between.
  const second = await startAuthorization(rp, { redirect_uri: callback.redirectUri });
  formFields = Object.fromEntries(second.url.searchParams);
  await Promise.all([page.waitForURL((url) => url.toString().startsWith(callback.redirectUri)), page.goto(relyingPartyUrl)]);
  const landed = callback.received.findLast((url) => url.startsWith(`${callback.redirectUri}?`))!;
  const silent = await oidc.authorizationCodeGrant(rp, new URL(landed), { pkceCodeVerifier: second.codeVerifier, expectedState: second.state, expectedNonce: second.nonce });
  expect(silent.claims()!.sub).toBe(tokens.claims()!.sub);
  await context.close();
});
