import { z } from 'zod';
import type { AuditEntry } from '../../security/createAuditLog.ts';

/** The kinds of record the audit log tells changes of (the `entity` filter of GET /audit). */
export const auditEntities = ['class', 'person', 'ipgroup', 'client', 'settings', 'keys', 'totp'] as const satisfies readonly AuditEntry['entity'][];

const text = (description: string) => z.string().meta({ description });

export const auditEntrySchema = z
  .object({
    id: z.string(),
    at: z.string().meta({ format: 'date-time' }),
    actor: z
      .object({ kind: z.enum(['cli', 'api-client', 'api-person', 'admin-view', 'person', 'system']), id: z.string(), name: z.string().optional() })
      .meta({ description: 'Who: `api-client` (id = client_id), `api-person` (id = sub, name), `cli`, `person`, `system`.' }),
    action: text('create, update, delete, rename, set-password…'),
    entity: z.enum(auditEntities),
    entity_id: text('The record: a person\'s sub, a class or IP group name (lower case), a client_id.'),
    ip: text('The client address of the request that made the change (as TRUST_PROXY_HOPS and TRUST_PROXY_RANGES resolve it); absent for the CLI and Gatehouse itself.').optional(),
    before: z.object({}).loose().optional().meta({ description: 'The record before the change, without secrets.' }),
    after: z.object({}).loose().optional().meta({ description: 'The record after the change, without secrets.' }),
  })
  .meta({ id: 'AuditEntry' });

export const auditListSchema = z.object({ items: z.array(auditEntrySchema) }).meta({ id: 'AuditEntries' });

export const auditQuerySchema = z.object({
  entity: z.enum(auditEntities).meta({ description: 'Only changes of this kind of record.' }),
  entity_id: z.string().meta({ description: 'Only changes of this record (see AuditEntry.entity_id).' }),
  limit: z.number().int().min(1).max(1000).default(100).meta({ description: 'At most this many entries.' }),
});
