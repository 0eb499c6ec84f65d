import { auditEntities } from '../apiSchemas/auditApiSchemas.ts';
import type { AuditEntry } from '../../security/createAuditLog.ts';

export type AuditEntity = AuditEntry['entity'];

/** Where a page of the log starts: after this entry (its time and id), in the listing's order. */
export type AuditCursor = { before: Date; beforeId: string };

/** The audit page's query, read: the filters as typed, the page's start, and whether something in it was not valid (and left out). */
export type AuditPageQuery = { entity?: AuditEntity; recordTyped: string; cursor?: AuditCursor; page: number; bad: boolean };

const one = (value: unknown) => (typeof value === 'string' ? value : Array.isArray(value) && typeof value[0] === 'string' ? value[0] : undefined);
const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const entryId = /^[\w:.-]{1,100}$/;

/** `?entity=…&entity_id=…&before=…&before_id=…&page=…`; what is not valid is dropped (and `bad` says so), never an error page. */
export function readAuditQuery(query: Record<string, unknown>): AuditPageQuery {
  let bad = false;
  const entityText = one(query.entity) ?? '';
  const entity = (auditEntities as readonly string[]).includes(entityText) ? (entityText as AuditEntity) : undefined;
  if (entityText !== '' && !entity) bad = true;
  const recordTyped = (one(query.entity_id) ?? '').trim().slice(0, 200);
  const before = one(query.before);
  const beforeId = one(query.before_id);
  let cursor: AuditCursor | undefined;
  if (before !== undefined || beforeId !== undefined) {
    if (before && beforeId && isoTime.test(before) && entryId.test(beforeId) && !Number.isNaN(Date.parse(before))) cursor = { before: new Date(before), beforeId };
    else bad = true;
  }
  const pageText = one(query.page);
  const page = cursor && pageText && /^\d{1,6}$/.test(pageText) && Number(pageText) > 1 ? Number(pageText) : 1;
  return { ...(entity ? { entity } : {}), recordTyped, ...(cursor ? { cursor } : {}), page: cursor ? Math.max(page, 2) : 1, bad };
}

/** The log page's URL for these filters, from `cursor` on (none: the newest entries). */
export function auditPageHref(filters: { entity?: AuditEntity; recordTyped: string }, cursor?: AuditCursor & { page: number }): string {
  const query = new URLSearchParams();
  if (filters.entity) query.set('entity', filters.entity);
  if (filters.recordTyped) query.set('entity_id', filters.recordTyped);
  if (cursor) {
    query.set('before', cursor.before.toISOString());
    query.set('before_id', cursor.beforeId);
    query.set('page', String(cursor.page));
  }
  const text = query.toString();
  return text ? `/admin/audit?${text}` : '/admin/audit';
}
