import type { Context } from 'koa';
import type { Translate } from '../../i18n/translate.ts';

/** Rows per page of the classes and IP groups lists. */
export const listPageSize = 50;

/**
 * One page of a list read whole (the services list classes and IP groups whole; there are
 * few), by `?page=` (1 when missing or not a page number; the last page when past it),
 * with the pager's links.
 */
export function pageOfList<Item>(ctx: Context, items: readonly Item[], path: string, t: Translate) {
  const pages = Math.max(1, Math.ceil(items.length / listPageSize));
  const asked = typeof ctx.query.page === 'string' && /^[1-9]\d{0,5}$/.test(ctx.query.page) ? Number(ctx.query.page) : 1;
  const page = Math.min(asked, pages);
  return {
    items: items.slice((page - 1) * listPageSize, page * listPageSize),
    pager:
      pages > 1
        ? {
            label: t('admin.pageOf', { page, pages }),
            ...(page > 1 ? { previous: { href: `${path}?page=${page - 1}`, label: t('admin.previous') } } : {}),
            ...(page < pages ? { next: { href: `${path}?page=${page + 1}`, label: t('admin.next') } } : {}),
          }
        : undefined,
  };
}
