import * as oidc from 'openid-client';
import type { SecretBox } from '../security/secretBox.ts';
import { ensureFirstPartyClient, type FirstPartyClient, type FirstPartyClientStore } from './firstPartyClient.ts';

/** Why the page sends the person to the provider: a first sign-in, or a recent one before a change. */
export type SignInPurpose = 'sign-in' | 'reauthenticate';

/** What the callback needs of the request it answers; kept sealed in a short-lived cookie. */
export type PendingSignIn = { state: string; nonce: string; codeVerifier: string; purpose: SignInPurpose; startedAt: number; expiresAt: number; returnTo?: string };

/** What the ID token says of the sign-in that opened the page's session. */
export type FirstPartySignInResult = { sub: string; authTime: Date; amr: string[]; acr?: string };

/** How long the person has to finish the sign-in at the provider. */
export const pendingSignInSeconds = 15 * 60;

type Dependencies = {
  issuer: string;
  client: FirstPartyClient;
  /** Asked with acr_values (step-up) and as an essential acr claim: the provider then signs the person in to meet it, or refuses. */
  requiredAcr?: string;
  /** The context the pending sign-in is sealed under: one per page, so a cookie of one is nothing to another. */
  sealContext: string;
  secretBox: SecretBox;
  clients: FirstPartyClientStore;
};

/**
 * A first-party page as a relying party of its own provider: an authorization request
 * with PKCE (S256), state and nonce, and the code exchange with openid-client. The
 * browser is sent to the public issuer URL; the back channel (discovery, token, JWKS)
 * goes to the address this very server was reached on, so a server that cannot reach its
 * public URL (a load balancer without hairpin) still signs persons in. The ID token is
 * checked against the configured issuer all the same.
 */
export function createFirstPartySignIn({ issuer, client, requiredAcr, sealContext, secretBox, clients }: Dependencies) {
  const { clientId, redirectUri } = client;
  const configurations = new Map<string, Promise<oidc.Configuration>>();

  /** The client secret as stored now (it is the same for every instance). */
  async function clientSecret(): Promise<string> {
    const metadata = await clients.providerMetadata(clientId);
    const secret = metadata?.client_secret;
    if (typeof secret !== 'string') throw new Error(`The client ${clientId} is missing or has no secret.`);
    return secret;
  }

  /** openid-client's view of the provider, reached at `localOrigin`; one per origin and secret. */
  function configurationFor(localOrigin: string, secret: string): Promise<oidc.Configuration> {
    const key = `${localOrigin} ${secret}`;
    let configuration = configurations.get(key);
    if (!configuration) {
      const toLocal: oidc.CustomFetch = (url, options) => fetch(url.startsWith(`${issuer}/`) ? `${localOrigin}${url.slice(issuer.length)}` : url, options as RequestInit);
      configuration = oidc.discovery(new URL(issuer), clientId, undefined, oidc.ClientSecretBasic(secret), {
        [oidc.customFetch]: toLocal,
        execute: [oidc.allowInsecureRequests],
      });
      configuration.catch(() => configurations.delete(key));
      configurations.clear();
      configurations.set(key, configuration);
    }
    return configuration;
  }

  return {
    /**
     * A new authorization request: the URL of the provider's /auth to send the browser
     * to, and the sealed value of the cookie the callback opens. The client is put back
     * first if someone removed it.
     */
    async start(purpose: SignInPurpose, options: { loginHint?: string; now?: number; returnTo?: string } = {}): Promise<{ url: string; sealed: string }> {
      if (!(await clients.providerMetadata(clientId))) await ensureFirstPartyClient(clients, client);
      const now = options.now ?? Date.now();
      const pending: PendingSignIn = {
        state: oidc.randomState(),
        nonce: oidc.randomNonce(),
        codeVerifier: oidc.randomPKCECodeVerifier(),
        purpose,
        startedAt: now,
        expiresAt: now + pendingSignInSeconds * 1000,
        ...(options.returnTo ? { returnTo: options.returnTo } : {}),
      };
      const parameters = new URLSearchParams({
        client_id: clientId,
        response_type: 'code',
        redirect_uri: redirectUri,
        scope: 'openid',
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
        code_challenge_method: 'S256',
        // auth_time tells the page how recent the sign-in is; a required acr is essential, so that no class reaches it by another way (a class without an AOD factor gets no elevated access).
        claims: JSON.stringify({ id_token: { auth_time: { essential: true }, ...(requiredAcr ? { acr: { essential: true, value: requiredAcr } } : {}) } }),
      });
      if (requiredAcr) parameters.set('acr_values', requiredAcr);
      if (purpose === 'reauthenticate') parameters.set('prompt', 'login');
      if (options.loginHint) parameters.set('login_hint', options.loginHint);
      return { url: `${issuer}/auth?${parameters}`, sealed: secretBox.seal(JSON.stringify(pending), sealContext) };
    },

    /** The pending sign-in of a cookie value, or undefined (absent, tampered with, or expired). */
    open(sealed: string | undefined, now = Date.now()): PendingSignIn | undefined {
      if (!sealed) return undefined;
      try {
        const pending = JSON.parse(secretBox.open(sealed, sealContext)) as PendingSignIn;
        return pending.expiresAt > now ? pending : undefined;
      } catch {
        return undefined;
      }
    },

    /**
     * Checks the authorization response (`query`: the callback's query string) against
     * the pending request and exchanges the code. Throws openid-client's errors: an
     * AuthorizationResponseError when the provider answered with an error (the person
     * cancelled), a ResponseBodyError when the token endpoint refused the code.
     */
    async finish(pending: PendingSignIn, query: string, localOrigin: string): Promise<FirstPartySignInResult> {
      const configuration = await configurationFor(localOrigin, await clientSecret());
      const tokens = await oidc.authorizationCodeGrant(configuration, new URL(`${redirectUri}?${query}`), {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims()!;
      return {
        sub: claims.sub,
        // Without auth_time the sign-in counts as old: a change asks for a new one.
        authTime: new Date(typeof claims.auth_time === 'number' ? claims.auth_time * 1000 : 0),
        amr: Array.isArray(claims.amr) ? claims.amr.filter((value): value is string => typeof value === 'string') : [],
        ...(typeof claims.acr === 'string' ? { acr: claims.acr } : {}),
      };
    },
  };
}

export type FirstPartySignIn = ReturnType<typeof createFirstPartySignIn>;
