import Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import type Provider from 'oidc-provider';
import type { Logger } from 'pino';
import type { Services } from '../services.ts';
import { AdminApiError } from './AdminApiError.ts';
import { adminApiPrefix, type AdminRoute } from './AdminRoute.ts';
import { answerAdminErrors } from './answerAdminErrors.ts';
import { auditRoutes } from './auditRoutes.ts';
import { authenticateAdmin } from './authenticateAdmin.ts';
import { classRoutes } from './classRoutes.ts';
import { clientRoutes } from './clientRoutes.ts';
import { ipGroupRoutes } from './ipGroupRoutes.ts';
import { buildOpenApiDocument } from './openapi.ts';
import { personRoutes } from './personRoutes.ts';
import { readJsonBody } from './readJsonBody.ts';
import { settingsRoutes } from './settingsRoutes.ts';
import { totpRoutes } from './totpRoutes.ts';

export type AdminApiServices = Pick<Services, 'persons' | 'attempts' | 'questions' | 'totpKeys' | 'clients' | 'classes' | 'ipGroups' | 'settings' | 'audit' | 'factorNotices' | 'temporaryPasswords' | 'passwordNotices'>;

/** Every operation of the admin API except the public /openapi.json, all behind authenticateAdmin. */
export function adminApiRoutes(services: AdminApiServices): AdminRoute[] {
  return [
    ...personRoutes(services.persons, services.attempts, services.questions, services.factorNotices, services.temporaryPasswords, services.passwordNotices),
    ...totpRoutes(services.totpKeys),
    ...clientRoutes(services.clients),
    ...classRoutes(services.classes),
    ...settingsRoutes(services.settings),
    ...ipGroupRoutes(services.ipGroups),
    ...auditRoutes(services.audit),
  ];
}

/** The router of /admin/api: the OpenAPI document (public, built from the route table), then each operation behind authentication and the JSON body parser. */
export function adminApiRouter({ provider, services }: { provider: Provider; services: AdminApiServices }): Router {
  const router = new Router({ prefix: adminApiPrefix });
  const routes = adminApiRoutes(services);
  const document = buildOpenApiDocument(routes);
  router.get('/openapi.json', (ctx) => {
    ctx.body = document;
  });
  const authenticate = authenticateAdmin({ provider, persons: services.persons });
  for (const route of routes) {
    router.register(route.path, [route.method], [authenticate, readJsonBody, (ctx: Context) => route.handle(ctx)]);
  }
  return router;
}

const underAdminApi = (path: string) => path === adminApiPrefix || path.startsWith(`${adminApiPrefix}/`);

/**
 * The admin JSON API, mounted before the provider: it answers everything under /admin/api
 * (never passing a request on), never cached, errors as JSON.
 */
export function adminApi(deps: { provider: Provider; services: AdminApiServices; logger: Logger }): Middleware {
  const router = adminApiRouter(deps);
  // Koa middleware typed for the router's context; run here on the app's own.
  const routes = router.routes() as Middleware;
  const allowedMethods = router.allowedMethods() as Middleware;
  const answerErrors = answerAdminErrors(deps.logger);
  const dispatch = async (ctx: Context) => {
    await allowedMethods(ctx, () => routes(ctx, async () => {}));
    if (ctx.status === 405 || ctx.status === 501) {
      throw new AdminApiError(405, 'method_not_allowed', `${ctx.method} is not allowed on ${ctx.path} (allowed: ${ctx.response.get('Allow')}).`);
    }
    if (ctx.status === 404 && ctx.body == null) {
      throw new AdminApiError(404, 'not_found', `There is no ${ctx.method} ${ctx.path} in the admin API; see ${adminApiPrefix}/openapi.json.`);
    }
  };
  return async (ctx: Context, next: Next) => {
    if (!underAdminApi(ctx.path)) return next();
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Pragma', 'no-cache');
    await answerErrors(ctx, () => dispatch(ctx));
  };
}
