import type { Context } from 'koa';
import type { Logger } from 'pino';

/**
 * Work a reset page does for a genuine person only (a code or a temporary password sent),
 * started once the answer has gone out: the time to the answer is then the same whether
 * the user ID is known or not, and a failure is logged, never shown.
 */
export function afterAnswer(ctx: Context, logger: Logger, failure: { message: string; sub: string; to?: string }, work: () => Promise<unknown>): void {
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    work().catch((error: unknown) => logger.warn({ err: error, sub: failure.sub, ...(failure.to ? { to: failure.to } : {}) }, failure.message));
  };
  ctx.res.once('finish', start);
  ctx.res.once('close', start);
}
