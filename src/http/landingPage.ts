import type { Context, Next } from 'koa';
import { requestLanguage } from '../i18n/requestLanguage.ts';
import { renderPage } from './renderPage.ts';

/**
 * `/`: a small page in the card of the sign-in pages saying what this server is, with the
 * ways in — the account page, the admin view, the discovery document. While the setup
 * link printed at start is still waiting (`setupWaiting`), it says where to look for it.
 * English or Spanish by Accept-Language.
 */
export function landingPage({ issuer, setupWaiting }: { issuer: string; setupWaiting: () => Promise<boolean> }) {
  return async (ctx: Context, next: Next) => {
    if (ctx.path !== '/' || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    const { t, locale } = requestLanguage({ acceptLanguage: ctx.get('accept-language') });
    ctx.type = 'html';
    ctx.body = await renderPage('landing', {
      title: t('landing.heading'),
      lang: locale,
      t,
      issuer,
      firstRun: await setupWaiting(),
      links: [
        { href: '/account', label: t('landing.account'), hint: t('landing.accountHint') },
        { href: '/admin', label: t('landing.admin'), hint: t('landing.adminHint') },
        { href: '/.well-known/openid-configuration', label: t('landing.discovery'), hint: t('landing.discoveryHint') },
      ],
    });
  };
}
