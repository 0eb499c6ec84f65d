import { createHash } from 'node:crypto';
import request from 'supertest';
import { createAdminSession } from '../../src/admin/console/createAdminSession.ts';
import { createAccountSession } from '../../src/account/createAccountSession.ts';
import { createApp } from '../../src/app.ts';
import { createLogger } from '../../src/logging/createLogger.ts';
import { createProvider } from '../../src/oidc/createProvider.ts';
import { loadCookieKeys, loadSigningKeys } from '../../src/oidc/keyring.ts';
import { FormBrowser } from '../support/formBrowser.ts';
import { discoverRelyingParty, redirectUri, startAuthorization } from '../support/relyingParty.ts';
import { newMasterKey, openTestServices, startTestGatehouse, testConfig, testDatabaseUri } from '../support/testGatehouse.ts';

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let clientSecret: string;

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  clientSecret = (await services.clients.add({ client_id: 'web-app', redirect_uris: [redirectUri], first_party: true })).clientSecret!;
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
});

describe('health', () => {
  test('/healthz answers 200', async () => {
    const response = await fetch(`${gatehouse.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  test('/readyz answers 200 when the database answers', async () => {
    const response = await fetch(`${gatehouse.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready' });
  });

  test('/readyz answers 503 when the database does not', async () => {
    // The same app, built over a store whose connection is then closed.
    const config = testConfig({ mongodbUri: testDatabaseUri(), masterKey: newMasterKey() });
    const own = await openTestServices(config);
    const provider = await createProvider({ config, connection: own.store.connection, secretBox: own.secretBox, persons: own.persons, clients: own.clients });
    const app = createApp({ config, logger: createLogger('silent'), provider, services: own, firstParty: { account: createAccountSession({ config, services: own, logger: createLogger('silent') }), admin: createAdminSession({ config, services: own, logger: createLogger('silent') }) } });
    await own.store.close();
    const response = await request(app.callback()).get('/readyz');
    expect(response.status).toBe(503);
    expect(await request(app.callback()).get('/healthz').then((r) => r.status)).toBe(200);
  });
});

describe('security headers', () => {
  test('the sign-in page is sent with CSP, frame and sniffing protection, and is not cached', async () => {
    const rp = await discoverRelyingParty(gatehouse.issuer, 'web-app', clientSecret);
    const { url } = await startAuthorization(rp);
    const browser = new FormBrowser(redirectUri);
    const page = await browser.open(url.toString());
    expect(page).toMatch(/\/interaction\/[^/]+$/);
    expect(browser.lastStatus).toBe(200);
    expect(browser.lastPage).toContain('name="password"');
    const headers = browser.lastHeaders;
    const csp = headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(headers.get('x-frame-options')).toBe('DENY');
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('referrer-policy')).toBe('same-origin');
    expect(headers.get('cache-control')).toBe('no-store');
    // Development configuration: no HSTS on plain http.
    expect(headers.get('strict-transport-security')).toBeNull();
  });

  test('provider responses carry the headers too, and an auto-submitting form may run its one script', async () => {
    // Without a session, /session/end answers with oidc-provider's self-submitting form.
    const response = await fetch(`${gatehouse.url}/session/end?client_id=web-app`);
    expect(response.status).toBe(200);
    const html = await response.text();
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const digest = createHash('sha256').update(script).digest('base64');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).toContain(`'sha256-${digest}'`);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('discovery', () => {
  test('offers the authorization code flow with S256 PKCE only', async () => {
    const response = await fetch(`${gatehouse.url}/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    const discovery = (await response.json()) as Record<string, unknown>;
    expect(discovery.issuer).toBe(gatehouse.issuer);
    expect(discovery.code_challenge_methods_supported).toEqual(['S256']);
    expect(discovery.response_types_supported).toEqual(['code']);
    expect(discovery.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token']));
    expect(discovery.grant_types_supported).not.toContain('implicit');
    expect(discovery.id_token_signing_alg_values_supported).toEqual(['RS256']);
    expect(discovery.scopes_supported).toEqual(expect.arrayContaining(['openid', 'offline_access', 'profile', 'email', 'phone']));
    for (const endpoint of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri', 'end_session_endpoint', 'introspection_endpoint', 'revocation_endpoint']) {
      expect({ endpoint, url: String(discovery[endpoint]) }).toEqual({ endpoint, url: expect.stringMatching(new RegExp(`^${gatehouse.issuer}/`)) });
    }
  });
});

describe('secrets at rest', () => {
  test('client secrets are stored sealed, never in plain text', async () => {
    const known = 'a-client-secret-that-is-long-enough-0123456789';
    await services.clients.add({ client_id: 'sealed-app', client_secret: known, redirect_uris: [redirectUri] });
    const raw = await services.store.connection.collection('clients').find().toArray();
    // The account page's and the admin view's own clients (registered at start) is kept sealed like the others.
    expect(raw.map((doc) => doc._id).toSorted()).toEqual(['gatehouse-account', 'gatehouse-admin', 'sealed-app', 'web-app']);
    const text = JSON.stringify(raw);
    expect(text).not.toContain(known);
    expect(text).not.toContain(clientSecret);
    expect(text).not.toContain(Buffer.from(known).toString('base64'));
    expect(raw.every((doc) => typeof doc.sealedSecret === 'string' && doc.sealedSecret.startsWith('v1.'))).toBe(true);
    // …and the sealed secret is the one that works: the directory opens it for the provider.
    expect(await services.clients.providerMetadata('sealed-app')).toMatchObject({ client_secret: known });
  });

  test('signing keys and cookie keys are stored sealed: no private key parameter appears', async () => {
    const signing = await loadSigningKeys(services.store.connection, services.secretBox);
    const cookies = await loadCookieKeys(services.store.connection, services.secretBox);
    const raw = await services.store.connection.collection('keyring').find().toArray();
    expect(raw.map((doc) => doc._id).toSorted()).toEqual(['cookies', 'signing']);
    const text = JSON.stringify(raw);
    expect(signing.keys.length).toBeGreaterThan(0);
    for (const key of signing.keys) {
      for (const parameter of ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const) {
        const value = key[parameter];
        expect(typeof value).toBe('string');
        expect(text).not.toContain(value as string);
      }
      expect(text).not.toContain('"d":');
    }
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookieKey of cookies) expect(text).not.toContain(cookieKey);
  });

  test('the published JWKS carries public keys only', async () => {
    const jwks = (await (await fetch(`${gatehouse.url}/jwks`)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'RSA', use: 'sig', alg: 'RS256' });
      for (const parameter of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(parameter);
    }
  });
});
