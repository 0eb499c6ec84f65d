import type { Connection } from 'mongoose';
import { attemptRepository, type ChainEntry } from '../../store/repositories/attemptRepository.ts';
import { remember, remembered } from '../../store/requestReads.ts';
import { clientAddressKey } from './clientAddressKey.ts';
import { appendFailure, newestLink, type ChainId, type ChainKind } from './failureChain.ts';

/** The window of the address throttle: failures older than this no longer count (and are swept). */
export const addressWindowMs = 15 * 60 * 1000;

export type AddressThrottleStatus = { throttled: false } | { throttled: true; retryAfterSeconds: number };

/** An address's newest failures inside the window, newest last: as many as decide (limit + 1). */
type AddressState = { times: number[] };

/** Where an address's failures are kept, beside the persons' (a head and a chain of its own). */
export const addressOwnerPrefix = 'address:';
const chainOf = (ip: string): ChainId => ({ owner: `${addressOwnerPrefix}${clientAddressKey(ip)}`, key: 'address', factor: 'address' });

/**
 * The per-address throttle: more than `limit` failed sign-in steps (any person, any step)
 * from one client address within the last 15 minutes, and the address is refused until
 * enough of them are older than 15 minutes. It bounds what one address can try against
 * all persons, which is what lets the password step count per person *and* address
 * without letting anyone lock a person out from afar. Callers ask isThrottled before a
 * step and record every failed step; a failure recorded while refused keeps the address
 * refused (the window slides). Its failures are a chain like a person's (failureChain.ts):
 * one lookup by `_id` per request, an insert per failure.
 */
export function createAddressThrottle({ connection, limit }: { connection: Connection; limit: number }) {
  if (!Number.isInteger(limit) || limit < 1) throw new TypeError(`address throttle: the limit is a whole number from 1; got ${limit}`);
  const repository = attemptRepository(connection);
  const kind: ChainKind<AddressState> = {
    empty: { times: [] },
    next: (state, at) => ({ times: [...state.times.filter((time) => time > at - addressWindowMs), at].toSorted((a, b) => a - b).slice(-(limit + 1)) }),
    live: (state, now) => state.times.some((time) => time > now - addressWindowMs),
  };

  /** The address's newest link, read (and walked) once per request. */
  function linkOf(chain: ChainId, now: number): Promise<ChainEntry<AddressState>> {
    return remembered(`address:${chain.owner}`, async () => {
      const entry = (await repository.head(chain.owner))?.keys?.address as ChainEntry<AddressState> | undefined;
      return newestLink(repository, chain, entry, kind, now);
    });
  }

  return {
    async isThrottled(ip: string, now = Date.now()): Promise<AddressThrottleStatus> {
      const { state } = await linkOf(chainOf(ip), now);
      // Refused while the (limit + 1)-th newest is inside the window.
      const deciding = state.times.filter((time) => time > now - addressWindowMs).toSorted((a, b) => b - a)[limit];
      if (deciding === undefined) return { throttled: false };
      return { throttled: true, retryAfterSeconds: Math.max(1, Math.ceil((deciding + addressWindowMs - now) / 1000)) };
    },

    async recordFailure(ip: string, now = Date.now()): Promise<void> {
      const chain = chainOf(ip);
      const { link, moved } = await appendFailure(repository, chain, await linkOf(chain, now), now, kind);
      if (!moved) return;
      await repository.updateHead(chain.owner, { entries: { address: link } });
      remember(`address:${chain.owner}`, link);
    },
  };
}

export type AddressThrottle = ReturnType<typeof createAddressThrottle>;
