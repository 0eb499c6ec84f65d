import * as oidc from 'openid-client';
import { FormBrowser } from '../support/formBrowser.ts';
import { discoverRelyingParty, redirectUri, signIn, startAuthorization } from '../support/relyingParty.ts';
import { startSwitchableProxy, type SwitchableProxy } from '../support/switchableProxy.ts';
import { newMasterKey, openTestServices, startTestGatehouse, testDatabaseUri } from '../support/testGatehouse.ts';

type Gatehouse = Awaited<ReturnType<typeof startTestGatehouse>>;
type Jwks = { keys: { kid: string; d?: string }[] };

const password = 'correct horse battery';

async function jwksOf(url: string): Promise<Jwks> {
  const response = await fetch(`${url}/jwks`);
  expect(response.status).toBe(200);
  return (await response.json()) as Jwks;
}

const kidOf = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;

describe('two instances behind one issuer, on one database', () => {
  let proxy: SwitchableProxy;
  let a: Gatehouse;
  let b: Gatehouse;
  let services: Awaited<ReturnType<typeof openTestServices>>;
  let rp: oidc.Configuration;
  let sub: string;
  const mongodbUri = testDatabaseUri();
  const masterKey = newMasterKey();

  beforeAll(async () => {
    proxy = await startSwitchableProxy();
    // Both start together on an empty database: they race to create the keys.
    [a, b] = await Promise.all([
      startTestGatehouse({ mongodbUri, masterKey, issuer: proxy.url }),
      startTestGatehouse({ mongodbUri, masterKey, issuer: proxy.url }),
    ]);
    services = await openTestServices(a.config);
    const { clientSecret } = await services.clients.add({ client_id: 'web-app', redirect_uris: [redirectUri], first_party: true });
    sub = (await services.persons.add({ name: 'NOA', password })).sub;
    proxy.routeTo(a.url);
    rp = await discoverRelyingParty(proxy.url, 'web-app', clientSecret);
  });

  afterAll(async () => {
    await services?.store.close();
    await Promise.all([a?.stop(), b?.stop()]);
    await proxy?.stop();
  });

  test('both publish the same JWKS (public keys only)', async () => {
    const [fromA, fromB] = await Promise.all([jwksOf(a.url), jwksOf(b.url)]);
    expect(fromA.keys.length).toBeGreaterThan(0);
    expect(fromB).toEqual(fromA);
    expect(fromA.keys.every((key) => key.d === undefined)).toBe(true);
  });

  test('an access token and an ID token issued by A are accepted by B', async () => {
    proxy.routeTo(a.url);
    const { tokens, browser } = await signIn(rp, 'noa', password);
    expect(kidOf(tokens.id_token!)).toBe((await jwksOf(b.url)).keys[0]!.kid);

    proxy.routeTo(b.url);
    const served = proxy.log.length;
    expect(await oidc.fetchUserInfo(rp, tokens.access_token, sub)).toMatchObject({ sub });
    expect(await oidc.tokenIntrospection(rp, tokens.access_token)).toMatchObject({ active: true, sub, client_id: 'web-app' });
    // B accepts A's ID token as id_token_hint (and A's session): it asks to confirm the logout.
    await browser.open(oidc.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token! }).toString());
    expect(browser.lastStatus).toBe(200);
    expect(browser.lastPage).toContain('Do you want to sign out');
    expect(browser.hiddenFields('op.logoutForm').xsrf).toEqual(expect.any(String));
    // B rotates A's refresh token.
    const refreshed = await oidc.refreshTokenGrant(rp, tokens.refresh_token!);
    expect(refreshed.claims()!.sub).toBe(sub);

    const backends = new Set(proxy.log.slice(served).map((entry) => entry.backend));
    expect(backends).toEqual(new Set([b.url]));
  });

  test('a sign-in started on one instance is finished on another, after the first has stopped', async () => {
    const c = await startTestGatehouse({ mongodbUri, masterKey, issuer: proxy.url });
    proxy.routeTo(c.url);
    const request = await startAuthorization(rp);
    const browser = new FormBrowser(redirectUri);
    const loginPage = await browser.open(request.url.toString());
    expect(loginPage).toMatch(/\/interaction\/[^/]+$/);
    expect(proxy.log.at(-1)).toMatchObject({ backend: c.url, status: 200 });
    await c.stop();

    proxy.routeTo(b.url);
    const served = proxy.log.length;
    const at = await browser.submit(browser.formAction('/login'), { username: 'noa', password });
    expect(at.startsWith(redirectUri)).toBe(true);
    const tokens = await oidc.authorizationCodeGrant(rp, new URL(at), {
      pkceCodeVerifier: request.codeVerifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    expect(tokens.claims()!.sub).toBe(sub);
    const handled = proxy.log.slice(served);
    expect(handled.find((entry) => entry.method === 'POST' && entry.path.endsWith('/login'))).toMatchObject({ backend: b.url, status: 303 });
    expect(handled.every((entry) => entry.backend === b.url)).toBe(true);
  });

  test('a session made on B is honoured by A', async () => {
    proxy.routeTo(b.url);
    const { browser } = await signIn(rp, 'noa', password);
    proxy.routeTo(a.url);
    const seen = browser.visited.length;
    const again = await browser.open((await startAuthorization(rp)).url.toString());
    expect(new URL(again).searchParams.get('code')).toEqual(expect.any(String));
    expect(browser.visited.slice(seen).some((visit) => visit.includes('/interaction/'))).toBe(false);
  });
});

