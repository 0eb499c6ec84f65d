import * as oidc from 'openid-client';
import { createArtefactKeys } from '../../src/oidc/createArtefactKeys.ts';
import { oidcArtefactModel } from '../../src/store/models/oidcArtefactModel.ts';
import { callAdminApi, clientCredentialsToken } from '../support/adminApi.ts';
import { FormBrowser } from '../support/formBrowser.ts';
import { discoverRelyingParty, oauthErrorOf, redirectUri, signIn, startAuthorization } from '../support/relyingParty.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let webApp: oidc.Configuration;
let partner: oidc.Configuration;
const secrets: Record<string, string> = {};

const password = 'correct horse battery';
const adminScope = { scope: 'openid admin' };

/** Registers a confidential client and keeps its secret. */
async function addClient(input: Record<string, unknown>) {
  const { client, clientSecret } = await services.clients.add(input);
  secrets[client.client_id] = clientSecret!;
}

const tokenOf = async (clientId: string, scope?: string) => (await clientCredentialsToken(gatehouse.issuer, clientId, secrets[clientId]!, scope)).access_token;
const personTokens = async (name: string, rp = webApp) => (await signIn(rp, name, password, adminScope)).tokens;
const get = (token?: string, path = '/persons') => callAdminApi(gatehouse.issuer, path, token === undefined ? {} : { token });

/** A refusal: the status, the JSON error and the challenge. */
async function expectRefusal(answer: ReturnType<typeof get>, status: number, error: string, challenge: string) {
  const { status: got, body, headers } = await answer;
  expect({ status: got, error: body.error, challenge: headers.get('www-authenticate') }).toEqual({ status, error, challenge });
  expect(body.error_description).toEqual(expect.any(String));
  expect(headers.get('cache-control')).toBe('no-store');
  expect(headers.get('content-type')).toMatch(/^application\/json/);
  return body.error_description as string;
}

/** Signs `name` in at the third-party client, asking for the admin scope; stops at the consent page. */
async function consentPage(name: string) {
  const browser = new FormBrowser(redirectUri);
  const request = await startAuthorization(partner, adminScope);
  await browser.open(request.url.toString());
  await browser.submit(browser.formAction('/login'), { username: name, password });
  const listed = [...browser.lastPage.matchAll(/<li>([^<]+)<\/li>/g)].map((m) => m[1]!.trim());
  return { browser, request, listed };
}

/** Answers "Allow" and exchanges the code. */
async function allow({ browser, request }: Awaited<ReturnType<typeof consentPage>>) {
  const at = await browser.submit(browser.formAction('/confirm'), {});
  return oidc.authorizationCodeGrant(partner, new URL(at), { pkceCodeVerifier: request.codeVerifier, expectedState: request.state, expectedNonce: request.nonce });
}

const invalidToken = 'Bearer error="invalid_token"';
const insufficientScope = 'Bearer error="insufficient_scope", scope="admin"';

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  await addClient({ client_id: 'ops-script', grant_types: ['client_credentials'], admin_api: true });
  await addClient({ client_id: 'demoted-script', grant_types: ['client_credentials'], admin_api: true });
  await addClient({ client_id: 'removed-script', grant_types: ['client_credentials'], admin_api: true });
  // Signs persons in and uses client credentials, without admin_api.
  await addClient({ client_id: 'worker', grant_types: ['authorization_code', 'client_credentials'], redirect_uris: [redirectUri] });
  // Client credentials only, without admin_api.
  await addClient({ client_id: 'batch', grant_types: ['client_credentials'] });
  await addClient({ client_id: 'web-app', redirect_uris: [redirectUri], first_party: true });
  await addClient({ client_id: 'partner-app', client_name: 'Partner App', redirect_uris: [redirectUri], first_party: false });
  for (const name of ['ADA', 'CARL', 'DANI', 'EVE', 'GIL']) await services.persons.add({ name, password, roles: ['admin'] });
  for (const name of ['BOB', 'DORA', 'FINN']) await services.persons.add({ name, password });
  webApp = await discoverRelyingParty(gatehouse.issuer, 'web-app', secrets['web-app']);
  partner = await discoverRelyingParty(gatehouse.issuer, 'partner-app', secrets['partner-app']);
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
});

