import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { currentClientAddress } from './clientAddressScope.ts';
import { auditRepository, type Actor, type AuditEntry } from '../store/repositories/auditRepository.ts';

export type { Actor, AuditEntry };

/** Field names whose values never enter the audit log, at any depth. */
const secretFields = new Set(['password', 'passwordHash', 'password_hash', 'client_secret', 'sealedSecret', 'sealed', 'secret', 'key', 'tokens', 'answers', 'answerHashes']);

/** A copy of `value` without secret fields; dates become ISO strings. */
export function withoutSecrets(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([field]) => !secretFields.has(field))
        .map(([field, inner]) => [field, withoutSecrets(inner)]),
    );
  }
  return value;
}

/** Gatehouse changing its own records (migrations, tests); the CLI and API pass their own actor. */
export const systemActor: Actor = { kind: 'system', id: 'gatehouse' };

let sequence = 0;

/** Ids that sort in the order entries were written (time, then a per-process sequence). */
function nextAuditId(at: Date): string {
  sequence = (sequence + 1) % 1_000_000;
  return `${at.toISOString()}-${String(sequence).padStart(6, '0')}-${randomUUID().slice(0, 8)}`;
}

/**
 * Which entries to list: of one kind of record, of one record, older than `before`. With
 * `beforeId` too (the id of the last entry of a page, `before` its time), the entries
 * after that one in the listing's order: those of the same millisecond are not skipped.
 */
export type AuditQuery = { entity?: AuditEntry['entity']; entityId?: string; limit?: number; before?: Date; beforeId?: string };

export function createAuditLog(connection: Connection) {
  const entries = auditRepository(connection);
  return {
    /** Records one change, with the client address of the request making it. `before`/`after` are stored without secrets. */
    async record(entry: Omit<AuditEntry, '_id' | 'at' | 'ip' | 'before' | 'after'> & { before?: unknown; after?: unknown }): Promise<void> {
      const at = new Date();
      const ip = currentClientAddress();
      await entries.insert({
        _id: nextAuditId(at),
        at,
        actor: entry.actor,
        action: entry.action,
        entity: entry.entity,
        entityId: entry.entityId,
        ...(ip ? { ip } : {}),
        ...(entry.before === undefined ? {} : { before: withoutSecrets(entry.before) as Record<string, unknown> }),
        ...(entry.after === undefined ? {} : { after: withoutSecrets(entry.after) as Record<string, unknown> }),
      });
    },

    /** Newest first. */
    async list(query: AuditQuery = {}): Promise<AuditEntry[]> {
      return entries.newestFirst(query, Math.min(query.limit ?? 100, 1000));
    },
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
