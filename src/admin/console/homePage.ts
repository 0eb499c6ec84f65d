import type Router from '@koa/router';
import type { AdminConsoleDependencies } from './AdminConsoleDependencies.ts';
import { doneNotice, renderAdmin } from './adminPages.ts';

/** The home of the admin view: the directory at a glance. */
export function homePage(router: Router, { gate, services }: AdminConsoleDependencies): void {
  router.get('/', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    const { t } = visit;
    const [persons, classes, clients] = await Promise.all([services.persons.list({ page: 1, pageSize: 1 }), services.classes.list(), services.clients.list()]);
    await renderAdmin(ctx, visit, 'home', {
      title: t('admin.home.title'),
      notice: doneNotice(ctx, t),
      counts: [
        { label: t('admin.home.persons'), value: persons.total, href: '/admin/persons' },
        { label: t('admin.home.classes'), value: classes.length, href: '/admin/classes' },
        { label: t('admin.home.clients'), value: clients.length, href: '/admin/clients' },
      ],
    });
  });
}