describe('without a usable token: 401', () => {
  test('no token: a plain Bearer challenge', async () => {
    await expectRefusal(get(), 401, 'invalid_token', 'Bearer');
    // Another scheme is no bearer token either.
    await expectRefusal(callAdminApi(gatehouse.issuer, '/persons', { headers: { authorization: `Basic ${btoa(`ops-script:${secrets['ops-script']}`)}` } }), 401, 'invalid_token', 'Bearer');
  });

  test('a garbage or malformed token', async () => {
    await expectRefusal(get('not-a-token-of-this-provider'), 401, 'invalid_token', invalidToken);
    await expectRefusal(callAdminApi(gatehouse.issuer, '/persons', { headers: { authorization: 'Bearer two tokens' } }), 401, 'invalid_token', invalidToken);
    await expectRefusal(callAdminApi(gatehouse.issuer, '/persons', { headers: { authorization: `Bearer ${'a'.repeat(600)}` } }), 401, 'invalid_token', invalidToken);
  });

  test('an ID token or a refresh token is not an access token', async () => {
    const tokens = await personTokens('ADA');
    await expectRefusal(get(tokens.id_token), 401, 'invalid_token', invalidToken);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    await expectRefusal(get(tokens.refresh_token), 401, 'invalid_token', invalidToken);
  });

  test('a revoked token', async () => {
    const token = await tokenOf('ops-script', 'admin');
    expect((await get(token)).status).toBe(200);
    const ops = await discoverRelyingParty(gatehouse.issuer, 'ops-script', secrets['ops-script']);
    await oidc.tokenRevocation(ops, token);
    await expectRefusal(get(token), 401, 'invalid_token', invalidToken);

    const { access_token: personToken } = await personTokens('ADA');
    expect((await get(personToken)).status).toBe(200);
    await oidc.tokenRevocation(webApp, personToken);
    await expectRefusal(get(personToken), 401, 'invalid_token', invalidToken);
  });

  test('an expired token', async () => {
    const token = await tokenOf('ops-script', 'admin');
    expect((await get(token)).status).toBe(200);
    // The stored token says it expired a minute ago (the row itself is still there).
    const past = Math.floor(Date.now() / 1000) - 60;
    const { modifiedCount } = await oidcArtefactModel(services.store.connection, 'ClientCredentials').updateOne({ _id: createArtefactKeys(services.secretBox).hash(token) }, { $set: { 'payload.exp': past } });
    expect(modifiedCount).toBe(1);
    await expectRefusal(get(token), 401, 'invalid_token', invalidToken);
  });

  test('the token of a client that was removed', async () => {
    const token = await tokenOf('removed-script', 'admin');
    expect((await get(token)).status).toBe(200);
    await services.clients.remove('removed-script');
    await expectRefusal(get(token), 401, 'invalid_token', invalidToken);
  });

  test('the token of a person who was disabled', async () => {
    const { access_token: token } = await personTokens('DANI');
    expect((await get(token)).status).toBe(200);
    await services.persons.update('DANI', { enabled: false });
    expect(await expectRefusal(get(token), 401, 'invalid_token', invalidToken)).toContain('disabled');
  });
});

describe('client credentials', () => {
  test('an admin_api client with the admin scope may call the API', async () => {
    const tokens = await clientCredentialsToken(gatehouse.issuer, 'ops-script', secrets['ops-script']!, 'admin');
    expect(tokens.scope).toBe('admin');
    const answer = await get(tokens.access_token);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.body).toMatchObject({ items: expect.any(Array), total: expect.any(Number) });
  });

  test('a token without the admin scope: 403', async () => {
    const tokens = await clientCredentialsToken(gatehouse.issuer, 'ops-script', secrets['ops-script']!);
    expect(tokens.scope ?? '').not.toContain('admin');
    expect(await expectRefusal(get(tokens.access_token), 403, 'insufficient_scope', insufficientScope)).toContain('admin scope');
  });

  test('a client without admin_api: 403, even with a token carrying the admin scope', async () => {
    // A client that also signs persons in may ask for every scope, admin included …
    const tokens = await clientCredentialsToken(gatehouse.issuer, 'worker', secrets.worker!, 'admin');
    expect(tokens.scope).toBe('admin');
    // … but its own token is refused.
    expect(await expectRefusal(get(tokens.access_token), 403, 'insufficient_scope', insufficientScope)).toContain('admin_api');
  });

  test('a client-credentials-only client without admin_api cannot even get the admin scope', async () => {
    expect(await oauthErrorOf(clientCredentialsToken(gatehouse.issuer, 'batch', secrets.batch!, 'admin'))).toBe('invalid_scope');
    const tokens = await clientCredentialsToken(gatehouse.issuer, 'batch', secrets.batch!);
    await expectRefusal(get(tokens.access_token), 403, 'insufficient_scope', insufficientScope);
  });

  test('admin_api is checked at every request: taking it away refuses the tokens already issued', async () => {
    const token = await tokenOf('demoted-script', 'admin');
    expect((await get(token)).status).toBe(200);
    await services.clients.put({ client_id: 'demoted-script', grant_types: ['client_credentials'], admin_api: false });
    await expectRefusal(get(token), 403, 'insufficient_scope', insufficientScope);
    expect(await oauthErrorOf(clientCredentialsToken(gatehouse.issuer, 'demoted-script', secrets['demoted-script']!, 'admin'))).toBe('invalid_scope');
  });
});

