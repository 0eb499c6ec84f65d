import type { Context, Next } from 'koa';
import type { Logger } from 'pino';
import type { GatehouseError } from '../errors/GatehouseError.ts';
import { requestLanguage } from '../i18n/requestLanguage.ts';
import { translator } from '../i18n/translate.ts';
import { isDatabaseUnavailable } from '../store/isDatabaseUnavailable.ts';
import { answerDatabaseUnavailable, type DatabaseFaultLog } from './databaseUnavailable.ts';
import { renderPage } from './renderPage.ts';

export const wantsJson = (ctx: Context) => ctx.path.startsWith('/admin/api/') || (!ctx.accepts('html') && Boolean(ctx.accepts('json')));

/**
 * Turns any error of our routes into a response: the message when it may be shown
 * (`expose`), a generic sentence otherwise; details go to the log only. JSON answers are
 * English; a page is in the request's language (requestLanguage.ts), an error's message
 * translated by its message key when it has one (else shown as it is). A database that
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
      const error = caught as Error & { status?: number; statusCode?: number; expose?: boolean } & Partial<Pick<GatehouseError, 'messageKey' | 'messageParams'>>;
      const status = error.status ?? error.statusCode ?? 500;
      if (status >= 500) logger.error({ err: error, path: ctx.path }, 'request failed');
      else logger.info({ path: ctx.path, status, reason: error.message }, 'request refused');
      ctx.status = status;
      if (wantsJson(ctx)) {
        const message = error.expose ? error.message : translator('en')('error.server');
        ctx.body = { error: status >= 500 ? 'server_error' : 'invalid_request', error_description: message };
      } else {
        const { t, locale } = requestLanguage({ uiLocales: ctx.query.ui_locales, acceptLanguage: ctx.get('accept-language') });
        const message = !error.expose ? t('error.server') : error.messageKey ? t(error.messageKey, error.messageParams) : error.message;
        ctx.type = 'html';
        ctx.body = await renderPage('error', { title: t(status >= 500 ? 'error.titleServer' : 'error.title'), lang: locale, t, message });
      }
    }
  };
}
