import type { AuditEntry, AuditLog } from '../security/createAuditLog.ts';
import { AdminApiError } from './AdminApiError.ts';
import type { AdminRoute } from './AdminRoute.ts';
import { auditEntities, auditListSchema, auditQuerySchema } from './apiSchemas/auditApiSchemas.ts';
import { readQuery, wholeNumber } from './readQuery.ts';


const toApi = (entry: AuditEntry) => ({
  id: entry._id,
  at: entry.at.toISOString(),
  actor: entry.actor,
  action: entry.action,
  entity: entry.entity,
  entity_id: entry.entityId,
  ...(entry.ip ? { ip: entry.ip } : {}),
  ...(entry.before ? { before: entry.before } : {}),
  ...(entry.after ? { after: entry.after } : {}),
});

/** The audit log, newest first: who changed what, when, before and after (never secrets). */
export function auditRoutes(audit: Pick<AuditLog, 'list'>): AdminRoute[] {
  return [
    {
      method: 'GET',
      path: '/audit',
      doc: { operationId: 'listAudit', summary: 'The audit log, newest first', tag: 'Audit', query: auditQuerySchema, responses: { 200: { description: 'The entries, newest first.', schema: auditListSchema } }, refusals: [400] },
      async handle(ctx) {
        const query = readQuery(ctx, ['entity', 'entity_id', 'limit']);
        const entity = query.entity as AuditEntry['entity'] | undefined;
        if (entity !== undefined && !(auditEntities as readonly string[]).includes(entity)) {
          throw new AdminApiError(400, 'invalid_request', `entity: one of ${auditEntities.join(', ')}; got ${JSON.stringify(query.entity)}.`);
        }
        const entries = await audit.list({ entity, entityId: query.entity_id, limit: wholeNumber('limit', query.limit, 1, 1000) ?? 100 });
        ctx.body = { items: entries.map(toApi) };
      },
    },
  ];
}
