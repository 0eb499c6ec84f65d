import type { Config } from '../configuration/loadConfig.ts';
import type { FirstPartySessionOptions } from '../http/firstPartySession.ts';
import { accountClientId } from '../oidc/accountClientId.ts';

/** A change of factors needs a sign-in at most this old; an older one signs in again first (prompt=login). */
export const recentSignInMs = 10 * 60 * 1000;

/** How long an account session lasts: half an hour, and never longer than the provider's session. */
export const accountSessionSeconds = (config: Pick<Config, 'ttl'>) => Math.min(config.ttl.session, 30 * 60);

/** The account page's browser sign-in (http/firstPartySession.ts): its client, cookies and ways back. */
export const accountSessionOptions: FirstPartySessionOptions = {
  clientId: accountClientId,
  clientName: 'Gatehouse account page',
  pageName: 'account page',
  basePath: '/account',
  cookies: { session: 'gatehouse.account', signIn: 'gatehouse.account_signin' },
  sealContext: 'account-sign-in',
  maxAgeMs: recentSignInMs,
  returnTo: { signedIn: '/account', reauthenticated: '/account?reauthenticated=1', signedOut: '/account/signed-out' },
};
