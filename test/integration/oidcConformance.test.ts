import { generate } from 'otplib';
import * as oidc from 'openid-client';
import { FormBrowser } from '../support/formBrowser.ts';
import { cliWorkDir, runGatehouse } from '../support/gatehouseCli.ts';
import { discoverRelyingParty, redirectUri, signIn, startAuthorization } from '../support/relyingParty.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let rp: oidc.Configuration;
let otherClient: oidc.Configuration;
let resourceServer: oidc.Configuration;
const password = 'correct horse battery';
const relyingPartyOrigin = new URL(redirectUri).origin;
let adaSecret: string;

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  const { clientSecret } = await services.clients.add({ client_id: 'app-a', redirect_uris: [redirectUri], first_party: true });
  rp = await discoverRelyingParty(gatehouse.issuer, 'app-a', clientSecret);
  const other = await services.clients.add({ client_id: 'app-b', redirect_uris: [redirectUri] });
  otherClient = await discoverRelyingParty(gatehouse.issuer, 'app-b', other.clientSecret);
  const api = await services.clients.add({ client_id: 'orders-api', grant_types: ['client_credentials'], redirect_uris: [], resource_server: true });
  resourceServer = await discoverRelyingParty(gatehouse.issuer, 'orders-api', api.clientSecret);
  await services.persons.add({ name: 'LUIS', password, roles: ['orders-reader', 'billing'] });
  // ADA's class asks an authenticator code for elevated access, and nothing at sign-in.
  const base = { mfa_device: 'S', no_screen_channel: 'E', question_count: 0, max_retries: 3, wait_seconds: 60 };
  await services.classes.add({ ...base, name: 'STEPUP', factors: { MFA: {}, AOD: { TOTP: 1 } } });
  const ada = await services.persons.add({ name: 'ADA', class: 'STEPUP', password });
  adaSecret = services.totp.generateSecret();
  await services.totp.setKey(ada.sub, { secret: adaSecret, state: 'active' }, {});
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
});

const exchange = (request: Awaited<ReturnType<typeof startAuthorization>>, at: string) =>
  oidc.authorizationCodeGrant(rp, new URL(at), { pkceCodeVerifier: request.codeVerifier, expectedState: request.state, expectedNonce: request.nonce });

/** What a relying party's auto-submitted form sends: the request's parameters, form-encoded, from the RP's origin. */
const postAuthorization = async (browser: FormBrowser, request: Awaited<ReturnType<typeof startAuthorization>>) => {
  const endpoint = `${request.url.origin}${request.url.pathname}`;
  browser.lastUrl ||= endpoint;
  return browser.submit(endpoint, Object.fromEntries(request.url.searchParams), { origin: relyingPartyOrigin, withHiddenFields: false });
};

describe('authorization requests sent by POST (OIDC Core 3.1.2.1)', () => {
  test('a form-encoded POST reaches the sign-in page, and the sign-in ends at the callback with a code', async () => {
    const browser = new FormBrowser(redirectUri);
    const request = await startAuthorization(rp);
    const at = await postAuthorization(browser, request);
    expect(browser.lastStatus).toBe(200);
    expect(at).toMatch(/\/interaction\/[^/]+$/);
    const done = await browser.submit(browser.formAction('/login'), { username: 'luis', password });
    expect(done.startsWith(redirectUri)).toBe(true);
    expect((await exchange(request, done)).claims()).toMatchObject({ acr: 'urn:gatehouse:acr:pwd' });

    // The session is the same as for GET: a second POST goes straight back with a code.
    const again = await startAuthorization(rp);
    const silent = await postAuthorization(browser, again);
    expect(silent.startsWith(redirectUri)).toBe(true);
    expect((await exchange(again, silent)).claims()!.sub).toEqual(expect.any(String));
  });

  test('a POST whose body is not form-encoded is refused with a 400 that says so', async () => {
    const response = await fetch(`${gatehouse.issuer}/auth`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: 'app-a' }), redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('application/x-www-form-urlencoded');
  });
});

/** A `claims` parameter asking for an essential acr of one of `values`. */
const essentialAcr = (...values: string[]) => ({ claims: JSON.stringify({ id_token: { acr: values.length === 1 ? { essential: true, value: values[0] } : { essential: true, values } } }) });

