import { createServer, type Server } from 'node:http';
import * as oidc from 'openid-client';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshot, startCallbackListener } from '../support/browser.ts';
import { listenOnLoopback } from '../support/listenOnLoopback.ts';
import { discoverRelyingParty, startAuthorization } from '../support/relyingParty.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

/**
 * In a real browser: a page of another origin on the same site (another port of
 * 127.0.0.1, so the browser sends Gatehouse's SameSite=Lax cookies with it) posts the
 * sign-in form of the person's open interaction. Gatehouse refuses it; the same person's
 * own page, sent with the Origin Chromium really sends, goes through.
 */
let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let callback: Awaited<ReturnType<typeof startCallbackListener>>;
let browser: Browser;
let rp: oidc.Configuration;
let evil: Server;
let evilOrigin: string;
let forgedAction = '';
const password = 'correct horse battery';

beforeAll(async () => {
  browser = await launchBrowser();
  callback = await startCallbackListener();
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  const { clientSecret } = await services.clients.add({ client_id: 'app', redirect_uris: [callback.redirectUri], first_party: true });
  rp = await discoverRelyingParty(gatehouse.issuer, 'app', clientSecret);
  await services.persons.add({ name: 'MALLORY', class: '*NEVER', password });
  // The attacker's page: a form to the victim's interaction, sent as soon as it loads.
  evil = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>Win a prize</title>
<form id="f" method="post" action="${forgedAction}"><input name="username" value="mallory"><input name="password" value="${password}"></form>
<script>document.getElementById('f').submit()</script>`);
  });
  evilOrigin = `http://127.0.0.1:${await listenOnLoopback(evil)}`;
});

afterAll(async () => {
  await browser?.close();
  evil?.closeAllConnections();
  await new Promise((resolve) => evil?.close(resolve));
  await services?.store.close();
  await gatehouse?.stop();
  await callback?.close();
});

test('a same-site page of another origin cannot sign the person in as someone else; their own page can', async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  const request = await startAuthorization(rp, { redirect_uri: callback.redirectUri });
  await page.goto(request.url.toString());
  await page.waitForSelector('#username');
  forgedAction = `${new URL(page.url()).origin}${new URL(page.url()).pathname}/login`;

  const refused = page.waitForResponse((response) => response.url() === forgedAction && response.request().method() === 'POST');
  await page.goto(`${evilOrigin}/`);
  const response = await refused;
  expect(response.status()).toBe(403);
  expect(await response.request().headerValue('origin')).toBe(evilOrigin);
  // The browser did send the interaction's cookies: only the Origin check stopped it.
  expect(await response.request().headerValue('cookie')).toContain('_interaction');
  await page.waitForLoadState('load');
  expect(await page.textContent('body')).toContain('can only be sent from');
  await screenshot(page, 'cross-origin-refused');
  expect(callback.received.filter((url) => url.includes('code='))).toEqual([]);
  expect(await services.store.connection.collection('oidc_authorization_code').countDocuments()).toBe(0);

  // The person's own page still works, with the Origin Chromium sends under Referrer-Policy same-origin.
  await page.goto(request.url.toString());
  await page.fill('#username', 'mallory');
  await page.fill('#password', password);
  const [own] = await Promise.all([
    page.waitForRequest((sent) => sent.method() === 'POST' && sent.url().endsWith('/login')),
    page.click('button[type="submit"].primary'),
  ]);
  expect(await own.headerValue('origin')).toBe(gatehouse.issuer);
  await page.waitForURL((url) => url.toString().startsWith(callback.redirectUri));
  await context.close();
});