describe('a restart on the same database and port', () => {
  const mongodbUri = testDatabaseUri();
  const masterKey = newMasterKey();
  let first: Gatehouse;
  let second: Gatehouse | undefined;

  afterAll(async () => {
    await first?.stop();
    await second?.stop();
  });

  test('keeps the session cookie, the refresh token and the signing key', async () => {
    first = await startTestGatehouse({ mongodbUri, masterKey });
    const services = await openTestServices(first.config);
    const { clientSecret } = await services.clients.add({ client_id: 'web-app', redirect_uris: [redirectUri], first_party: true });
    await services.persons.add({ name: 'NOA', password });
    await services.store.close();
    const rp = await discoverRelyingParty(first.issuer, 'web-app', clientSecret);
    const { tokens, browser } = await signIn(rp, 'noa', password);
    const kidBefore = (await jwksOf(first.url)).keys.map((key) => key.kid);
    await first.stop();

    second = await startTestGatehouse({ mongodbUri, masterKey, port: first.config.port });
    expect(second.issuer).toBe(first.issuer);
    expect((await jwksOf(second.url)).keys.map((key) => key.kid)).toEqual(kidBefore);

    // The browser's session cookie still signs the person in: no password page.
    const seen = browser.visited.length;
    const request = await startAuthorization(rp);
    const at = await browser.open(request.url.toString());
    expect(browser.visited.slice(seen).some((visit) => visit.includes('/interaction/'))).toBe(false);
    const again = await oidc.authorizationCodeGrant(rp, new URL(at), {
      pkceCodeVerifier: request.codeVerifier,
      expectedState: request.state,
      expectedNonce: request.nonce,
    });
    expect(again.claims()!.sub).toBe(tokens.claims()!.sub);
    expect(kidOf(again.id_token!)).toBe(kidBefore[0]);

    // The refresh token issued before the restart still works.
    const refreshed = await oidc.refreshTokenGrant(rp, tokens.refresh_token!);
    expect(refreshed.access_token).toEqual(expect.any(String));
    expect(await oidc.fetchUserInfo(rp, tokens.access_token, tokens.claims()!.sub)).toMatchObject({ sub: tokens.claims()!.sub });
  });

  test('another master key does not start on the same database (no silent new keys)', async () => {
    await expect(startTestGatehouse({ mongodbUri, masterKey: newMasterKey() })).rejects.toThrow(/master key/i);
  });
});