/** The error a callback URL carries, with its state. */
const errorAt = (at: string) => {
  const url = new URL(at);
  return { error: url.searchParams.get('error'), state: url.searchParams.get('state'), code: url.searchParams.get('code') };
};

describe('an essential acr that cannot be met ends in an error redirect, never a sign-in loop', () => {
  test('an unknown essential value goes back to the relying party at once, before any sign-in page', async () => {
    const browser = new FormBrowser(redirectUri);
    const request = await startAuthorization(rp, essentialAcr('urn:example:acr:unknown'));
    const at = await browser.open(request.url.toString());
    expect(at.startsWith(redirectUri)).toBe(true);
    expect(errorAt(at)).toEqual({ error: 'unmet_authentication_requirements', state: request.state, code: null });
  });

  test('elevated access asked as essential by a person whose class has no AOD factor: an error after the password, no code', async () => {
    const browser = new FormBrowser(redirectUri);
    const request = await startAuthorization(rp, essentialAcr('urn:gatehouse:acr:aod'));
    await browser.open(request.url.toString());
    const at = await browser.submit(browser.formAction('/login'), { username: 'luis', password });
    expect(at.startsWith(redirectUri)).toBe(true);
    expect(errorAt(at)).toEqual({ error: 'unmet_authentication_requirements', state: request.state, code: null });
  });

  test('a second factor asked as essential by a person whose class has none: an error, not the sign-in page again', async () => {
    const browser = new FormBrowser(redirectUri);
    const request = await startAuthorization(rp, essentialAcr('urn:gatehouse:acr:mfa'));
    await browser.open(request.url.toString());
    const at = await browser.submit(browser.formAction('/login'), { username: 'luis', password });
    expect(at.startsWith(redirectUri)).toBe(true);
    expect(errorAt(at)).toEqual({ error: 'unmet_authentication_requirements', state: request.state, code: null });
  });

  test('inside a session, an essential acr the session cannot reach ends in the error too', async () => {
    const browser = new FormBrowser(redirectUri);
    const first = await startAuthorization(rp);
    await browser.open(first.url.toString());
    await browser.submit(browser.formAction('/login'), { username: 'luis', password });
    const request = await startAuthorization(rp, essentialAcr('urn:gatehouse:acr:aod'));
    const at = await browser.open(request.url.toString());
    expect(at.startsWith(redirectUri)).toBe(true);
    expect(errorAt(at)).toEqual({ error: 'unmet_authentication_requirements', state: request.state, code: null });
  });

  test('an essential acr that can be met is met: elevated access with the AOD factor, and the first reachable of several values', async () => {
    const browser = new FormBrowser(redirectUri);
    const request = await startAuthorization(rp, essentialAcr('urn:gatehouse:acr:aod'));
    await browser.open(request.url.toString());
    await browser.submit(browser.formAction('/login'), { username: 'ada', password });
    const done = await browser.submit(browser.formAction('/verify'), { code: await generate({ secret: adaSecret }) });
    expect((await exchange(request, done)).claims()).toMatchObject({ acr: 'urn:gatehouse:acr:aod' });

    // LUIS cannot reach mfa nor aod, but pwd is among the values.
    const other = new FormBrowser(redirectUri);
    const several = await startAuthorization(rp, essentialAcr('urn:example:acr:unknown', 'urn:gatehouse:acr:mfa', 'urn:gatehouse:acr:pwd'));
    await other.open(several.url.toString());
    const at = await other.submit(other.formAction('/login'), { username: 'luis', password });
    expect((await exchange(several, at)).claims()).toMatchObject({ acr: 'urn:gatehouse:acr:pwd' });
  });
});

