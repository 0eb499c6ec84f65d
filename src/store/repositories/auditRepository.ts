import type { Connection } from 'mongoose';
import { auditModel, type AuditEntry } from '../models/auditModel.ts';

export type { Actor, AuditEntry } from '../models/auditModel.ts';

/** Which entries a listing picks: of one kind of record, of one record, older than a time (or, with `beforeId`, after that entry of that time). */
export type AuditFilter = { entity?: AuditEntry['entity']; entityId?: string; before?: Date; beforeId?: string };

/** The audit log: entries written once, read newest first. */
export function auditRepository(connection: Connection) {
  const Audit = auditModel(connection);
  return {
    async insert(entry: AuditEntry): Promise<void> {
      await Audit.create(entry);
    },

    /** At most `limit` entries that match, newest first. */
    async newestFirst(query: AuditFilter, limit: number): Promise<AuditEntry[]> {
      const filter: Record<string, unknown> = {};
      if (query.entity) filter.entity = query.entity;
      if (query.entityId) filter.entityId = query.entityId;
      // The listing's order is (at, _id), newest first: entries of the same millisecond go on after the one given.
      if (query.before && query.beforeId) filter.$or = [{ at: { $lt: query.before } }, { at: query.before, _id: { $lt: query.beforeId } }];
      else if (query.before) filter.at = { $lt: query.before };
      return Audit.find(filter).sort({ at: -1, _id: -1 }).limit(limit).lean();
    },
  };
}

export type AuditRepository = ReturnType<typeof auditRepository>;
