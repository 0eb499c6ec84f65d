import type { Connection } from 'mongoose';
import { accountSessionCollection, adminSessionCollection, firstPartySessionRepository } from '../store/repositories/firstPartySessionRepository.ts';
import { artefactRepository, type OidcArtefact } from '../store/repositories/artefactRepository.ts';
import { forgetEvery } from '../store/requestReads.ts';
import type { SignInProgressStore } from '../store/signInProgress.ts';
import type { ArtefactKeys } from './createArtefactKeys.ts';

type Dependencies = { connection: Connection; keys: ArtefactKeys; signInProgress: Pick<SignInProgressStore, 'endOfPerson'> };

/** What a revocation ended: sessions (the provider's and the account page's and admin view's) and tokens (access and refresh tokens, codes). */
export type RevokedSessions = { sessions: number; tokens: number };

/** The grants a session holds, one per client it signed the person in to (the provider's `authorizations`). */
function grantIdsOf(session: OidcArtefact): string[] {
  const authorizations = (session.payload.authorizations ?? {}) as Record<string, { grantId?: unknown }>;
  return Object.values(authorizations).flatMap((authorization) => (typeof authorization?.grantId === 'string' ? [authorization.grantId] : []));
}

/**
 * Ends what a person is signed in with, everywhere: after a password reset (or a
 * re-enabling) whoever held the old password, or a device left signed in, keeps nothing.
 *
 * Every filter here but `_id` is a full scan on the embedded database (FerretDB pushes
 * down only `{_id: value}`): a scan of each artefact collection, of both first-party
 * session collections and of the sign-ins under way. That is acceptable for something as
 * rare as a reset; nothing on a sign-in's path calls this.
 */
export function createPersonSessions({ connection, keys, signInProgress }: Dependencies) {
  const artefacts = artefactRepository(connection);
  const firstPartyPages = [accountSessionCollection, adminSessionCollection].map((collection) => firstPartySessionRepository(connection, collection));

  /** The live session `sessionId` of the person (under the current or a former master key's hash), if it is theirs. */
  async function keptSession(personId: string, sessionId: string | undefined): Promise<OidcArtefact | undefined> {
    if (!sessionId) return undefined;
    for (const current of [keys, ...keys.previous]) {
      const session = await artefacts.findOne('Session', { _id: current.hash(sessionId) });
      const live = session && (!session.expiresAt || session.expiresAt.getTime() > Date.now());
      if (live && session.payload.accountId === personId) return session;
    }
    return undefined;
  }

  return {
    /**
     * Ends every provider session of the person, and every grant, refresh token, access
     * token and authorization code of theirs (tokens of ended sessions too), their
     * sessions of the account page and the admin view, and their sign-ins under way.
     *
     * `keepSessionId` (currentSessionId.ts: the session's own id, as the adapter is given
     * it) keeps that session and the grants it holds, so the device that made the reset
     * stays signed in; a session that is not the person's keeps nothing. The account page
     * and admin view sessions end either way: their pages sign in again through the kept
     * session without a password.
     *
     * The session goes first, then its grants and then their tokens, so that nothing
     * left for a moment can make new ones: a request already past its checks when this runs
     * may still write after it (the same holds for deleting a person).
     */
    async revokeSessions(personId: string, options: { keepSessionId?: string } = {}): Promise<RevokedSessions> {
      const kept = await keptSession(personId, options.keepSessionId);
      const keptUid = typeof kept?.payload.uid === 'string' ? kept.payload.uid : undefined;
      const providerSessions = await artefacts.deleteSessionsOfAccount(personId, kept?._id);
      const tokens = await artefacts.deleteGrantsOfAccount(personId, kept ? grantIdsOf(kept) : []);
      const [pageSessions] = await Promise.all([
        Promise.all(firstPartyPages.map((page) => page.deleteOfSub(personId))),
        artefacts.deleteLoginsOfAccount(personId, keptUid),
        signInProgress.endOfPerson(personId),
      ]);
      // What this request read of artefacts is no longer there.
      forgetEvery('artefact:');
      return { sessions: providerSessions + pageSessions.reduce((sum, count) => sum + count, 0), tokens };
    },
  };
}

export type PersonSessions = ReturnType<typeof createPersonSessions>;
