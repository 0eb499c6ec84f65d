import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Connection } from 'mongoose';
import { firstPartySessionRepository, type StoredFirstPartySession } from '../store/repositories/firstPartySessionRepository.ts';

export type FirstPartySessionRecord = StoredFirstPartySession;

/** 32 random bytes, base64url: what the session cookie holds. */
const sessionIdPattern = /^[A-Za-z0-9_-]{43}$/;

const storedIdOf = (sessionId: string) => createHash('sha256').update(sessionId).digest('hex');

/** How often a session that ends when idle notes that it is in use: one write per half minute of use, not one per request. */
const seenEveryMs = 30_000;

/**
 * The sessions of one first-party page, kept in `collection` (firstPartySessionRepository.ts).
 * The id is known only to the browser; the store keeps its hash. Expiry is enforced here
 * on every read; with `idleSeconds`, a session with no request for that long ends too.
 */
export function createFirstPartySessions(connection: Connection, { collection, lifetimeSeconds, idleSeconds }: { collection: string; lifetimeSeconds: number; idleSeconds?: number }) {
  const Sessions = firstPartySessionRepository(connection, collection);
  return {
    lifetimeSeconds,
    idleSeconds,

    /** The collection and its indexes (ensureIndexes does the same for the store's own models). */
    prepare: () => Sessions.prepare(),

    /** A new session of the person; returns the id for the cookie (never stored as is). */
    async open(fields: Pick<FirstPartySessionRecord, 'sub' | 'authTime' | 'amr' | 'acr'>, now = Date.now()): Promise<string> {
      const sessionId = randomBytes(32).toString('base64url');
      await Sessions.insert({
        _id: storedIdOf(sessionId),
        sub: fields.sub,
        authTime: fields.authTime,
        amr: fields.amr,
        ...(fields.acr ? { acr: fields.acr } : {}),
        createdAt: new Date(now),
        expiresAt: new Date(now + lifetimeSeconds * 1000),
      });
      return sessionId;
    },

    /** The live session of a cookie value, or undefined (absent, malformed, unknown or expired). */
    async find(sessionId: string | undefined, now = Date.now()): Promise<FirstPartySessionRecord | undefined> {
      if (!sessionId || !sessionIdPattern.test(sessionId)) return undefined;
      const id = storedIdOf(sessionId);
      const session = await Sessions.byId(id);
      if (!session || session.expiresAt.getTime() <= now) return undefined;
      if (idleSeconds === undefined) return session;
      const seen = (session.seenAt ?? session.createdAt).getTime();
      if (now - seen > idleSeconds * 1000) {
        await Sessions.deleteById(id);
        return undefined;
      }
      if (now - seen > seenEveryMs) await Sessions.setSeenAt(id, new Date(now));
      return session;
    },

    /** Keeps a key being set up with the session (or forgets it: undefined). */
    async setTotpCandidate(sessionId: string, candidate: FirstPartySessionRecord['totpCandidate']): Promise<void> {
      await Sessions.setTotpCandidate(storedIdOf(sessionId), candidate);
    },

    async end(sessionId: string | undefined): Promise<void> {
      if (sessionId && sessionIdPattern.test(sessionId)) await Sessions.deleteById(storedIdOf(sessionId));
    },

    async sweep(now = new Date()): Promise<number> {
      return Sessions.deleteExpired(now);
    },
  };
}

export type FirstPartySessions = ReturnType<typeof createFirstPartySessions>;

/**
 * The CSRF token of the forms of a session: an HMAC keyed with the session id, which
 * only the session's httpOnly cookie carries. A page of the session can show it; nobody
 * can compute it without the cookie, and it tells nothing about the id. (The label is the
 * one the account page's forms always had: forms open across an upgrade still pass.)
 */
export function csrfTokenOf(sessionId: string): string {
  return createHmac('sha256', sessionId).update('gatehouse account page form').digest('base64url');
}

/** Whether a submitted token is the session's, compared in constant time. */
export function csrfTokenMatches(sessionId: string, submitted: unknown): boolean {
  if (typeof submitted !== 'string') return false;
  const expected = Buffer.from(csrfTokenOf(sessionId));
  const given = Buffer.from(submitted);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
