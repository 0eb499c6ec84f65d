import { chooseLocale, translator, type Translate } from './translate.ts';

/**
 * The language of a page that knows no person (logout, the error pages): the relying
 * party's `ui_locales` where the request carries it, else the browser's Accept-Language,
 * else English. A repeated parameter counts by its first value.
 */
export function requestLanguage(request: { uiLocales?: unknown; acceptLanguage?: string | undefined }): { t: Translate; locale: string } {
  const uiLocales = Array.isArray(request.uiLocales) ? request.uiLocales[0] : request.uiLocales;
  const locale = chooseLocale({
    ...(typeof uiLocales === 'string' ? { uiLocales } : {}),
    ...(request.acceptLanguage ? { acceptLanguage: request.acceptLanguage } : {}),
  });
  return { t: translator(locale), locale };
}
