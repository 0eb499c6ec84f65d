import Router from '@koa/router';
import type { Context } from 'koa';
import { otpauthIssuerFor } from '../factors/totp/otpauthUri.ts';
import { totpSetupView } from '../factors/totp/totpSetupView.ts';
import { acceptForm } from '../http/acceptForm.ts';
import { readPageCookie, setPageCookie } from '../http/pageCookie.ts';
import { renderPage } from '../http/renderPage.ts';
import { chooseLocale, translator, type Translate } from '../i18n/translate.ts';
import { limitAttempts } from '../factors/attempts/limitAttempts.ts';
import { retryRuleOf } from '../factors/attempts/retryRuleOf.ts';
import type { Services } from '../services.ts';
import type { StoredPerson } from '../store/repositories/personRepository.ts';
import type { StoredRegistrationLink } from '../store/repositories/registrationLinkRepository.ts';
import { emergencyTokensFile } from '../factors/emergency/emergencyTokensFile.ts';
import { registrationCsrfMatches, registrationCsrfOf } from './registrationLinks.ts';

/** Built at start: the issuer, and the services the page reads and changes. */
type Dependencies = { issuer: string; services: Pick<Services, 'registrationLinks' | 'totp' | 'emergencyTokens' | 'persons' | 'attempts' | 'factorNotices'> };

/** Holds the link's token between the pages, so that no URL after the mailed one carries it. */
export const registrationCookie = 'gatehouse.register';
/** The cookie lasts at most this long (and never past the link's expiry): time enough to scan and confirm. */
const cookieSeconds = 30 * 60;

const displayName = (person: StoredPerson) => [person.firstName, person.familyName].filter(Boolean).join(' ') || person.name;

function languageOf(ctx: Context, person?: StoredPerson): { t: Translate; locale: string } {
  const locale = chooseLocale({ ...(person?.preferredLanguage ? { preferred: person.preferredLanguage } : {}), acceptLanguage: ctx.get('accept-language') });
  return { t: translator(locale), locale };
}

/** Nothing on these pages may be kept by a browser or a proxy: they show secrets. */
function noStore(ctx: Context) {
  ctx.set('Cache-Control', 'no-store');
}

async function render(ctx: Context, view: string, status: number, data: Record<string, unknown> & { title: string }) {
  noStore(ctx);
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = await renderPage(view, data);
}

/** A used, expired or replaced link: one generic page (410) that names no one and shows no key. */
async function gone(ctx: Context) {
  const { t, locale } = languageOf(ctx);
  await render(ctx, 'registration/gone', 410, { title: t('register.gone.title'), lang: locale, t });
}

/**
 * The registration page a mailed link opens (registrationLinks.ts): the QR code, the key
 * in groups of four, the emergency tokens (print, download) and a form for one current
 * code; confirming makes the pending key active and uses the link up. The mailed URL's
 * token never stays in the address bar, the history, a Referer or the request log: its GET
 * moves the token into a short-lived httpOnly cookie for /register and redirects to
 * /register, where the page, the download and the form work from the cookie. The link
 * itself stays good until it is used, expires or is replaced (mail scanners open links
 * too). The form's CSRF token is bound to the link. Wrong codes count against the
 * person's TOTP attempts, as at sign-in.
 */
