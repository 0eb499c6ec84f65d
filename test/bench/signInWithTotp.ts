import * as oidc from 'openid-client';
import { generate } from 'otplib';
import { FormBrowser } from '../support/formBrowser.ts';
import { redirectUri, startAuthorization } from '../support/relyingParty.ts';

export type BenchPerson = { userId: string; sub: string; secret: string };

/**
 * One complete sign-in, as a browser and a relying party do it: authorization request
 * with PKCE → sign-in page → user ID, password and the current TOTP code in one POST →
 * redirect with the code → token exchange with openid-client, which validates the ID
 * token (signature included when non-repudiation checks are on). Throws unless the ID
 * token is the person's and says a second factor was passed. Returns the refresh token
 * issued with it (the refresh-grant load starts from these), if any.
 */
export async function signInWithTotp(rp: oidc.Configuration, person: BenchPerson, password: string): Promise<string | undefined> {
  const browser = new FormBrowser(redirectUri);
  const request = await startAuthorization(rp);
  await browser.open(request.url.toString());
  if (browser.lastStatus !== 200) throw new Error(`The sign-in page answered HTTP ${browser.lastStatus}.`);
  const code = await generate({ secret: person.secret, epoch: Math.floor(Date.now() / 1000) });
  const at = await browser.submit(browser.formAction('/login'), { username: person.userId, password, code });
  if (!at.startsWith(redirectUri)) {
    const alert = /<p class="alert"[^>]*>([^<]*)</.exec(browser.lastPage)?.[1] ?? '';
    throw new Error(`The sign-in of ${person.userId} did not reach the callback (HTTP ${browser.lastStatus}): ${alert}`);
  }
  const tokens = await oidc.authorizationCodeGrant(rp, new URL(at), {
    pkceCodeVerifier: request.codeVerifier,
    expectedState: request.state,
    expectedNonce: request.nonce,
  });
  const claims = tokens.claims();
  if (claims?.sub !== person.sub || !(claims.amr as string[] | undefined)?.includes('otp') || claims.acr !== 'urn:gatehouse:acr:mfa') {
    throw new Error(`Unexpected ID token for ${person.userId}: ${JSON.stringify({ sub: claims?.sub, amr: claims?.amr, acr: claims?.acr })}`);
  }
  return tokens.refresh_token;
}
