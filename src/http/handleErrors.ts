import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../store/isDatabaseUnavailable.ts';
import { answerDatabaseUnavailable, type DatabaseFaultLog } from './databaseUnavailable.ts';
import { renderPage } from './renderPage.ts';

export const wantsJson = (ctx: Context) => ctx.path.startsWith('/admin/api/') || (!ctx.accepts('html') && Boolean(ctx.accepts('json')));

/**
 * Turns any error of our routes into a response: the message when it may be shown
 * (`expose`), a generic sentence otherwise; details go to the log only. A database that
 * cannot be reached is a 503 with Retry-After, logged once per outage rather than per request.
 */
export function handleErrors(logger: Logger, databaseFaults: DatabaseFaultLog) {
  return async (ctx: Context, next: Next) => {
    try {
      await next();
    } catch (caught) {
      if (isDatabaseUnavailable(caught)) {
        databaseFaults(caught, ctx.path);
        await answerDatabaseUnavailable(ctx, wantsJson(ctx));
        return;
      }
      const error = caught as Error & { status?: number; statusCode?: number; expose?: boolean };
      const status = error.status ?? error.statusCode ?? 500;
      const message = error.expose ? error.message : 'The server could not complete the request. Please try again.';
      if (status >= 500) logger.error({ err: error, path: ctx.path }, 'request failed');
      else logger.info({ path: ctx.path, status, reason: error.message }, 'request refused');
      ctx.status = status;
      if (wantsJson(ctx)) {
        ctx.body = { error: status >= 500 ? 'server_error' : 'invalid_request', error_description: message };
      } else {
        ctx.type = 'html';
        ctx.body = await renderPage('error', { title: status >= 500 ? 'Something went wrong' : 'Cannot continue', message });
      }
    }
  };
}
