import { Schema, type Connection, type Model } from 'mongoose';

/** Who made a change: an admin at the CLI, an API caller (client or person), or Gatehouse itself. */
export type Actor = { kind: 'cli' | 'api-client' | 'api-person' | 'admin-view' | 'person' | 'system'; id: string; name?: string };

/** One recorded change: who, what, when, and the record before and after (secrets removed). */
export type AuditEntry = {
  _id: string;
  at: Date;
  actor: Actor;
  action: string;
  entity: 'class' | 'person' | 'ipgroup' | 'client' | 'settings' | 'keys' | 'totp';
  entityId: string;
  /** The client address of the request that made the change (absent for the CLI and Gatehouse itself). */
  ip?: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
};

const auditSchema = new Schema<AuditEntry>(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    actor: { type: Schema.Types.Mixed, required: true },
    action: { type: String, required: true },
    entity: { type: String, required: true },
    entityId: { type: String, required: true },
    ip: String,
    before: Schema.Types.Mixed,
    after: Schema.Types.Mixed,
  },
  { versionKey: false, minimize: false },
);
auditSchema.index({ at: -1 });
auditSchema.index({ entity: 1, entityId: 1, at: -1 });

export function auditModel(connection: Connection): Model<AuditEntry> {
  return (connection.models.Audit as Model<AuditEntry> | undefined) ?? connection.model<AuditEntry>('Audit', auditSchema, 'audit');
}
