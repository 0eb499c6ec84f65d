import { randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { addressFailureModel } from '../../store/models/addressFailureModel.ts';
import { clientAddressKey } from './clientAddressKey.ts';

/** The window of the address throttle: failures older than this no longer count (and are swept). */
export const addressWindowMs = 15 * 60 * 1000;

export type AddressThrottleStatus = { throttled: false } | { throttled: true; retryAfterSeconds: number };

/**
 * The per-address throttle: more than `limit` failed sign-in steps (any person, any step)
 * from one client address within the last 15 minutes, and the address is refused until
 * enough of them are older than 15 minutes. It bounds what one address can try against
 * all persons, which is what lets the password step count per person *and* address
 * without letting anyone lock a person out from afar. Callers ask isThrottled before a
 * step and record every failed step; a failure recorded while refused keeps the address
 * refused (the window slides).
 */
export function createAddressThrottle({ connection, limit }: { connection: Connection; limit: number }) {
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError(`address throttle: the limit is a whole number from 1; got ${limit}`);
  const Failures = addressFailureModel(connection);

  return {
    async isThrottled(ip: string, now = Date.now()): Promise<AddressThrottleStatus> {
      // Only the newest limit + 1 matter: refused while the (limit + 1)-th newest is inside the window.
      const newest = await Failures.find({ address: clientAddressKey(ip), at: { $gt: new Date(now - addressWindowMs) } }, { at: 1 })
        .sort({ at: -1 })
        .limit(limit + 1)
        .lean();
      const deciding = newest[limit];
      if (deciding === undefined) return { throttled: false };
      return { throttled: true, retryAfterSeconds: Math.max(1, Math.ceil((deciding.at.getTime() + addressWindowMs - now) / 1000)) };
    },

    async recordFailure(ip: string, now = Date.now()): Promise<void> {
      await Failures.create({ _id: randomUUID(), address: clientAddressKey(ip), at: new Date(now) });
    },
  };
}

export type AddressThrottle = ReturnType<typeof createAddressThrottle>;
