import Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import { acceptForm } from '../../http/acceptForm.ts';
import type { FirstPartySession } from '../../http/firstPartySession.ts';
import { adminApiPrefix } from '../AdminRoute.ts';
import type { AdminConsoleDependencies } from './AdminConsoleDependencies.ts';
import { createAdminGate } from './adminGate.ts';
import { adminLanguage, adminProblem, renderAdminBare } from './adminPages.ts';
import { auditPages } from './auditPages.ts';
import { classPages } from './classPages.ts';
import { clientPages } from './clientPages.ts';
import { homePage } from './homePage.ts';
import { ipGroupPages } from './ipGroupPages.ts';
import { personPages } from './personPages.ts';
import { settingsPages } from './settingsPages.ts';
import { totpPages } from './totpPages.ts';

const noStore = async (ctx: Context, next: Next) => {
  ctx.set('Cache-Control', 'no-store');
  await next();
};

const underConsole = (path: string) => (path === '/admin' || path.startsWith('/admin/')) && path !== adminApiPrefix && !path.startsWith(`${adminApiPrefix}/`);

/**
 * The admin view (`/admin`): a web console over the same services as the CLI and the
 * admin JSON API. Admins sign in to it through Gatehouse as the first-party client
 * `gatehouse-admin`, at the elevated level (adminGate.ts). Never cached; a form from
 * another origin changes nothing; every change is audited with the admin as actor. Each
 * screen is one file of routes; anything under /admin it does not answer is a 404 page.
 */
export function adminConsole(deps: Omit<AdminConsoleDependencies, 'gate'> & { session: FirstPartySession }): Middleware {
  const { config, session } = deps;
  const gate = createAdminGate(session, { idleSeconds: config.admin.idleSeconds });
  const screens: AdminConsoleDependencies = { config: deps.config, gate, services: deps.services, provider: deps.provider, logger: deps.logger };
  const router = new Router({ prefix: '/admin' });
  router.use(noStore, acceptForm({ issuerOrigin: new URL(config.issuer).origin, limit: '64kb', refuse: (ctx) => adminProblem(ctx, 403, 'admin.problem.forbidden') }));
  gate.routes(router);
  router.get('/signed-out', async (ctx) => {
    const { t } = adminLanguage(ctx);
    await renderAdminBare(ctx, 'signedOut', 200, { title: t('admin.signedOut.title'), endSession: session.endSessionUrl() });
  });
  for (const screen of [homePage, classPages, personPages, totpPages, ipGroupPages, clientPages, settingsPages, auditPages]) screen(router, screens);

  const routes = router.routes() as Middleware;
  const allowedMethods = router.allowedMethods() as Middleware;
  return async (ctx: Context, next: Next) => {
    if (!underConsole(ctx.path)) return next();
    await allowedMethods(ctx, () => routes(ctx, async () => {}));
    if (ctx.status === 404 && ctx.body == null) await adminProblem(ctx, 404, 'admin.problem.notFound');
  };
}