describe('a person signed in with the authorization code flow', () => {
  test('an admin gets the admin scope and may call the API', async () => {
    const tokens = await personTokens('ADA');
    expect(tokens.scope?.split(' ')).toContain('admin');
    const answer = await get(tokens.access_token);
    expect(answer.status).toBe(200);
    expect(answer.body.items.map((p: { name: string }) => p.name)).toContain('ADA');
  });

  test('a person without the admin role: the token does not carry the admin scope, and is refused with 403', async () => {
    const tokens = await personTokens('BOB');
    expect(tokens.scope?.split(' ').toSorted()).toEqual(['openid']);
    // The person can still sign in and use the token elsewhere.
    expect((await oidc.fetchUserInfo(webApp, tokens.access_token, tokens.claims()!.sub)).sub).toBe(tokens.claims()!.sub);
    expect(await expectRefusal(get(tokens.access_token), 403, 'insufficient_scope', insufficientScope)).toContain('admin scope');
  });

  test('the role is checked at every request: losing it refuses the token already issued', async () => {
    const { access_token: token } = await personTokens('CARL');
    expect((await get(token)).status).toBe(200);
    await services.persons.update('CARL', { roles: [] });
    expect(await expectRefusal(get(token), 403, 'insufficient_scope', insufficientScope)).toContain('admin role');
    // And the next sign-in no longer gets the scope.
    expect((await personTokens('CARL')).scope?.split(' ')).not.toContain('admin');
  });

  test('a person who is given the role later gets the scope at the next sign-in', async () => {
    const browser = new FormBrowser(redirectUri);
    expect((await signIn(webApp, 'FINN', password, adminScope, browser)).tokens.scope?.split(' ')).not.toContain('admin');
    await services.persons.update('FINN', { roles: ['admin'] });
    // The same browser session: its grant had refused the scope, and now holds it.
    const { tokens } = await signIn(webApp, 'FINN', password, { ...adminScope, prompt: 'login' }, browser);
    expect(tokens.scope?.split(' ')).toContain('admin');
    expect((await get(tokens.access_token)).status).toBe(200);
  });

  describe('through a third-party client (consent)', () => {
    test('a person without the role is not even asked for the admin scope, and does not get it', async () => {
      const page = await consentPage('DORA');
      expect(page.listed).toEqual(['Know who you are (your account identifier)']);
      const tokens = await allow(page);
      expect(tokens.scope).toBe('openid');
      await expectRefusal(get(tokens.access_token), 403, 'insufficient_scope', insufficientScope);
    });

    test('an admin is asked, and once allowed may call the API', async () => {
      const page = await consentPage('EVE');
      expect(page.listed).toContain('Manage Gatehouse as an administrator: persons, classes, clients and settings');
      const tokens = await allow(page);
      expect(tokens.scope?.split(' ').toSorted()).toEqual(['admin', 'openid']);
      expect((await get(tokens.access_token)).status).toBe(200);
    });

    test('an admin who loses the role while on the consent page is not granted the scope', async () => {
      const page = await consentPage('GIL');
      expect(page.listed).toContain('Manage Gatehouse as an administrator: persons, classes, clients and settings');
      await services.persons.update('GIL', { roles: [] });
      const tokens = await allow(page);
      expect(tokens.scope).toBe('openid');
    });
  });
});
