import type { Config } from '../../configuration/loadConfig.ts';
import type { FirstPartySessionOptions } from '../../http/firstPartySession.ts';
import { acrValues } from '../../oidc/acr.ts';

/** The admin view signs admins in through Gatehouse itself, as this first-party confidential client. */
export const adminClientId = 'gatehouse-admin';

/** A sensitive action (display a key and emergency tokens, delete a person, rotate signing keys) needs a step-up at most this old. */
export const sensitiveStepUpMs = 2 * 60 * 1000;

/** How long an admin session lasts at most: eight hours, and never longer than the provider's session; it ends sooner when idle (ADMIN_IDLE_TTL). */
export const adminSessionSeconds = (config: Pick<Config, 'ttl'>) => Math.min(config.ttl.session, 8 * 60 * 60);

/**
 * The admin view's browser sign-in (http/firstPartySession.ts): its client, cookies and
 * ways back. Every sign-in asks for elevated access (acr_values, the class's AOD factors),
 * and lasts ADMIN_ELEVATION_TTL; after that the admin steps up again.
 */
export const adminSessionOptions = (config: Pick<Config, 'admin'>): FirstPartySessionOptions => ({
  clientId: adminClientId,
  clientName: 'Gatehouse admin view',
  pageName: 'admin view',
  basePath: '/admin',
  cookies: { session: 'gatehouse.admin', signIn: 'gatehouse.admin_signin' },
  sealContext: 'admin-sign-in',
  maxAgeMs: config.admin.elevationSeconds * 1000,
  requiredAcr: acrValues.elevated,
  returnTo: { signedIn: '/admin', reauthenticated: '/admin', signedOut: '/admin/signed-out' },
});
