import * as oidc from 'openid-client';
import { createArtefactKeys } from '../../src/oidc/createArtefactKeys.ts';
import { oidcArtefactModel } from '../../src/store/models/oidcArtefactModel.ts';
import { FormBrowser } from '../support/formBrowser.ts';
import { discoverRelyingParty, oauthErrorOf, postLogoutRedirectUri, redirectUri, signIn, startAuthorization } from '../support/relyingParty.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let rp: oidc.Configuration;
let sub: string;

// Stops at the relying party for both the sign-in callback and the post-logout redirect.
const relyingPartyOrigin = new URL(redirectUri).origin;

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  const { clientSecret } = await services.clients.add({
    client_id: 'web-app',
    client_name: 'Web App',
    redirect_uris: [redirectUri],
    post_logout_redirect_uris: [postLogoutRedirectUri],
    first_party: true,
  });
  sub = (await services.persons.add({ name: 'LUIS', password: 'correct horse battery' })).sub;
  rp = await discoverRelyingParty(gatehouse.issuer, 'web-app', clientSecret);
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
});

/** Opens a new authorization request in `browser`; returns where it ended (callback or a page). */
async function authorizeAgain(browser: FormBrowser) {
  const request = await startAuthorization(rp);
  return browser.open(request.url.toString());
}

const liveSessionsOf = (accountId: string) =>
  oidcArtefactModel(services.store.connection, 'Session').countDocuments({ 'payload.accountId': accountId, expiresAt: { $gt: new Date() } });

describe('RP-initiated logout', () => {
  test('the logout form ends the session: the next authorization request asks for the password again', async () => {
    const browser = new FormBrowser(relyingPartyOrigin);
    const { tokens } = await signIn(rp, 'luis', 'correct horse battery', {}, browser);

    // Signed in: a new authorization request goes straight back with a code.
    const silent = new URL(await authorizeAgain(browser));
    expect(silent.pathname).toBe('/callback');
    expect(silent.searchParams.get('code')).toEqual(expect.any(String));
    expect(await liveSessionsOf(sub)).toBe(1);

    const state = oidc.randomState();
    const endSession = oidc.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: postLogoutRedirectUri, state });
    const logoutPage = await browser.open(endSession.toString());
    expect(logoutPage.startsWith(gatehouse.issuer)).toBe(true);
    const hidden = browser.hiddenFields('op.logoutForm');
    expect(hidden.xsrf).toEqual(expect.any(String));

    const back = new URL(await browser.submit(browser.formAction('/session/end/confirm'), { ...hidden, logout: 'yes' }));
    expect(back.origin + back.pathname).toBe(postLogoutRedirectUri);
    expect(back.searchParams.get('state')).toBe(state);

    // The session is gone from the database, and the browser is asked to sign in again.
    expect(await liveSessionsOf(sub)).toBe(0);
    const after = await authorizeAgain(browser);
    expect(after.startsWith(redirectUri)).toBe(false);
    expect(after).toMatch(/\/interaction\/[^/]+$/);
    expect(browser.formAction('/login')).toMatch(/\/interaction\/[^/]+\/login$/);
  });

  test('answering "No" on the logout page keeps the person signed in', async () => {
    const browser = new FormBrowser(relyingPartyOrigin);
    const { tokens } = await signIn(rp, 'luis', 'correct horse battery', {}, browser);
    await browser.open(oidc.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: postLogoutRedirectUri }).toString());
    await browser.submit(browser.formAction('/session/end/confirm'), browser.hiddenFields('op.logoutForm'));

    const silent = new URL(await authorizeAgain(browser));
    expect(silent.pathname).toBe('/callback');
    expect(silent.searchParams.get('code')).toEqual(expect.any(String));
  });

  test('a logout form without the right xsrf value does not end the session', async () => {
    const browser = new FormBrowser(relyingPartyOrigin);
    const { tokens } = await signIn(rp, 'luis', 'correct horse battery', {}, browser);
    await browser.open(oidc.buildEndSessionUrl(rp, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: postLogoutRedirectUri }).toString());
    const action = browser.formAction('/session/end/confirm');
    const at = await browser.submit(action, { xsrf: 'forged', logout: 'yes' });
    expect(at.startsWith(postLogoutRedirectUri)).toBe(false);
    expect(browser.lastStatus).toBe(400);

    const silent = new URL(await authorizeAgain(browser));
    expect(silent.searchParams.get('code')).toEqual(expect.any(String));
  });
});

describe('introspection and revocation', () => {
  test('a live access token introspects as active, with the person and the client', async () => {
    const { tokens } = await signIn(rp, 'luis', 'correct horse battery');
    const introspection = await oidc.tokenIntrospection(rp, tokens.access_token);
    expect(introspection).toMatchObject({ active: true, sub, client_id: 'web-app', token_type: 'Bearer' });
    expect(introspection.scope?.split(' ')).toEqual(expect.arrayContaining(['openid', 'profile', 'email']));
    expect(introspection.exp).toBeGreaterThan(Date.now() / 1000);
  });

  test('a revoked access token introspects as inactive, no longer opens userinfo, and takes the refresh token of its grant with it', async () => {
    const { tokens } = await signIn(rp, 'luis', 'correct horse battery');
    expect(await oidc.fetchUserInfo(rp, tokens.access_token, sub)).toMatchObject({ sub });

    await oidc.tokenRevocation(rp, tokens.access_token);

    expect(await oidc.tokenIntrospection(rp, tokens.access_token)).toEqual({ active: false });
    await expect(oidc.fetchUserInfo(rp, tokens.access_token, sub)).rejects.toThrow();
    expect(await oidcArtefactModel(services.store.connection, 'AccessToken').findById(createArtefactKeys(services.secretBox).hash(tokens.access_token)).lean()).toBeNull();
    // oidc-provider revokes the other tokens of the grant with it (RFC 7009 section 2.1 allows it).
    expect(await oauthErrorOf(oidc.refreshTokenGrant(rp, tokens.refresh_token!))).toBe('invalid_grant');
  });

  test('a revoked refresh token ends the grant: its access tokens stop working too', async () => {
    const { tokens } = await signIn(rp, 'luis', 'correct horse battery');
    await oidc.tokenRevocation(rp, tokens.refresh_token!);

    expect(await oidc.tokenIntrospection(rp, tokens.refresh_token!)).toEqual({ active: false });
    expect(await oidc.tokenIntrospection(rp, tokens.access_token)).toEqual({ active: false });
    expect(await oauthErrorOf(oidc.refreshTokenGrant(rp, tokens.refresh_token!))).toBe('invalid_grant');
  });

  test('an unknown token introspects as inactive', async () => {
    expect(await oidc.tokenIntrospection(rp, 'no-such-token-0123456789abcdefghijklmnop')).toEqual({ active: false });
  });
});
