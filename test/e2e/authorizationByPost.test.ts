import { createServer, type Server } from 'node:http';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { landAtCallback, launchBrowser, startCallbackListener } from '../support/browser.ts';
import { discoverRelyingParty, startAuthorization } from '../support/relyingParty.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

/**
 * In a real browser: a relying party on another site (localhost, while Gatehouse is on
 * 127.0.0.1) sends its authorization request as an auto-submitted form POST. The browser
 * does not send SameSite=Lax cookies with a cross-site POST; Gatehouse's 303 to the same
 * request as GET is a top-level GET navigation, which carries them, so the person already
 * signed in goes straight back with a code, as with a GET.
 */
let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let callback: Awaited<ReturnType<typeof startCallbackListener>>;
let browser: Browser;
let rp: oidc.Configuration;
let relyingParty: Server;
let relyingPartyUrl: string;
let formFields: Record<string, string> = {};
const password = 'correct horse battery';

beforeAll(async () => {
  browser = await launchBrowser();
  callback = await startCallbackListener();
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  const { clientSecret } = await services.clients.add({ client_id: 'app', redirect_uris: [callback.redirectUri], first_party: true });
  rp = await discoverRelyingParty(gatehouse.issuer, 'app', clientSecret);
  await services.persons.add({ name: 'PAULA', class: '*NEVER', password });
  // The relying party's page: its authorization request as a form, sent as soon as it loads.
  relyingParty = createServer((_request, response) => {
    const inputs = Object.entries(formFields).map(([name, value]) => `<input type="hidden" name="${name}" value="${value.replace(/"/g, '&quot;')}">`).join('');
    response.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>App</title>
<form id="f" method="post" action="${gatehouse.issuer}/auth">${inputs}</form><script>document.getElementById('f').submit()</script>`);
  });
  await new Promise<void>((resolve) => relyingParty.listen(0, '127.0.0.1', resolve));
  relyingPartyUrl = `http://localhost:${(relyingParty.address() as { port: number }).port}/`;
});

afterAll(async () => {
  await browser?.close();
  relyingParty?.closeAllConnections();
  await new Promise((resolve) => relyingParty?.close(resolve));
  await services?.store.close();
  await gatehouse?.stop();
  await callback?.close();
});

test('an authorization request posted from another site reaches the sign-in page, and then the session as a GET would', async () => {
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
