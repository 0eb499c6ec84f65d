import type { Connection } from 'mongoose';

/**
 * Every kind of value the secret box seals into the database: the factors' (TOTP keys, the
 * keys being set up, emergency tokens and their lookup keys), client secrets, and the
 * provider's signing and cookie keys.
 */
export type SealedKind = 'totp-key' | 'account-setup-key' | 'sign-in-setup-key' | 'emergency-lookup-key' | 'emergency-token' | 'client-secret' | 'signing-key' | 'cookie-key';

/** One sealed value where it lies; `sealed` is what the write expects to find there still. */
export type SealedValue = { id: string; field: string; sealed: string; context: string };

/** A place the secret box seals into: how to find every value, and how to replace one unless it changed (master-key rotation). */
export type SealedField = {
  kind: SealedKind;
  collection: (connection: Connection) => string;
  values: (connection: Connection) => AsyncIterable<SealedValue>;
  replace: (connection: Connection, value: SealedValue, resealed: string) => Promise<boolean>;
};
