import type { Context } from 'koa';
import { requestLanguage } from '../i18n/requestLanguage.ts';
import { translator } from '../i18n/translate.ts';
import { renderPage } from './renderPage.ts';

/**
 * The answer for a path nobody serves: a 404 page in the card of the sign-in pages (in the
 * request's language), or `{"error":"not_found",…}` for a request that prefers JSON.
 */
export async function answerNotFound(ctx: Context): Promise<void> {
  ctx.status = 404;
  if (ctx.accepts('html', 'json') === 'json') {
    ctx.body = { error: 'not_found', error_description: translator('en')('notFound.json') };
    return;
  }
  const { t, locale } = requestLanguage({ acceptLanguage: ctx.get('accept-language') });
  ctx.type = 'html';
  ctx.body = await renderPage('notFound', { title: t('notFound.title'), lang: locale, t });
}
