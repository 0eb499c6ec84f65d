import type { AuditEntry } from '../../security/createAuditLog.ts';
import { isMessageKey, type Translate } from '../../i18n/translate.ts';
import { auditDateTime } from './auditDateTime.ts';
import { auditPageHref } from './auditQuery.ts';

/** Fields shown at once in a row's summary; the rest behind "N more fields". */
const shownFields = 6;
const longest = 200;

/** A value of a record as the log shows it: words for yes/no/none, lists joined, anything else as compact JSON. */
function valueText(value: unknown, t: Translate): string {
  if (value === undefined || value === null) return t('admin.none');
  if (typeof value === 'boolean') return t(value ? 'admin.yes' : 'admin.no');
  if (value === '') return t('admin.audit.empty.value');
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number')) return value.length === 0 ? t('admin.none') : value.join(', ');
  const json = JSON.stringify(value);
  return json.length > longest ? `${json.slice(0, longest - 1)}…` : json;
}

type Change = { field: string; from?: string; to?: string; value?: string };

/**
 * What an entry says changed: with before and after, only the fields whose value differs
 * (old → new), or all of them when none does; with one of them (a record created, deleted, or an event such as a
 * display), its fields as recorded.
 */
export function auditChanges(entry: Pick<AuditEntry, 'before' | 'after'>, t: Translate) {
  const { before, after } = entry;
  let heading: string | undefined;
  let changes: Change[];
  if (before && after) {
    const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    changes = fields.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field])).map((field) => ({ field, from: valueText(before[field], t), to: valueText(after[field], t) }));
    // Nothing differs (a new set of as many tokens, a change to the same value): what it is now.
    if (changes.length === 0) {
      heading = t('admin.audit.noChange');
      changes = Object.entries(after).map(([field, value]) => ({ field, value: valueText(value, t) }));
    }
  } else {
    const record = after ?? before ?? {};
    heading = Object.keys(record).length === 0 ? undefined : t(after ? 'admin.audit.newValues' : 'admin.audit.oldValues');
    changes = Object.entries(record).map(([field, value]) => ({ field, value: valueText(value, t) }));
  }
  const more = changes.slice(shownFields);
  return { heading, shown: changes.slice(0, shownFields), more, moreLabel: more.length > 0 ? t('admin.audit.more', { count: more.length }) : undefined };
}

/** The name an entry gives its record (persons and their keys carry `name`), if any. */
export const recordNameIn = (entry: Pick<AuditEntry, 'before' | 'after'>): string | undefined => {
  const name = entry.after?.name ?? entry.before?.name;
  return typeof name === 'string' ? name : undefined;
};

/** One row of the log's table, prepared for the view; `personNames` are the names of persons the page's entries refer to by id. */
export function auditRow(entry: AuditEntry, { t, locale }: { t: Translate; locale: string }, personNames: Map<string, string>) {
  const actionKey = `admin.audit.action.${entry.action}`;
  const personal = entry.entity === 'person' || entry.entity === 'totp';
  const recordName = recordNameIn(entry) ?? (personal ? personNames.get(entry.entityId) : undefined);
  return {
    id: entry._id,
    time: auditDateTime(entry.at, locale),
    timeIso: entry.at.toISOString(),
    actorKind: t(`admin.audit.actor.${entry.actor.kind}`),
    // Gatehouse itself has no name beside its kind.
    actorName: entry.actor.kind === 'system' ? undefined : (entry.actor.name ?? (entry.actor.kind === 'person' ? personNames.get(entry.actor.id) : undefined) ?? entry.actor.id),
    action: isMessageKey(actionKey) ? t(actionKey) : entry.action,
    entity: t(`admin.audit.entity.${entry.entity}`),
    recordName,
    recordId: entry.entityId,
    onlyThis: auditPageHref({ entity: entry.entity, recordTyped: entry.entityId }),
    address: entry.ip ?? t('admin.audit.noAddress'),
    changes: auditChanges(entry, t),
  };
}
