import * as oidc from 'openid-client';
import { oidcArtefactModel } from '../../src/store/models/oidcArtefactModel.ts';
import { FormBrowser } from '../support/formBrowser.ts';
import { discoverRelyingParty, redirectUri, signIn, startAuthorization } from '../support/relyingParty.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let partner: oidc.Configuration;
let firstParty: oidc.Configuration;

const password = 'correct horse battery';

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  const third = await services.clients.add({ client_id: 'partner-app', client_name: 'Partner App', redirect_uris: [redirectUri], first_party: false });
  const first = await services.clients.add({ client_id: 'web-app', client_name: 'Web App', redirect_uris: [redirectUri], first_party: true });
  for (const name of ['DORA', 'OMAR', 'IRIS', 'TEO']) await services.persons.add({ name, password, email: `${name.toLowerCase()}@example.com` });
  partner = await discoverRelyingParty(gatehouse.issuer, 'partner-app', third.clientSecret);
  firstParty = await discoverRelyingParty(gatehouse.issuer, 'web-app', first.clientSecret);
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
});

/** Starts an authorization request and signs in; returns where the browser stands after the password page. */
async function signInUntilConsent(config: oidc.Configuration, username: string, browser = new FormBrowser(redirectUri)) {
  const request = await startAuthorization(config);
  await browser.open(request.url.toString());
  const at = await browser.submit(browser.formAction('/login'), { username, password });
  return { request, browser, at };
}

const interactionPagesSeen = (browser: FormBrowser) => browser.visited.filter((visit) => /^GET .*\/interaction\/[^/]+$/.test(visit)).length;
const grantsOf = async (name: string, clientId: string) => {
  const { sub } = await services.persons.show(name);
  return oidcArtefactModel(services.store.connection, 'Grant').find({ 'payload.accountId': sub, 'payload.clientId': clientId }).lean();
};

test('a third-party client gets the consent page after sign-in, listing what it asks for', async () => {
  const { browser, at } = await signInUntilConsent(partner, 'dora');
  expect(at.startsWith(redirectUri)).toBe(false);
  expect(browser.lastStatus).toBe(200);
  expect(browser.lastPage).toContain('Allow access');
  expect(browser.lastPage).toContain('Partner App');
  const listed = [...browser.lastPage.matchAll(/<li>([^<]+)<\/li>/g)].map((m) => m[1]!.trim());
  expect(listed).toEqual(['Know who you are (your account identifier)', 'Your name, user ID, birth date and language', 'Your email address']);
  expect(browser.formAction('/confirm')).toMatch(/\/interaction\/[^/]+\/confirm$/);
  expect(browser.formAction('/abort')).toMatch(/\/interaction\/[^/]+\/abort$/);
  // Nothing is granted before the person answers.
  expect(await grantsOf('dora', 'partner-app')).toHaveLength(0);
});

test('"Deny" sends access_denied to the callback, with no code and no grant', async () => {
  const { browser, request } = await signInUntilConsent(partner, 'omar');
  const at = new URL(await browser.submit(browser.formAction('/abort'), {}));
  expect(at.origin + at.pathname).toBe(redirectUri);
  expect(at.searchParams.get('error')).toBe('access_denied');
  expect(at.searchParams.get('state')).toBe(request.state);
  expect(at.searchParams.get('code')).toBeNull();
  expect(await grantsOf('omar', 'partner-app')).toHaveLength(0);
});

test('"Allow" issues tokens with the scopes that were consented', async () => {
  const { browser, request } = await signInUntilConsent(partner, 'iris');
  const at = await browser.submit(browser.formAction('/confirm'), {});
  expect(at.startsWith(redirectUri)).toBe(true);
  const tokens = await oidc.authorizationCodeGrant(partner, new URL(at), {
    pkceCodeVerifier: request.codeVerifier,
    expectedState: request.state,
    expectedNonce: request.nonce,
  });
  const { sub } = await services.persons.show('iris');
  expect(tokens.claims()).toMatchObject({ sub, aud: 'partner-app' });
  expect(tokens.scope?.split(' ').toSorted()).toEqual(['email', 'openid', 'profile']);
  expect(await oidc.fetchUserInfo(partner, tokens.access_token, sub)).toMatchObject({ sub, email: 'iris@example.com' });
  const grants = await grantsOf('iris', 'partner-app');
  expect(grants).toHaveLength(1);
  expect((grants[0]!.payload.openid as { scope: string }).scope.split(' ').toSorted()).toEqual(['email', 'openid', 'profile']);
});

test('a second sign-in of the same person to the same client does not ask again', async () => {
  const first = await signInUntilConsent(partner, 'teo');
  expect(first.browser.lastPage).toContain('Allow access');
  expect((await first.browser.submit(first.browser.formAction('/confirm'), {})).startsWith(redirectUri)).toBe(true);

  // The same browser, asked to sign in again.
  const again = await signIn(partner, 'teo', password, { prompt: 'login' }, first.browser);
  expect(again.tokens.claims()!.aud).toBe('partner-app');

  // Another browser (another device): password, then straight back to the client.
  const elsewhere = new FormBrowser(redirectUri);
  const { at, request } = await signInUntilConsent(partner, 'teo', elsewhere);
  expect(at.startsWith(redirectUri)).toBe(true);
  expect(interactionPagesSeen(elsewhere)).toBe(1);
  expect(elsewhere.visited.some((visit) => visit.includes('/confirm'))).toBe(false);
  const tokens = await oidc.authorizationCodeGrant(partner, new URL(at), {
    pkceCodeVerifier: request.codeVerifier,
    expectedState: request.state,
    expectedNonce: request.nonce,
  });
  expect(tokens.scope?.split(' ').toSorted()).toEqual(['email', 'openid', 'profile']);
});

test('asking for more than was consented shows the consent page again, listing only what is new', async () => {
  const first = await signInUntilConsent(partner, 'dora');
  await first.browser.submit(first.browser.formAction('/confirm'), {});
  const browser = new FormBrowser(redirectUri);
  const request = await startAuthorization(partner, { scope: 'openid profile email phone' });
  await browser.open(request.url.toString());
  await browser.submit(browser.formAction('/login'), { username: 'dora', password });
  expect(browser.lastPage).toContain('Allow access');
  const listed = [...browser.lastPage.matchAll(/<li>([^<]+)<\/li>/g)].map((m) => m[1]!.trim());
  expect(listed).toEqual(['Your cell phone number']);
});

test('a first-party client never sees the consent page', async () => {
  const browser = new FormBrowser(redirectUri);
  const { at } = await signInUntilConsent(firstParty, 'dora', browser);
  expect(at.startsWith(redirectUri)).toBe(true);
  expect(interactionPagesSeen(browser)).toBe(1);
  expect(browser.visited.some((visit) => visit.includes('/confirm'))).toBe(false);
  const { tokens } = await signIn(firstParty, 'omar', password);
  expect(tokens.claims()!.aud).toBe('web-app');
});
