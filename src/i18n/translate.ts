import { en, type MessageKey } from './messages.en.ts';
import { es } from './messages.es.ts';

/** The languages of hosted pages and messages. Adding one is adding a messages.<code>.ts file here. */
export const catalogues: Record<string, Record<MessageKey, string>> = { en, es };
export type Locale = keyof typeof catalogues;
export const defaultLocale = 'en';

/** ENG/SPA (the screen's codes) and BCP 47 tags (es-MX) to a supported language. */
const threeLetter: Record<string, string> = { ENG: 'en', SPA: 'es', ESP: 'es' };

function supported(tag: string | undefined): string | undefined {
  if (!tag) return undefined;
  const trimmed = tag.trim();
  const code = threeLetter[trimmed.toUpperCase()] ?? trimmed.toLowerCase().split('-')[0];
  return code && code in catalogues ? code : undefined;
}

/**
 * The language of a page: the person's preferred language, then the relying party's
 * `ui_locales`, then the browser's Accept-Language, then English.
 */
export function chooseLocale(options: { preferred?: string; uiLocales?: string; acceptLanguage?: string }): string {
  const fromUi = options.uiLocales?.split(' ').map(supported).find(Boolean);
  const fromBrowser = options.acceptLanguage
    ?.split(',')
    .map((part) => part.split(';')[0])
    .map(supported)
    .find(Boolean);
  return supported(options.preferred) ?? fromUi ?? fromBrowser ?? defaultLocale;
}

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

export function translator(locale: string): Translate {
  const catalogue = catalogues[locale] ?? en;
  return (key, values = {}) => catalogue[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** Whether a key built at run time (a factor's step name) is in the catalogues. */
export const isMessageKey = (key: string): key is MessageKey => Object.hasOwn(en, key);
