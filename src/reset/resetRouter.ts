import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { GatehouseError } from '../errors/GatehouseError.ts';
import { acceptForm } from '../http/acceptForm.ts';
import { completeReset } from './completeReset.ts';
import { loadReset, resetVisitOf } from './loadReset.ts';
import { createResetPages, signInPathOf } from './resetPages.ts';
import type { ResetDependencies } from './ResetDependencies.ts';
import { startReset } from './startReset.ts';
import { verifyReset } from './verifyReset.ts';

/** How long a reset lasts from its user ID to its end (its cookie too): time enough to read an email and type a code. */
export const resetLifetimeSeconds = 20 * 60;

/**
 * The self-service password reset (product.md "Password reset"), one small file per
 * step as the sign-in is: the user ID (startReset), the verification the class asks
 * (verifyReset: a code, or the P-R factors planned like a sign-in's), and what follows
 * (completeReset). The reset's id is only in a cookie of path /reset, never in a URL; its
 * forms carry a CSRF token bound to it, besides the Origin check of acceptForm.
 */
export function resetRouter(deps: ResetDependencies): Router {
  const router = new Router({ prefix: '/reset' });
  const pages = createResetPages(deps);
  const flow = completeReset(deps, { pages });
  const start = startReset(deps, { pages, flow });
  const verify = verifyReset(deps, { pages, flow });

  const formOfThisReset = async (ctx: Context, next: Next) => {
    const { id } = resetVisitOf(ctx);
    if (ctx.method === 'POST' && (!id || !deps.formTokens.matches(`reset:${id}`, (ctx.request.body as Record<string, unknown> | undefined)?.csrf))) {
      deps.logger.info('reset form refused: CSRF token missing or wrong');
      throw new GatehouseError('This reset form has expired or was not sent from the reset page. Start again.', { status: 403, expose: true, messageKey: 'reset.form' });
    }
    await next();
  };

  const open = loadReset(deps, { required: false });
  const underWay = loadReset(deps, { required: true });
  router.use(acceptForm({ issuerOrigin: new URL(deps.issuer).origin, limit: '16kb' }));
  router.get('/', open, start.show);
  router.post('/', open, formOfThisReset, start.start);
  router.get('/step', underWay, verify.show);
  router.post('/verify', underWay, formOfThisReset, verify.verify);
  router.post('/resend', underWay, formOfThisReset, verify.resend);
  router.get('/another-way', underWay, verify.anotherWay);
  router.post('/another-way', underWay, formOfThisReset, verify.chooseAnotherWay);
  router.post('/choose', underWay, formOfThisReset, flow.choose);
  router.post('/password', underWay, formOfThisReset, flow.password);
  router.post('/cancel', open, formOfThisReset, async (ctx) => {
    const { loaded } = resetVisitOf(ctx);
    if (loaded) await deps.resets.save({ ...loaded.record, expiresAt: new Date(0) });
    ctx.status = 303;
    ctx.redirect(signInPathOf(loaded?.record));
  });
  return router;
}
