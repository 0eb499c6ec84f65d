import Router from '@koa/router';
import { storeIsReachable, type Store } from '../store/openStore.ts';
import { retryAfterSeconds } from './databaseUnavailable.ts';

/** /healthz: the process answers. /readyz: and its database answers too. */
export function healthRoutes(store: Store): Router {
  const router = new Router();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    const ready = await storeIsReachable(store);
    ctx.status = ready ? 200 : 503;
    if (!ready) ctx.set('Retry-After', String(retryAfterSeconds));
    ctx.body = { status: ready ? 'ready' : 'database unreachable' };
  });
  return router;
}
