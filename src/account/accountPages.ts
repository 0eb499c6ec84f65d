import type { Context } from 'koa';
import type { Refuse, SessionProblem } from '../http/firstPartySession.ts';
import { renderPage } from '../http/renderPage.ts';
import type { MessageKey } from '../i18n/messages.en.ts';
import { chooseLocale, translator, type Translate } from '../i18n/translate.ts';
import type { StoredPerson } from '../store/repositories/personRepository.ts';

// What every page of the account page shares: the person's name and language, rendering, and the page that says why it cannot go on.

export const displayName = (person: StoredPerson) => [person.firstName, person.familyName].filter(Boolean).join(' ') || person.name;

/** The page's language: the person's preferred language, then the browser's (chooseLocale). */
export function languageOf(ctx: Context, person?: StoredPerson): { t: Translate; locale: string } {
  const locale = chooseLocale({ ...(person?.preferredLanguage ? { preferred: person.preferredLanguage } : {}), acceptLanguage: ctx.get('accept-language') });
  return { t: translator(locale), locale };
}

export async function render(ctx: Context, view: string, status: number, data: Record<string, unknown> & { title: string }) {
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = await renderPage(view, data);
}

/** A page saying why the account page cannot go on, with the way back to it. */
export async function problem(ctx: Context, status: number, message: MessageKey, person?: StoredPerson) {
  const { t, locale } = languageOf(ctx, person);
  await render(ctx, 'account/problem', status, { title: t('account.problem.title'), lang: locale, t, message: t(message) });
}

const problemMessages: Record<SessionProblem, MessageKey> = {
  'session-ended': 'account.problem.sessionEnded',
  forbidden: 'account.problem.forbidden',
  expired: 'account.problem.expired',
  cancelled: 'account.problem.cancelled',
  failed: 'account.problem.failed',
  'short-acr': 'account.problem.failed',
};

/** The account page's words for why the browser sign-in cannot go on (http/firstPartySession.ts). */
export const refuse: Refuse = (ctx, status, reason, person) => problem(ctx, status, problemMessages[reason], person);
