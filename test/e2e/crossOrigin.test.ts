import { startAutoSubmittingPage } from '../support/autoSubmittingPage.ts';
import { screenshot } from '../support/browser.ts';
import { startBrowserGatehouse, type BrowserGatehouse } from '../support/browserGatehouse.ts';
import { startAuthorization } from '../support/relyingParty.ts';

/**
 * In a real browser: a page of another origin on the same site (another port of
 * 127.0.0.1, so the browser sends Gatehouse's SameSite=Lax cookies with it) posts the
 * sign-in form of the person's open interaction. Gatehouse refuses it; the same person's
 * own page, sent with the Origin Chromium really sends, goes through.
 */
let setup: BrowserGatehouse;
let evil: Awaited<ReturnType<typeof startAutoSubmittingPage>>;
let evilOrigin: string;
let forgedAction = '';
const password = 'correct horse battery';

beforeAll(async () => {
  setup = await startBrowserGatehouse();
  await setup.services.persons.add({ name: 'MALLORY', class: '*NEVER', password });
  // The attacker's page: a form to the victim's interaction, sent as soon as it loads.
  evil = await startAutoSubmittingPage(() => ({
    title: 'Win a prize',
    action: forgedAction,
    inputs: `<input name="username" value="mallory"><input name="password" value="${password}">`,
  }));
  evilOrigin = `http://127.0.0.1:${evil.port}`;
});

afterAll(async () => {
  await evil?.close();
  await setup?.stop();
});

test('a same-site page of another origin cannot sign the person in as someone else; their own page can', async () => {
  const { browser, rp, callback, gatehouse, services } = setup;
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
