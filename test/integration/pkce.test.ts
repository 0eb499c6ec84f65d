import * as oidc from 'openid-client';
import { createArtefactKeys } from '../../src/oidc/createArtefactKeys.ts';
import { oidcArtefactModel } from '../../src/store/models/oidcArtefactModel.ts';
import { FormBrowser } from '../support/formBrowser.ts';
import { discoverRelyingParty, oauthErrorOf, redirectUri, startAuthorization } from '../support/relyingParty.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let rp: oidc.Configuration;
let publicRp: oidc.Configuration;

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  const { clientSecret } = await services.clients.add({ client_id: 'web-app', redirect_uris: [redirectUri], first_party: true });
  await services.clients.add({ client_id: 'mobile-app', redirect_uris: [redirectUri], token_endpoint_auth_method: 'none', first_party: true });
  await services.persons.add({ name: 'EVA', password: 'correct horse battery' });
  rp = await discoverRelyingParty(gatehouse.issuer, 'web-app', clientSecret);
  publicRp = await discoverRelyingParty(gatehouse.issuer, 'mobile-app');
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
});

const codesIssued = () => oidcArtefactModel(services.store.connection, 'AuthorizationCode').countDocuments();
const accessTokens = () => oidcArtefactModel(services.store.connection, 'AccessToken').countDocuments();

/**
 * Opens an authorization request built by hand (so PKCE can be left out or weakened) and
 * signs in if the login page comes. Returns where the browser ended.
 */
async function authorize(config: oidc.Configuration, parameters: Record<string, string>) {
  const browser = new FormBrowser(redirectUri);
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: redirectUri, scope: 'openid', state: oidc.randomState(), ...parameters });
  let at = await browser.open(url.toString());
  if (!at.startsWith(redirectUri) && browser.lastPage.includes('/login')) {
    at = await browser.submit(browser.formAction('/login'), { username: 'eva', password: 'correct horse battery' });
  }
  return { at, browser };
}

/** A full sign-in up to the callback, without redeeming the code. */
async function callbackWithCode(config: oidc.Configuration) {
  const request = await startAuthorization(config);
  const browser = new FormBrowser(redirectUri);
  await browser.open(request.url.toString());
  const at = await browser.submit(browser.formAction('/login'), { username: 'eva', password: 'correct horse battery' });
  expect(new URL(at).searchParams.get('code')).toEqual(expect.any(String));
  return { ...request, callback: new URL(at) };
}

describe.each([
  ['a confidential client', () => rp],
  ['a public client', () => publicRp],
])('for %s', (_label, config) => {
  test('an authorization request without code_challenge is refused before any sign-in', async () => {
    const before = await codesIssued();
    const { at, browser } = await authorize(config(), {});
    const callback = new URL(at);
    expect(at.startsWith(redirectUri)).toBe(true);
    expect(callback.searchParams.get('code')).toBeNull();
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toMatch(/PKCE/);
    expect(browser.visited.some((visit) => visit.includes('/interaction/'))).toBe(false);
    expect(await codesIssued()).toBe(before);
  });

  test('code_challenge_method=plain is refused', async () => {
    const before = await codesIssued();
    const verifier = oidc.randomPKCECodeVerifier();
    const { at, browser } = await authorize(config(), { code_challenge: verifier, code_challenge_method: 'plain' });
    const callback = new URL(at);
    expect(callback.searchParams.get('code')).toBeNull();
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toMatch(/code_challenge_method/);
    expect(browser.visited.some((visit) => visit.includes('/interaction/'))).toBe(false);
    expect(await codesIssued()).toBe(before);
  });

  test('a code_challenge without code_challenge_method is refused (plain is the implied default)', async () => {
    const { at } = await authorize(config(), { code_challenge: oidc.randomPKCECodeVerifier() });
    expect(new URL(at).searchParams.get('code')).toBeNull();
    expect(new URL(at).searchParams.get('error')).toBe('invalid_request');
  });

  test('a token request with the wrong code_verifier gets invalid_grant and no tokens', async () => {
    const { callback, state } = await callbackWithCode(config());
    const before = await accessTokens();
    const wrong = oidc.randomPKCECodeVerifier();
    expect(await oauthErrorOf(oidc.authorizationCodeGrant(config(), callback, { pkceCodeVerifier: wrong, expectedState: state }))).toBe('invalid_grant');
    expect(await accessTokens()).toBe(before);
  });

  test('a token request without code_verifier gets invalid_grant', async () => {
    const { callback } = await callbackWithCode(config());
    const code = callback.searchParams.get('code')!;
    // openid-client always sends the verifier it is given; leave it out with a generic grant request.
    expect(await oauthErrorOf(oidc.genericGrantRequest(config(), 'authorization_code', { code, redirect_uri: redirectUri }))).toBe('invalid_grant');
  });

  test('a code redeemed twice fails the second time, and the tokens of the first redemption are revoked', async () => {
    const { callback, state, codeVerifier, nonce } = await callbackWithCode(config());
    const checks = { pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce };
    const tokens = await oidc.authorizationCodeGrant(config(), callback, checks);
    expect(tokens.access_token).toEqual(expect.any(String));
    const sub = tokens.claims()!.sub;
    expect(await oidc.fetchUserInfo(config(), tokens.access_token, sub)).toMatchObject({ sub });

    expect(await oauthErrorOf(oidc.authorizationCodeGrant(config(), callback, checks))).toBe('invalid_grant');

    await expect(oidc.fetchUserInfo(config(), tokens.access_token, sub)).rejects.toThrow();
    expect(await oidcArtefactModel(services.store.connection, 'AccessToken').findById(createArtefactKeys(services.secretBox).hash(tokens.access_token)).lean()).toBeNull();
    if (tokens.refresh_token) expect(await oauthErrorOf(oidc.refreshTokenGrant(config(), tokens.refresh_token))).toBe('invalid_grant');
  });
});

// The baseline of the refusals above: the same client and person succeed with S256.
test('the public client gets tokens with S256 and the right code_verifier', async () => {
  const { callback, codeVerifier, state, nonce } = await callbackWithCode(publicRp);
  const tokens = await oidc.authorizationCodeGrant(publicRp, callback, { pkceCodeVerifier: codeVerifier, expectedState: state, expectedNonce: nonce });
  expect(tokens.claims()!.aud).toBe('mobile-app');
});
