import type { Context } from 'koa';
import type { Refuse, SessionProblem } from '../../http/firstPartySession.ts';
import { renderPage } from '../../http/renderPage.ts';
import type { MessageKey } from '../../i18n/messages.en.ts';
import { chooseLocale, isMessageKey, translator, type Translate } from '../../i18n/translate.ts';
import type { StoredPerson } from '../../store/repositories/personRepository.ts';
import type { AdminVisit } from './AdminVisit.ts';

// What every page of the admin view shares: its language, its frame (navigation, who is signed in, until when), and the pages that say why it cannot go on.

/** The sections of the navigation, in order; a page belongs to the one whose path starts its own. */
export const adminSections = [
  { path: '/admin', label: 'admin.nav.home' },
  { path: '/admin/classes', label: 'admin.nav.classes' },
  { path: '/admin/persons', label: 'admin.nav.persons' },
  { path: '/admin/ip-groups', label: 'admin.nav.ipGroups' },
  { path: '/admin/clients', label: 'admin.nav.clients' },
  { path: '/admin/settings', label: 'admin.nav.settings' },
  { path: '/admin/audit', label: 'admin.nav.audit' },
] as const satisfies readonly { path: string; label: MessageKey }[];

/** The page's language: the admin's preferred language, then the browser's. */
export function adminLanguage(ctx: Context, person?: Pick<StoredPerson, 'preferredLanguage'>): { t: Translate; locale: string } {
  const locale = chooseLocale({ ...(person?.preferredLanguage ? { preferred: person.preferredLanguage } : {}), acceptLanguage: ctx.get('accept-language') });
  return { t: translator(locale), locale };
}

const sectionOf = (path: string) => adminSections.filter((section) => path === section.path || path.startsWith(`${section.path}/`)).at(-1)?.path;

/** 12:45 in the page's language (the server's time zone, UTC in a container). */
const clockTime = (at: Date, locale: string) => at.toLocaleTimeString(locale === 'es' ? 'es-ES' : 'en-GB', { hour: '2-digit', minute: '2-digit' });

/**
 * Renders views/admin/<view>.ejs in the admin layout, with the frame every page has: the
 * navigation (the current section marked), the admin's name, until when the elevation
 * lasts, the sign-out form and the CSRF token for the page's own forms (`csrf`).
 */
export async function renderAdmin(ctx: Context, visit: AdminVisit, view: string, data: Record<string, unknown> & { title: string; status?: number }) {
  const { t, locale } = visit;
  const current = sectionOf(ctx.path);
  ctx.status = data.status ?? 200;
  ctx.type = 'html';
  ctx.body = await renderPage(`admin/${view}`, {
    lang: locale,
    t,
    csrf: visit.csrf,
    frame: {
      signedIn: true,
      nav: adminSections.map((section) => ({ href: section.path, label: t(section.label), current: section.path === current })),
      signedInAs: t('admin.signedInAs', { name: visit.person.name }),
      elevatedUntil: t('admin.elevatedUntil', { time: clockTime(visit.elevatedUntil, locale) }),
    },
    ...data,
  }, { layout: 'admin/layout' });
}

/** A page of the admin view without a signed-in admin (a refusal, signed out): the same frame, no navigation. */
export async function renderAdminBare(ctx: Context, view: string, status: number, data: Record<string, unknown> & { title: string }, person?: Pick<StoredPerson, 'preferredLanguage'>) {
  const { t, locale } = adminLanguage(ctx, person);
  ctx.status = status;
  ctx.type = 'html';
  ctx.body = await renderPage(`admin/${view}`, { lang: locale, t, frame: { signedIn: false }, ...data }, { layout: 'admin/layout' });
}

/** A page saying why the admin view cannot go on, with the way back to it. */
export async function adminProblem(ctx: Context, status: number, message: MessageKey, person?: Pick<StoredPerson, 'preferredLanguage'>, values: Record<string, string | number> = {}) {
  const { t } = adminLanguage(ctx, person);
  await renderAdminBare(ctx, 'problem', status, { title: t('admin.problem.title'), message: t(message, values) }, person);
}

const problemMessages: Record<SessionProblem, MessageKey> = {
  'session-ended': 'admin.problem.sessionEnded',
  forbidden: 'admin.problem.forbidden',
  expired: 'admin.problem.expired',
  cancelled: 'admin.problem.cancelled',
  failed: 'admin.problem.failed',
  'short-acr': 'admin.problem.shortAcr',
};

/** The admin view's words for why the browser sign-in cannot go on (http/firstPartySession.ts). */
export const adminRefuse =
  (idleMinutes: number): Refuse =>
  (ctx, status, reason, person) =>
    adminProblem(ctx, status, problemMessages[reason], person, { minutes: idleMinutes });

/**
 * The notice of a page reached after a change (`?done=saved`): the text of the message
 * `admin.done.<value>` when there is one; anything else in the query shows nothing.
 */
export function doneNotice(ctx: Context, t: Translate): string | undefined {
  const done = ctx.query.done;
  if (typeof done !== 'string' || !/^[A-Za-z]{1,40}$/.test(done)) return undefined;
  const key = `admin.done.${done}`;
  return isMessageKey(key) ? t(key) : undefined;
}

/** A 303 to a page of the admin view, with the notice of what was done (doneNotice). */
export function redirectAfterChange(ctx: Context, path: string, done?: string) {
  ctx.status = 303;
  ctx.redirect(done ? `${path}${path.includes('?') ? '&' : '?'}done=${done}` : path);
}
