import type { Context, Next } from 'koa';
import type { Logger } from 'pino';

/** One log line per request: method, path (never the query, which may carry codes), status, time. */
export function logRequests(logger: Logger) {
  return async (ctx: Context, next: Next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // With respond=false (the provider writes itself) the status is on the raw response.
      const status = ctx.respond === false ? ctx.res.statusCode : ctx.status;
      const log = () => logger.info({ method: ctx.method, path: ctx.path, status: ctx.res.statusCode || status, ms: Math.round(ms * 10) / 10, ip: ctx.ip }, 'request');
      if (ctx.res.writableFinished || ctx.respond !== false) log();
      else ctx.res.once('finish', log);
    }
  };
}
