import type Router from '@koa/router';
import { NotFoundError } from '../../errors/GatehouseError.ts';
import type { Services } from '../../services.ts';
import { auditEntities } from '../apiSchemas/auditApiSchemas.ts';
import type { AdminConsoleDependencies } from './AdminConsoleDependencies.ts';
import { renderAdmin } from './adminPages.ts';
import { auditDateTime } from './auditDateTime.ts';
import { auditRow, recordNameIn } from './auditEntryView.ts';
import { auditPageHref, readAuditQuery, type AuditEntity } from './auditQuery.ts';

/** Entries a page shows. */
export const auditPageSize = 50;

/**
 * The record the admin typed, as the log names it: a person (and their TOTP key) by sub,
 * so a person's name is looked up; classes and IP groups by their name in lower case;
 * anything else as typed.
 */
async function recordIdOf(persons: Services['persons'], entity: AuditEntity | undefined, typed: string): Promise<{ id: string; person?: string }> {
  if (entity === 'class' || entity === 'ipgroup') return { id: typed.toLowerCase() };
  if (entity !== undefined && entity !== 'person' && entity !== 'totp') return { id: typed };
  try {
    const person = await persons.show(typed);
    return { id: person.sub, person: person.name };
  } catch (error) {
    if (error instanceof NotFoundError) return { id: typed };
    throw error;
  }
}

/**
 * The audit log (`/admin/audit`): newest first, 50 a page, filtered by kind of record and
 * record. "Older entries" starts the next page after the page's last entry (its time and
 * id, services.audit `before`/`beforeId`), so entries written in the same millisecond are
 * neither skipped nor shown twice.
 */
export function auditPages(router: Router, { gate, services }: AdminConsoleDependencies): void {
  router.get('/audit', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    const { t, locale } = visit;
    const query = readAuditQuery(ctx.query);
    const record = query.recordTyped ? await recordIdOf(services.persons, query.entity, query.recordTyped) : undefined;
    const found = await services.audit.list({
      ...(query.entity ? { entity: query.entity } : {}),
      ...(record ? { entityId: record.id } : {}),
      ...query.cursor,
      limit: auditPageSize + 1,
    });
    const entries = found.slice(0, auditPageSize);
    const last = entries.at(-1);

    // Persons the entries name only by id (a person's own actions, records without a name): their names now.
    const personNames = new Map<string, string>();
    const unnamed = new Set(entries.flatMap((entry) => [...(entry.actor.kind === 'person' ? [entry.actor.id] : []), ...((entry.entity === 'person' || entry.entity === 'totp') && !recordNameIn(entry) ? [entry.entityId] : [])]));
    for (const sub of unnamed) {
      const person = await services.persons.findBySub(sub);
      if (person) personNames.set(sub, person.name);
    }

    const filters = { entity: query.entity, recordTyped: query.recordTyped };
    const filtered = Boolean(query.entity || query.recordTyped);
    await renderAdmin(ctx, visit, 'audit/list', {
      title: t('admin.audit.title'),
      alert: query.bad ? t('admin.audit.badPage') : undefined,
      entities: auditEntities.map((value) => ({ value, label: t(`admin.audit.entity.${value}`), selected: value === query.entity })),
      recordTyped: query.recordTyped,
      filteredBy: record?.person ? t('admin.audit.filteredBy', { name: record.person }) : undefined,
      filtered,
      // "Only this record" where the page is not already that.
      rows: entries.map((entry) => ({ ...auditRow(entry, { t, locale }, personNames), ...(record && query.entity === entry.entity && record.id === entry.entityId ? { onlyThis: undefined } : {}) })),
      empty: t(filtered ? 'admin.audit.empty' : 'admin.audit.emptyAll'),
      olderThan: query.cursor ? t('admin.audit.olderThan', { time: auditDateTime(query.cursor.before, locale) }) : undefined,
      page: query.page > 1 ? t('admin.audit.page', { page: query.page }) : undefined,
      newest: query.cursor ? auditPageHref(filters) : undefined,
      older: found.length > auditPageSize && last ? auditPageHref(filters, { before: last.at, beforeId: last._id, page: query.page + 1 }) : undefined,
    });
  });
}
