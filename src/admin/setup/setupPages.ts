import type { Context } from 'koa';
import { renderPage } from '../../http/renderPage.ts';
import type { MessageKey } from '../../i18n/messages.en.ts';
import { chooseLocale, translator, type Translate } from '../../i18n/translate.ts';
import { ipInRanges } from '../../security/ipInRanges.ts';

// What the first-run setup pages share: their language, rendering in the card of the sign-in pages, and the pages that say why the link does not work.

/** The loopback, also in its IPv4-mapped IPv6 form (ipInRanges.ts matches both). */
const loopback = ['127.0.0.0/8', '::1/128'];

/** Whether the request comes from the server's own machine, by the address clientAddress.ts settled (TRUST_PROXY rules). */
export const fromLoopback = (ctx: Context) => ipInRanges(ctx.ip, loopback);

/** The page's language: the new administrator's choice once made, else the browser's. */
export function setupLanguage(ctx: Context, preferred?: string): { t: Translate; locale: string } {
  const locale = chooseLocale({ ...(preferred ? { preferred } : {}), acceptLanguage: ctx.get('accept-language') });
  return { t: translator(locale), locale };
}

/** Renders views/setup/<view>.ejs in the card layout; never kept by a browser or a proxy (the pages hold a key and tokens). */
export async function renderSetup(ctx: Context, view: string, status: number, data: Record<string, unknown> & { title: string; lang: string; t: Translate }) {
  ctx.set('Cache-Control', 'no-store');
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = await renderPage(`setup/${view}`, data);
}

/** Why a setup page does not go on. */
export type SetupRefusal = 'remote' | 'unknown' | 'expired' | 'used' | 'adminExists' | 'enrolment';

const refusals: Record<SetupRefusal, { status: number; title: MessageKey; lead: MessageKey; hint?: MessageKey; toAdmin?: boolean }> = {
  remote: { status: 403, title: 'setup.refused.remote.title', lead: 'setup.refused.remote.lead', hint: 'setup.refused.remote.hint' },
  unknown: { status: 410, title: 'setup.refused.unknown.title', lead: 'setup.refused.unknown.lead', hint: 'setup.refused.restart' },
  expired: { status: 410, title: 'setup.refused.expired.title', lead: 'setup.refused.expired.lead', hint: 'setup.refused.restart' },
  used: { status: 410, title: 'setup.refused.used.title', lead: 'setup.refused.used.lead', toAdmin: true },
  adminExists: { status: 410, title: 'setup.refused.adminExists.title', lead: 'setup.refused.adminExists.lead', toAdmin: true },
  enrolment: { status: 410, title: 'setup.refused.enrolment.title', lead: 'setup.refused.enrolment.lead', hint: 'setup.refused.enrolmentHint', toAdmin: true },
};

/** The page of a refused, used or expired link (or enrolment step): what happened and what to do; names no one. */
export async function refuseSetup(ctx: Context, refusal: SetupRefusal, preferred?: string) {
  const { t, locale } = setupLanguage(ctx, preferred);
  const { status, title, lead, hint, toAdmin } = refusals[refusal];
  await renderSetup(ctx, 'refused', status, { title: t(title), lang: locale, t, lead: t(lead), hint: hint ? t(hint) : undefined, toAdmin: Boolean(toAdmin) });
}
