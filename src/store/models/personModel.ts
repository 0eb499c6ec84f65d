import { Schema, type Connection, type Model } from 'mongoose';

export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

/**
 * A person's TOTP key. `sealedSecret` is the Base32 key sealed by the secret box (context
 * `totp-key:<person id>`): never stored plain, yet displayable to admins. `keyId` names
 * this key, so that a write meant for a replaced key changes nothing. `lastStep` is the
 * highest time step accepted (kept across key changes): a code of that step or an
 * earlier one is refused.
 */
export type StoredTotpKey = {
  keyId: string;
  state: 'pending' | 'active';
  sealedSecret: string;
  algorithm: TotpAlgorithm;
  digits: 6 | 8;
  period: number;
  createdAt: Date;
  activatedAt?: Date;
  lastStep?: number;
};

/**
 * A key offered to a person who sets up an authenticator app themselves (account page,
 * enrolment during sign-in). It is not the person's key yet: the caller keeps it, sealed,
 * in its own short-lived record until one code from the app confirms it
 * (factors/totp: `activateCandidate`). Until then the person's current key, if any, keeps working.
 */
export type StoredTotpCandidate = {
  keyId: string;
  sealedSecret: string;
  algorithm: TotpAlgorithm;
  digits: 6 | 8;
  period: number;
  /** The active key this one may replace (the person proved it); absent: it may replace no active key. */
  replaces?: string;
};

/** A private question and its answer, normalised then hashed with a salt of its own (scrypt). */
export type StoredQuestionAnswer = { id: string; question: string; answerHash: string };

/**
 * The person's current set of emergency tokens. The tokens are documents of their own
 * (emergency_tokens, one per token, consumed by deleting it); here are the set's id, the
 * key of the tokens' lookup HMAC (sealed, context `emergency-lookup:<person id>`), and
 * how many are left, kept in step for the planner.
 */
export type StoredEmergencyTokenSet = { setId: string; sealedLookupKey: string; left: number; createdAt: Date };

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
  /** The email address Gatehouse proved (a code or link sent to it was used) or an admin marked verified (directory/verifiedAddresses.ts). */
  emailVerifiedFor?: string;
  /** The cell phone number proved by an SMS code or marked verified by an admin. */
  phoneVerifiedFor?: string;
  lastUpdate: Date;
  lastUsed?: Date;
  /** Kept by the TOTP factor (src/factors/totp/): the key, sealed, and its parameters. */
  totp?: StoredTotpKey;
  /**
   * The highest time step accepted per key id, raised by a write filtered on `_id` alone
   * (the embedded database scans for any other filter). Beside `totp`, not in it: a write
   * meant for a key replaced or removed meanwhile lands under that key's id and changes
   * nothing of the current key.
   */
  totpSteps?: Record<string, number>;
  /** Kept by the questions factor (src/factors/questions/): one entry per answered private question. */
  questionAnswers?: StoredQuestionAnswer[];
  /** Kept by the emergency-token factor (src/factors/emergency/): the current set of tokens. */
  emergencyTokens?: StoredEmergencyTokenSet;
  /**
   * Kept by the Device Auth factor (src/factors/webauthn/): the ids of the person's passkeys
   * and security keys, whose documents are in webauthn_credentials (read by `_id`); its
   * length is the planner's count.
   */
  webauthn?: StoredWebauthnList;
  /**
   * The password is a temporary one (directory/temporaryPasswords.ts): issued by an admin or
   * a reset, it signs in only until `expiresAt` (none: the class's 999, no limit), and only
   * to the page where the person chooses their own. Any new password removes it.
   */
  temporaryPassword?: StoredTemporaryPassword;
};

export type StoredWebauthnList = { credentialIds: string[] };

export type StoredTemporaryPassword = { issuedAt: Date; expiresAt?: Date; reason: 'admin' | 'reset' };

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
    emailVerifiedFor: String,
    phoneVerifiedFor: String,
    lastUpdate: { type: Date, required: true },
    lastUsed: Date,
    totp: Schema.Types.Mixed,
    totpSteps: Schema.Types.Mixed,
    questionAnswers: Schema.Types.Mixed,
    emergencyTokens: Schema.Types.Mixed,
    webauthn: Schema.Types.Mixed,
    temporaryPassword: Schema.Types.Mixed,
  },
  { versionKey: false },
);
// Lookups only: uniqueness is kept by the claims of person_keys (see personKeyModel.ts).
personSchema.index({ nameKey: 1 });
personSchema.index({ userIdKeys: 1 });

export function personModel(connection: Connection): Model<StoredPerson> {
  return (connection.models.Person as Model<StoredPerson> | undefined) ?? connection.model<StoredPerson>('Person', personSchema, 'persons');
}
