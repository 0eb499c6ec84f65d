import * as oidc from 'openid-client';
import { FormBrowser } from './formBrowser.ts';

export const redirectUri = 'http://127.0.0.1:9/callback';
export const postLogoutRedirectUri = 'http://127.0.0.1:9/signed-out';

/** openid-client 6 as a relying party of a test Gatehouse (plain http on loopback). */
export async function discoverRelyingParty(issuer: string, clientId: string, clientSecret?: string): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuer), clientId, clientSecret, clientSecret ? undefined : oidc.None(), {
    execute: [oidc.allowInsecureRequests],
  });
}

/** Starts an authorization request with PKCE S256 and a state; returns what the callback needs. */
export async function startAuthorization(config: oidc.Configuration, parameters: Record<string, string> = {}) {
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid profile email',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...parameters,
  });
  return { url, codeVerifier, state, nonce };
}

/**
 * The whole front channel: opens the authorization URL, signs in on the hosted page with
 * `username`/`password` (and allows consent when asked), and exchanges the code.
 */
export async function signIn(config: oidc.Configuration, username: string, password: string, parameters: Record<string, string> = {}, browser = new FormBrowser(redirectUri)) {
  const request = await startAuthorization(config, parameters);
  let at = await browser.open(request.url.toString());
  if (!at.startsWith(redirectUri)) {
    at = await browser.submit(browser.formAction('/login'), { username, password });
  }
  if (!at.startsWith(redirectUri) && browser.lastPage.includes('/confirm')) {
    at = await browser.submit(browser.formAction('/confirm'), {});
  }
  if (!at.startsWith(redirectUri)) throw new Error(`Sign-in did not reach the callback (HTTP ${browser.lastStatus} at ${at}):\n${browser.lastPage.slice(0, 1500)}`);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(at), {
    pkceCodeVerifier: request.codeVerifier,
    expectedState: request.state,
    expectedNonce: request.nonce,
  });
  return { tokens, browser, callbackUrl: at };
}

/**
 * The OAuth error code (`invalid_grant`, …) a call to the provider was refused with.
 * Fails the test when the call succeeds, or fails for any other reason.
 */
export async function oauthErrorOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    const code = (error as { error?: unknown }).error;
    if (typeof code === 'string') return code;
    throw error;
  }
  throw new Error('The request succeeded, but a refusal was expected.');
}