describe('introspection and revocation answer only for the calling client\'s tokens, or for a resource server', () => {
  test('another client sees another client\'s tokens as inactive and cannot revoke them', async () => {
    const { tokens } = await signIn(rp, 'luis', password);
    expect(await oidc.tokenIntrospection(otherClient, tokens.access_token)).toEqual({ active: false });
    expect(await oidc.tokenIntrospection(otherClient, tokens.refresh_token!)).toEqual({ active: false });

    // Answered as for an unknown token (RFC 7009 2.2), and nothing is revoked.
    await oidc.tokenRevocation(otherClient, tokens.access_token);
    await oidc.tokenRevocation(otherClient, tokens.refresh_token!);
    expect(await oidc.tokenIntrospection(rp, tokens.access_token)).toMatchObject({ active: true, client_id: 'app-a' });
    expect(await oidc.tokenIntrospection(rp, tokens.refresh_token!)).toMatchObject({ active: true, client_id: 'app-a' });

    // The client's own tokens: introspected and revoked as before.
    await oidc.tokenRevocation(rp, tokens.refresh_token!);
    expect(await oidc.tokenIntrospection(rp, tokens.refresh_token!)).toEqual({ active: false });
  });

  test('a client registered as a resource server introspects every client\'s access tokens, but revokes none of them', async () => {
    const { tokens } = await signIn(rp, 'luis', password);
    const sub = (await oidc.tokenIntrospection(rp, tokens.access_token)).sub;
    expect(await oidc.tokenIntrospection(resourceServer, tokens.access_token)).toMatchObject({ active: true, client_id: 'app-a', sub, token_type: 'Bearer' });

    await oidc.tokenRevocation(resourceServer, tokens.access_token);
    expect(await oidc.tokenIntrospection(rp, tokens.access_token)).toMatchObject({ active: true });
  });

  test('`gatehouse client add --resource-server` registers a resource server, which the directory and the export show', async () => {
    const workDir = cliWorkDir();
    try {
      const database = { MONGODB_URI: gatehouse.config.mongodbUri!, MASTER_KEY: gatehouse.config.masterKey! };
      const added = await runGatehouse(workDir.path, database, ['client', 'add', '--resource-server', '--id', 'reports-api', '--json']);
      expect(added.code).toBe(0);
      const { client, client_secret: secret } = JSON.parse(added.stdout) as { client: Record<string, unknown>; client_secret: string };
      expect(client).toMatchObject({ client_id: 'reports-api', resource_server: true, admin_api: false, grant_types: ['client_credentials'] });
      const reports = await discoverRelyingParty(gatehouse.issuer, 'reports-api', secret);
      const { tokens } = await signIn(rp, 'luis', password);
      expect(await oidc.tokenIntrospection(reports, tokens.access_token)).toMatchObject({ active: true, client_id: 'app-a' });
      expect((await services.clients.list()).find((c) => c.client_id === 'app-b')).toMatchObject({ resource_server: false });
      expect(await services.clients.exportAll()).toEqual(expect.arrayContaining([expect.objectContaining({ client_id: 'reports-api', resource_server: true })]));
    } finally {
      workDir.remove();
    }
  });

  test('only a confidential client may be a resource server', async () => {
    await expect(services.clients.add({ client_id: 'spa', redirect_uris: [redirectUri], token_endpoint_auth_method: 'none', resource_server: true })).rejects.toThrow(/resource_server: .*confidential/);
    await expect(services.clients.add({ client_id: 'spa', redirect_uris: [redirectUri], resource_server: 'yes' })).rejects.toThrow('resource_server: true or false.');
  });
});

describe('the roles scope', () => {
  test('releases the person\'s roles as a `roles` claim, in userinfo and the ID token; without the scope there is none', async () => {
    const discovery = await (await fetch(`${gatehouse.issuer}/.well-known/openid-configuration`)).json() as { scopes_supported: string[]; claims_supported: string[] };
    expect(discovery.scopes_supported).toContain('roles');
    expect(discovery.claims_supported).toContain('roles');

    const { tokens } = await signIn(rp, 'luis', password, { scope: 'openid roles' });
    const sub = tokens.claims()!.sub;
    expect((await oidc.fetchUserInfo(rp, tokens.access_token, sub)).roles).toEqual(['orders-reader', 'billing']);
    // Asked for in the ID token through the claims parameter.
    const { tokens: withClaim } = await signIn(rp, 'luis', password, { scope: 'openid roles', claims: JSON.stringify({ id_token: { roles: null } }) });
    expect(withClaim.claims()!.roles).toEqual(['orders-reader', 'billing']);

    const { tokens: without } = await signIn(rp, 'luis', password, { scope: 'openid profile' });
    expect((await oidc.fetchUserInfo(rp, without.access_token, sub)).roles).toBeUndefined();
  });

  test('a person without roles gets an empty list: "no roles", not "not released"', async () => {
    const { tokens } = await signIn(rp, 'ada', password, { scope: 'openid roles' });
    expect((await oidc.fetchUserInfo(rp, tokens.access_token, tokens.claims()!.sub)).roles).toEqual([]);
  });
});
