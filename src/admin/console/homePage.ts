import type Router from '@koa/router';
import { NotFoundError } from '../../errors/GatehouseError.ts';
import { unlockPerson } from '../../factors/attempts/unlockPerson.ts';
import type { AdminConsoleDependencies } from './AdminConsoleDependencies.ts';
import { adminProblem, doneNotice, redirectAfterChange, renderAdmin } from './adminPages.ts';
import { chartLegend, homeCharts } from './homeCharts.ts';
import { denialRow } from './homeDenialRows.ts';
import { createDenialScan } from './homeDenials.ts';
import { formatUntil, lockedRows } from './homeLocks.ts';

/** Locked persons per page of the home's table (`?page=`). */
const lockedPageSize = 25;

const pageOf = (value: unknown) => (typeof value === 'string' && /^[1-9]\d{0,5}$/.test(value) ? Number(value) : 1);

/** 14:05 in the page's language (the server's time zone, as the frame's clock). */
const clockTime = (at: number, locale: string) => new Date(at).toLocaleTimeString(locale === 'es' ? 'es-ES' : 'en-GB', { hour: '2-digit', minute: '2-digit' });

/**
 * The home of the admin view: the directory at a glance (persons, classes, clients), who
 * is locked now (with Unlock), the sign-ins and failures of the last 24 hours and 7 days
 * (the sign-in tally), and who cannot sign in under their class (planned in the background).
 */
export function homePage(router: Router, { gate, services, config, logger }: AdminConsoleDependencies): void {
  const denials = createDenialScan({ persons: services.persons, logger, refreshMs: config.admin.homeRefreshSeconds * 1000 });

  router.get('/', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    const { t, locale, now } = visit;
    const [persons, classes, clients, locked, recent, planned] = await Promise.all([
      services.persons.list({ page: 1, pageSize: 1 }),
      services.classes.list(),
      services.clients.list(),
      lockedRows(services, t, locale, now),
      services.signInTally.recent(now),
      denials.current(now),
    ]);
    const lockedPages = Math.max(1, Math.ceil(locked.length / lockedPageSize));
    const page = Math.min(pageOf(ctx.query.page), lockedPages);
    const scan = planned.scan;
    await renderAdmin(ctx, visit, 'home', {
      title: t('admin.home.title'),
      notice: doneNotice(ctx, t),
      counts: [
        { label: t('admin.home.persons'), value: persons.total.toLocaleString(locale), href: '/admin/persons' },
        { label: t('admin.home.classes'), value: classes.length.toLocaleString(locale), href: '/admin/classes' },
        { label: t('admin.home.clients'), value: clients.length.toLocaleString(locale), href: '/admin/clients' },
      ],
      locked: {
        rows: locked.slice((page - 1) * lockedPageSize, page * lockedPageSize),
        count: t('admin.home.locked.count', { count: locked.length }),
        pager: lockedPages > 1 ? { text: t('admin.pageOf', { page, pages: lockedPages }), ...(page > 1 ? { previous: `/admin?page=${page - 1}` } : {}), ...(page < lockedPages ? { next: `/admin?page=${page + 1}` } : {}) } : undefined,
      },
      charts: homeCharts(recent, t, locale),
      legend: chartLegend(recent.factors, t),
      denials: {
        rows: scan ? scan.denials.map((denial) => denialRow(denial, t, (at) => formatUntil(locale).format(at))) : [],
        ready: scan !== undefined,
        count: scan ? t('admin.home.denials.count', { shown: scan.denials.length, total: scan.total.toLocaleString(locale), scanned: scan.scanned.toLocaleString(locale) }) : undefined,
        computed: scan
          ? scan.tookMs < 1000
            ? t('admin.home.denials.computedFast', { time: clockTime(scan.computedAt, locale) })
            : t('admin.home.denials.computed', { time: clockTime(scan.computedAt, locale), seconds: Math.round(scan.tookMs / 1000).toLocaleString(locale) })
          : undefined,
        computing: planned.computing ? t(scan ? 'admin.home.denials.refreshing' : 'admin.home.denials.computing') : undefined,
      },
    });
  });

  /** Unlock (option 9's, as the admin API's unlock route): every lock and counted failure of the person; audited with the admin. */
  router.post('/unlock', async (ctx) => {
    const visit = await gate.change(ctx);
    if (!visit) return;
    const name = typeof visit.body.name === 'string' ? visit.body.name : '';
    try {
      await unlockPerson({ persons: services.persons, attempts: services.attempts }, name, undefined, { actor: visit.actor });
    } catch (error) {
      if (error instanceof NotFoundError) return adminProblem(ctx, 404, 'admin.home.unlock.gone', visit.person, { name });
      throw error;
    }
    redirectAfterChange(ctx, '/admin', 'homeUnlocked');
  });
}
