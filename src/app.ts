import Koa from 'koa';
import type Provider from 'oidc-provider';
import type { Logger } from 'pino';
import type { Config } from './configuration/loadConfig.ts';
import type { PersonDirectory } from './directory/personDirectory.ts';
import { assetRoutes } from './http/assetRoutes.ts';
import { handleErrors } from './http/handleErrors.ts';
import { healthRoutes } from './http/healthRoutes.ts';
import { logRequests } from './http/logRequests.ts';
import { setSecurityHeaders } from './http/setSecurityHeaders.ts';
import { interactionRoutes } from './interaction/interactionRoutes.ts';
import type { Store } from './store/openStore.ts';

export type AppDependencies = { config: Config; logger: Logger; store: Store; provider: Provider; persons: PersonDirectory };

/**
 * The Koa app. Middleware runs in this order, top to bottom; anything our routes do not
 * answer goes to oidc-provider (discovery, /auth, /token, /me, /jwks, /session/end…).
 */
export function createApp({ config, logger, store, provider, persons }: AppDependencies): Koa {
  const app = new Koa({ proxy: config.trustProxy });
  const interactions = interactionRoutes({ provider, persons, issuer: config.issuer });
  const health = healthRoutes(store);
  const assets = assetRoutes();
  const providerCallback = provider.callback();

  const pipeline = [
    logRequests(logger), //                                  one line per request, no query strings
    setSecurityHeaders({ hsts: config.production }), //       CSP, frame and sniffing protection
    handleErrors(logger), //                                  our errors become pages or JSON
    health.routes(), //                                       /healthz, /readyz
    assets.routes(), //                                       /assets/gatehouse.css
    interactions.routes(), //                                 /interaction/:uid — the hosted sign-in
    interactions.allowedMethods(),
    async (ctx: Koa.Context) => {
      // oidc-provider is a Koa app of its own: hand it the raw request.
      ctx.respond = false;
      await providerCallback(ctx.req, ctx.res);
    },
  ];
  for (const middleware of pipeline) app.use(middleware as Koa.Middleware);
  return app;
}
