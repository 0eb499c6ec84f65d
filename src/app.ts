import Koa from 'koa';
import type Provider from 'oidc-provider';
import type { Logger } from 'pino';
import { adminApi } from './admin/adminApi.ts';
import { adminConsole } from './admin/console/adminConsole.ts';
import type { Config } from './configuration/loadConfig.ts';
import type { FirstPartySession } from './http/firstPartySession.ts';
import { devOutboxRoutes } from './delivery/devOutboxRoutes.ts';
import { accountRoutes } from './account/accountRoutes.ts';
import { registrationRoutes } from './registration/registrationRoutes.ts';
import { assetRoutes } from './http/assetRoutes.ts';
import { resolveClientAddress } from './http/clientAddress.ts';
import { withRequestReads } from './store/requestReads.ts';
import { createDatabaseFaultLog } from './http/databaseUnavailable.ts';
import { handleErrors } from './http/handleErrors.ts';
import { healthRoutes } from './http/healthRoutes.ts';
import { logRequests } from './http/logRequests.ts';
import { setSecurityHeaders } from './http/setSecurityHeaders.ts';
import { accountClientId } from './oidc/accountClientId.ts';
import { interactionRouter } from './interaction/interactionRouter.ts';
import { currentSessionId } from './oidc/currentSessionId.ts';
import { resetLifetimeSeconds, resetRouter } from './reset/resetRouter.ts';
import { authorizationByPost } from './oidc/authorizationByPost.ts';
import { answerProviderDatabaseFaults } from './oidc/answerProviderDatabaseFaults.ts';
import type { Services } from './services.ts';
import { setupRoutes } from './admin/setup/setupRoutes.ts';
import { createSetupLinks, type SetupLinks } from './admin/setup/setupLinks.ts';
import { landingPage } from './http/landingPage.ts';
import { answerNotFound } from './http/notFoundPage.ts';
import { providerAnswers } from './oidc/providerRoutes.ts';

/** Built once at start (startGatehouse.ts): the provider, the services, and the browser sign-in of each first-party page. */
export type AppDependencies = { config: Config; logger: Logger; provider: Provider; services: Services; firstParty: { account: FirstPartySession; admin: FirstPartySession }; setupLinks?: SetupLinks };

/**
 * The Koa app. Middleware runs in this order, top to bottom; what our routes do not answer
 * goes to oidc-provider when it is one of the provider's paths (oidc/providerRoutes.ts:
 * discovery, /auth, /token, /me, /jwks, /session/end…), and is a 404 page otherwise.
 */
export function createApp({ config, logger, provider, services, firstParty, setupLinks = createSetupLinks(services.store.connection) }: AppDependencies): Koa {
  const app = new Koa({ proxy: config.trustProxy });
  const interactions = interactionRouter({
    provider,
    logger,
    issuer: config.issuer,
    persons: services.persons,
    temporaryPasswords: services.temporaryPasswords,
    ipGroups: services.ipGroups,
    attempts: services.attempts,
    signIns: services.signInTally,
    progress: services.signInProgress,
    factorServices: services.factorServices,
    formTokens: services.interactionForms,
    unknownUser: services.unknownUser,
    accountClientId,
  });
  const resets = resetRouter({
    provider,
    logger,
    issuer: config.issuer,
    persons: services.persons,
    attempts: services.attempts,
    resets: services.passwordResets,
    factorServices: services.factorServices,
    formTokens: services.interactionForms,
    delivery: services.delivery,
    audit: services.audit,
    unknownUser: services.unknownUser,
    temporaryPasswords: services.temporaryPasswords,
    sessions: { revokeSessions: services.personSessions.revokeSessions, currentSessionId },
    passwordNotices: services.passwordNotices,
    keepCurrentDevice: config.passwordReset.keepCurrentDevice,
    lifetimeSeconds: resetLifetimeSeconds,
    resendAfterSeconds: config.otpResendAfterSeconds,
    passwordMinLength: config.passwordMinLength,
  });
  const account = accountRoutes({ issuer: config.issuer, session: firstParty.account, services, logger });
  const health = healthRoutes(services.store);
  const assets = assetRoutes();
  const devOutbox = config.production ? undefined : devOutboxRoutes({ outbox: services.devOutbox });
  // One log of database faults for our routes and the provider's: one warning per outage.
  const databaseFaults = createDatabaseFaultLog(logger, services.store.connection);
  answerProviderDatabaseFaults(provider, { logger, databaseFaults });
  const providerCallback = provider.callback();

  const pipeline = [
    resolveClientAddress(config), //                          ctx.ip: the address the nearest untrusted hop presented (TRUST_PROXY_HOPS, TRUST_PROXY_RANGES)
    (_ctx: Koa.Context, next: Koa.Next) => withRequestReads(next), // one read per request of a person's failures and locks, the address's throttle, the artefact the provider loads again
    logRequests(logger), //                                  one line per request, no query strings
    setSecurityHeaders({ hsts: config.production }), //       CSP, frame and sniffing protection
    handleErrors(logger, databaseFaults), //                  our errors become pages or JSON; an unreachable database, 503 + Retry-After
    health.routes(), //                                       /healthz, /readyz
    assets.routes(), //                                       /assets/gatehouse.css
    landingPage({ issuer: config.issuer, setupWaiting: () => setupLinks.waiting() }), // / — what this server is, and the ways in
    ...(devOutbox ? [devOutbox.routes()] : []), //            /dev/outbox — messages kept instead of sent; never mounted in production (404)
    interactions.routes(), //                                 /interaction/:uid — the hosted sign-in
    interactions.allowedMethods(),
    resets.routes(), //                                       /reset — "Forgot your password?": the reset the person's class prescribes
    account.routes(), //                                      /account — the self-service account page (signs in through the provider as gatehouse-account)
    registrationRoutes({ issuer: config.issuer, services }).routes(), //    /register/:token — the page an emailed registration link opens (QR code, key, emergency tokens, confirm one code)
    setupRoutes({ issuer: config.issuer, allowRemote: config.admin.setupLinkRemote, services, setupLinks }).routes(), // /setup/:token — the first-run link printed at start: the first administrator and their authenticator app
    adminApi({ provider, services, logger }), //              /admin/api/* — the admin JSON API (bearer tokens with the admin scope)
    adminConsole({ config, session: firstParty.admin, services, provider, logger }), // /admin — the admin view (signs in through the provider as gatehouse-admin, elevated)
    authorizationByPost(), //                                 POST /auth — answered with a 303 to the same request as GET (OIDC Core 3.1.2.1)
    async (ctx: Koa.Context) => {
      // Only the provider's own paths; everything else nobody serves.
      if (!providerAnswers(ctx.method, ctx.path)) return answerNotFound(ctx);
      // oidc-provider is a Koa app of its own: hand it the raw request.
      ctx.respond = false;
      await providerCallback(ctx.req, ctx.res);
    },
  ];
  for (const middleware of pipeline) app.use(middleware as Koa.Middleware);
  return app;
}
