import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { Actor } from '../../security/createAuditLog.ts';
import { setupLinkRepository, type StoredSetupLink } from '../../store/repositories/setupLinkRepository.ts';

/** How long a printed setup link works. */
export const setupLinkLifetimeMs = 60 * 60 * 1000;

/** Who the audit log says made the first administrator, their class and their key: the link, not a signed-in person. */
export const setupActor: Actor = { kind: 'system', id: 'setup-link', name: 'first-run setup link' };

/** 256 random bits, base64url (43 characters): redacted from the request log like every bearer-shaped path segment (logging/redactPath.ts). */
const tokenBytes = 32;
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/** What a link is worth now. `id` (its hash) is what the later steps are bound to, never the token. */
export type SetupLinkCheck = { state: 'open'; id: string; link: StoredSetupLink } | { state: 'unknown' | 'expired' | 'used' };

/** The line `npm start` prints (main.ts), on stdout beside the JSON log, never in it. */
export const setupLinkNotice = (url: string) => `Open this link to create the first administrator (valid 1 hour, single use): ${url}`;

/**
 * The first-run setup link: while no enabled person has the admin role, each start makes
 * one (a random token, stored only as its SHA-256, valid one hour) and the older one stops
 * working. Whoever opens it on the server's own machine creates the first administrator.
 * The link is used up by the one request that claims it (an insert of a unique `_id`), so
 * two browsers racing with the same link cannot both create an administrator.
 */
export function createSetupLinks(connection: Connection) {
  const links = setupLinkRepository(connection);

  return {
    /** A new link under `issuer`, in place of any older one. The token is only in the returned URL. */
    async issue(issuer: string, now = Date.now()): Promise<{ url: string; expiresAt: Date }> {
      const token = randomBytes(tokenBytes).toString('base64url');
      const expiresAt = new Date(now + setupLinkLifetimeMs);
      await links.replaceAll({ _id: hashOf(token), createdAt: new Date(now), expiresAt });
      return { url: `${issuer}/setup/${token}`, expiresAt };
    },

    async check(token: unknown, now = Date.now()): Promise<SetupLinkCheck> {
      if (typeof token !== 'string' || !tokenPattern.test(token)) return { state: 'unknown' };
      const id = hashOf(token);
      const link = await links.byId(id);
      if (!link) return { state: 'unknown' };
      if (link.usedAt) return { state: 'used' };
      if (link.expiresAt.getTime() <= now) return { state: 'expired' };
      return { state: 'open', id, link };
    },

    /** The link's record by its id (the enrolment step checks it made this person). */
    async byId(id: string): Promise<StoredSetupLink | null> {
      return links.byId(id);
    },

    /** Uses the link up for this request: a claim to give back with `release`, or undefined when another request got there first. */
    async claim(id: string, now = Date.now()): Promise<string | undefined> {
      const claim = randomUUID();
      return (await links.claim(id, claim, new Date(now))) ? claim : undefined;
    },

    /** The claimant created no one (bad input): the link works again. */
    release: (id: string, claim: string) => links.release(id, claim),

    /** The administrator the claimed link created. */
    notePerson: (id: string, claim: string, personId: string) => links.notePerson(id, claim, personId),

    /** Whether a link printed at start is still waiting to be used (the landing page says so). */
    waiting: (now = Date.now()) => links.anyWaiting(new Date(now)),

    /** Moves a link's expiry (tests: a link made expired the way time would, with no clock faked). */
    async setExpiry(token: string, expiresAt: Date): Promise<void> {
      await links.setExpiry(hashOf(token), expiresAt);
    },
  };
}

export type SetupLinks = ReturnType<typeof createSetupLinks>;