export function registrationRoutes({ issuer: issuerUrl, services }: Dependencies): Router {
  const { registrationLinks: links, totp, emergencyTokens, persons, attempts } = services;
  const issuer = otpauthIssuerFor(issuerUrl);
  const secure = issuerUrl.startsWith('https:');
  const router = new Router({ prefix: '/register' });

  /** The link and its person, or undefined (then the generic page). */
  async function open(token: string | undefined): Promise<{ token: string; link: StoredRegistrationLink; person: StoredPerson } | undefined> {
    const link = token ? await links.find(token) : undefined;
    if (!token || !link) return undefined;
    const person = await persons.findBySub(link.personId);
    return person ? { token, link, person } : undefined;
  }

  /** The link of the request's cookie; a cookie whose link is no good is cleared. */
  async function openFromCookie(ctx: Context) {
    const found = await open(readPageCookie(ctx, registrationCookie));
    if (!found) setPageCookie(ctx, registrationCookie, undefined, { path: '/register', maxAgeSeconds: 0, secure });
    return found;
  }

  async function showPage(ctx: Context, token: string, person: StoredPerson, extra: { status?: number; error?: string } = {}) {
    const key = await totp.openKey(person._id);
    if (!key || key.state !== 'pending') return gone(ctx);
    const { t, locale } = languageOf(ctx, person);
    const tokens = await emergencyTokens.list(person._id);
    await render(ctx, 'registration/register', extra.status ?? 200, {
      title: t('register.title'),
      lang: locale,
      t,
      name: displayName(person),
      setup: await totpSetupView({ issuer, account: person.defaultUserId, key }),
      tokens,
      action: '/register',
      download: '/register/tokens.txt',
      csrf: registrationCsrfOf(token),
      error: extra.error,
    });
  }

  router.get('/', async (ctx) => {
    const found = await openFromCookie(ctx);
    if (!found) return gone(ctx);
    await showPage(ctx, found.token, found.person);
  });

  router.get('/tokens.txt', async (ctx) => {
    const found = await openFromCookie(ctx);
    if (!found) return gone(ctx);
    const tokens = await emergencyTokens.list(found.person._id);
    noStore(ctx);
    ctx.type = 'text/plain; charset=utf-8';
    ctx.set('Content-Disposition', 'attachment; filename="gatehouse-emergency-tokens.txt"');
    ctx.body = emergencyTokensFile(issuer, found.person.defaultUserId, tokens);
  });

  // The mailed link: its token goes into the cookie, and the browser on to /register.
  router.get('/:token', async (ctx) => {
    const found = await open(ctx.params.token);
    if (!found) return gone(ctx);
    const maxAgeSeconds = Math.min(cookieSeconds, (found.link.expiresAt.getTime() - Date.now()) / 1000);
    setPageCookie(ctx, registrationCookie, found.token, { path: '/register', maxAgeSeconds, secure });
    noStore(ctx);
    ctx.status = 303;
    ctx.redirect('/register');
  });

  router.post('/', acceptForm({ issuerOrigin: new URL(issuerUrl).origin, limit: '8kb' }), async (ctx) => {
    const found = await openFromCookie(ctx);
    if (!found) return gone(ctx);
    const { token, person, link } = found;
    const { t } = languageOf(ctx, person);
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    if (!registrationCsrfMatches(token, body.csrf)) return showPage(ctx, token, person, { status: 403, error: t('register.forbidden') });
    const now = Date.now();
    const { policy } = await persons.planFor(person, 'MFA', now);
    const verdict = await limitAttempts(attempts, { personId: person._id, factor: 'TOTP', rule: retryRuleOf(policy), now, origin: { address: ctx.ip } }, () =>
      totp.confirmPending(person, typeof body.code === 'string' ? body.code : '', now),
    );
    if (verdict.outcome === 'not-applicable') return gone(ctx);
    if (verdict.outcome === 'locked') return showPage(ctx, token, person, { status: 429, error: t('register.locked') });
    if (verdict.outcome !== 'success') return showPage(ctx, token, person, { status: 422, error: t('register.wrongCode') });
    // The link was mailed to the person: using it proves that address, if it is still theirs.
    if ((await links.consume(token)) && person.email && links.wasMailedTo(link, token, person.email)) await persons.markAddressProven(person._id, 'email', person.email);
    setPageCookie(ctx, registrationCookie, undefined, { path: '/register', maxAgeSeconds: 0, secure });
    await services.factorNotices.send(person, 'totp-activated', { by: 'person', now });
    await render(ctx, 'registration/registered', 200, { title: t('register.done.title'), lang: languageOf(ctx, person).locale, t });
  });

  return router;
}
