import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Connection } from 'mongoose';
import { addressKey } from '../directory/verifiedAddresses.ts';
import { factorStateRepository } from '../store/repositories/factorStateRepository.ts';
import { registrationLinkRepository, type StoredRegistrationLink } from '../store/repositories/registrationLinkRepository.ts';

type Dependencies = { connection: Connection; lifetimeSeconds: number };

/** 256 random bits, base64url (43 characters). */
const tokenBytes = 32;
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

export const hashLinkToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** The registration form's CSRF token: bound to the link (its token), never stored. */
export function registrationCsrfOf(token: string): string {
  return createHmac('sha256', token).update('gatehouse registration form').digest('base64url');
}

/** Keyed by the token, so only whoever holds the link can tie it to an address. */
const mailedToHashOf = (token: string, address: string) => createHmac('sha256', token).update(`mailed to\n${addressKey('email', address)}`).digest('base64url');

export function registrationCsrfMatches(token: string, submitted: unknown): boolean {
  if (typeof submitted !== 'string') return false;
  const expected = Buffer.from(registrationCsrfOf(token));
  const given = Buffer.from(submitted);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Registration links: what "email new key" and "send link" mail to a person. A link is a
 * random token (256 bits) stored only as its SHA-256, bound to one person and to the key
 * it was made for, expiring, single use; a new link for the person replaces older ones.
 */
export function createRegistrationLinks({ connection, lifetimeSeconds }: Dependencies) {
  const links = registrationLinkRepository(connection);
  const factorState = factorStateRepository(connection);

  return {
    lifetimeSeconds,

    /**
     * A new link for the person's current key; older links of the person stop working.
     * Returns the token (only here, never stored). `mailedTo`: the address it is mailed to,
     * which using the link then proves.
     */
    async issue(personId: string, keyId: string, now = Date.now(), mailedTo?: string): Promise<{ token: string; expiresAt: Date }> {
      await links.deleteOfPerson(personId);
      await links.deleteExpired(new Date(now));
      const token = randomBytes(tokenBytes).toString('base64url');
      const expiresAt = new Date(now + lifetimeSeconds * 1000);
      await links.insert({ _id: hashLinkToken(token), personId, keyId, ...(mailedTo ? { mailedToHash: mailedToHashOf(token, mailedTo) } : {}), createdAt: new Date(now), expiresAt });
      return { token, expiresAt };
    },

    /** Whether the link (of this token) was mailed to `address`. */
    wasMailedTo(link: StoredRegistrationLink, token: string, address: string): boolean {
      if (!link.mailedToHash) return false;
      return timingSafeEqual(Buffer.from(mailedToHashOf(token, address)), Buffer.from(link.mailedToHash));
    },

    /** The link, when it is still good: known, not expired, and its key is still the person's pending key. */
    async find(token: unknown, now = Date.now()): Promise<StoredRegistrationLink | undefined> {
      if (typeof token !== 'string' || !tokenPattern.test(token)) return undefined;
      const link = await links.byId(hashLinkToken(token));
      if (!link || link.expiresAt.getTime() <= now) return undefined;
      const person = await factorState.totpKey(link.personId);
      if (!person?.totp || person.totp.keyId !== link.keyId || person.totp.state !== 'pending') return undefined;
      return link;
    },

    /** Uses the link up: true for the one caller that deleted it. */
    async consume(token: string): Promise<boolean> {
      return links.deleteById(hashLinkToken(token));
    },

    /** Drops every link of the person (key removed). */
    async revokeAll(personId: string): Promise<void> {
      await links.deleteOfPerson(personId);
    },
  };
}

export type RegistrationLinks = ReturnType<typeof createRegistrationLinks>;
