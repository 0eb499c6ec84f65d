import type { Context, Next } from 'koa';
import type Provider from 'oidc-provider';
import type { Logger } from 'pino';
import { answerDatabaseUnavailable, type DatabaseFaultLog } from '../http/databaseUnavailable.ts';
import { isDatabaseUnavailable } from '../store/isDatabaseUnavailable.ts';

/**
 * oidc-provider answers every error of its own routes (/auth, /token, /me…) itself, as a
 * 500 `server_error`, and then tells us through its 'server_error' event. When the cause
 * is an unreachable database, the answer is replaced on the way out by the same 503 with
 * Retry-After as on our routes (a page or JSON, as the provider chose), logged once per
 * outage; any other server error is logged with its detail as before.
 */
export function answerProviderDatabaseFaults(provider: Provider, { logger, databaseFaults }: { logger: Logger; databaseFaults: DatabaseFaultLog }): void {
  const unavailable = new WeakSet<object>();
  provider.on('server_error', (ctx: Context, error: unknown) => {
    if (!isDatabaseUnavailable(error)) return void logger.error({ err: error }, 'provider error');
    unavailable.add(ctx);
    databaseFaults(error, ctx.path);
  });
  provider.use(async (ctx: Context, next: Next) => {
    await next();
    if (!unavailable.has(ctx)) return;
    const renderedPage = ctx.response.is('html') !== false;
    ctx.remove('Location');
    await answerDatabaseUnavailable(ctx, !renderedPage);
  });
}
