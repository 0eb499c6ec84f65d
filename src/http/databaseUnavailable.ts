import type { Context } from 'koa';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import { requestLanguage } from '../i18n/requestLanguage.ts';
import { translator } from '../i18n/translate.ts';
import { renderPage } from './renderPage.ts';

/** What a client is told to wait before trying again: about the time a restarted embedded database takes. */
export const retryAfterSeconds = 5;

/** Answers 503 with Retry-After: a page for browsers in their language (requestLanguage.ts), `{error, error_description}` JSON (English) otherwise. */
export async function answerDatabaseUnavailable(ctx: Context, asJson: boolean): Promise<void> {
  ctx.status = 503;
  ctx.set('Retry-After', String(retryAfterSeconds));
  ctx.set('Cache-Control', 'no-store');
  if (asJson) {
    ctx.body = { error: 'temporarily_unavailable', error_description: translator('en')('error.databaseUnavailable') };
  } else {
    const { t, locale } = requestLanguage({ uiLocales: ctx.query.ui_locales, acceptLanguage: ctx.get('accept-language') });
    ctx.type = 'html';
    ctx.body = await renderPage('error', { title: t('error.titleUnavailable'), lang: locale, t, message: t('error.databaseUnavailable') });
  }
}

/** While the database stays away, one warning per this interval, however many requests fail. */
const warnEveryMs = 30_000;

/**
 * Logs a database fault met by a request: one line at warn (no stack) when an outage is
 * first met, then at most one per interval with the number of requests refused since; and
 * one line when the connection is back, which ends the outage.
 */
export function createDatabaseFaultLog(logger: Logger, connection: Pick<Connection, 'getClient'>) {
  let lastWarnedAt = 0;
  let refusedSince = 0;
  let inOutage = false;
  const back = () => {
    if (!inOutage) return;
    logger.warn({ refusedRequests: refusedSince }, 'the database answers again');
    inOutage = false;
    lastWarnedAt = 0;
    refusedSince = 0;
  };
  // The driver's monitor checks the server every heartbeatFrequencyMS; the first check that
  // succeeds after refused requests ends the outage.
  connection.getClient().on('serverHeartbeatSucceeded', back);
  return (error: unknown, path: string) => {
    refusedSince += 1;
    inOutage = true;
    const now = Date.now();
    if (now - lastWarnedAt < warnEveryMs) return;
    const reason = error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)
      ? `${(error as Error).name}: ${String((error as Error).message).split('\n')[0]}`
      : String(error);
    logger.warn({ path, reason, refusedRequests: refusedSince }, 'the database is unreachable; answering 503');
    lastWarnedAt = now;
    refusedSince = 0;
  };
}

export type DatabaseFaultLog = ReturnType<typeof createDatabaseFaultLog>;
