import { Schema, type Connection, type Model } from 'mongoose';

/**
 * A person of the directory (product.md "Person"). `_id` is the OIDC `sub`: random and
 * immutable, so a rename changes nothing for relying parties. `nameKey` and `userIdKeys`
 * are the lower-cased forms of the name and user IDs, unique ignoring case.
 */
export type StoredPerson = {
  _id: string;
  name: string;
  nameKey: string;
  defaultUserId: string;
  userIds: string[];
  userIdKeys: string[];
  passwordHash?: string;
  enabled: boolean;
  roles: string[];
  className: string;
  ipGroup?: string;
  externalId?: string;
  idNumber?: string;
  birthDate?: string;
  cellPhone?: string;
  email?: string;
  employeeNumber?: string;
  familyName?: string;
  firstName?: string;
  preferredLanguage?: string;
  officePhone?: string;
  lastUpdate: Date;
  lastUsed?: Date;
  /** Kept by the TOTP factor: the key's state (pending until the first code confirms it). */
  totp?: { state: 'pending' | 'active' };
  /** Kept by the questions factor: one entry per answered private question. */
  questionAnswers?: unknown[];
  /** Kept by the emergency-token factor. */
  emergencyTokensLeft?: number;
  /** Kept by the retry limits: a factor locked until a time, or until an admin unlocks. */
  factorLocks?: Record<string, { until?: Date; untilAdminUnlock?: boolean }>;
};

const personSchema = new Schema<StoredPerson>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    nameKey: { type: String, required: true },
    defaultUserId: { type: String, required: true },
    userIds: { type: [String], required: true },
    userIdKeys: { type: [String], required: true },
    passwordHash: String,
    enabled: { type: Boolean, default: true },
    roles: { type: [String], default: [] },
    className: { type: String, default: '*DFT' },
    ipGroup: String,
    externalId: String,
    idNumber: String,
    birthDate: String,
    cellPhone: String,
    email: String,
    employeeNumber: String,
    familyName: String,
    firstName: String,
    preferredLanguage: String,
    officePhone: String,
    lastUpdate: { type: Date, required: true },
    lastUsed: Date,
    totp: Schema.Types.Mixed,
    questionAnswers: Schema.Types.Mixed,
    emergencyTokensLeft: Number,
    factorLocks: Schema.Types.Mixed,
  },
  { versionKey: false },
);
// Lookups only: uniqueness is kept by the claims of person_keys (see personKeyModel.ts).
personSchema.index({ nameKey: 1 });
personSchema.index({ userIdKeys: 1 });

export function personModel(connection: Connection): Model<StoredPerson> {
  return (connection.models.Person as Model<StoredPerson> | undefined) ?? connection.model<StoredPerson>('Person', personSchema, 'persons');
}
