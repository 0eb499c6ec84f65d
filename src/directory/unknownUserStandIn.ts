import { createHmac } from 'node:crypto';
import type { StoredPerson } from '../store/repositories/personRepository.ts';

/** The `_id` prefix of stand-ins: never a sub (subs are UUIDs), so their attempt records are told apart. */
export const unknownUserPrefix = 'unknown-user:';

/**
 * The person a sign-in with a user ID that nobody has is handled as, so that an unknown
 * user ID and a known one cost the same work and get the same answers at the same attempt
 * counts: a disabled person of the default class, without password or factors, whose
 * `_id` is a keyed hash of the normalised user ID. Its password failures are counted and
 * locked like anyone's; the key keeps the user IDs tried out of the database.
 */
export function createUnknownUserStandIn(key: Buffer) {
  return (userId: string): StoredPerson => {
    const normalised = (typeof userId === 'string' ? userId : '').trim().toLowerCase();
    return standInOfId(`${unknownUserPrefix}${createHmac('sha256', key).update(normalised).digest('base64url')}`);
  };
}

/** A stand-in again from its `_id` (a reset keeps only the id): the same person as createUnknownUserStandIn's. */
export function standInOfId(id: string): StoredPerson {
  return { _id: id, name: id, nameKey: id, defaultUserId: id, userIds: [], userIdKeys: [], enabled: false, roles: [], className: '*DFT', lastUpdate: new Date(0) };
}
