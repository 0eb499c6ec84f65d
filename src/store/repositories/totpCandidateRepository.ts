import type { Connection } from 'mongoose';
import { accountSessionModel } from '../models/firstPartySessionModel.ts';
import { signInProgressModel } from '../models/signInProgressModel.ts';

/** A TOTP key being set up, sealed, where it waits: in an account session or in a sign-in that offers enrolment. */
export type SealedCandidate = { id: string; personId: string; sealed: string };

/**
 * The keys being set up, for the master-key rotation: found by a scan (never on a sign-in's
 * path) and re-sealed only where the sealed value is still the one read.
 */
export function totpCandidateRepository(connection: Connection) {
  const Sessions = accountSessionModel(connection);
  const Progress = signInProgressModel(connection);
  return {
    accountSessionCollection: Sessions.collection.collectionName,
    signInProgressCollection: Progress.collection.collectionName,

    async *inAccountSessions(): AsyncGenerator<SealedCandidate> {
      for await (const session of Sessions.find({ 'totpCandidate.sealedSecret': { $exists: true } }, { sub: 1, totpCandidate: 1 }).lean().cursor()) {
        if (session.totpCandidate?.sealedSecret) yield { id: session._id, personId: session.sub, sealed: session.totpCandidate.sealedSecret };
      }
    },
    async replaceInAccountSession(id: string, sealed: string, resealed: string): Promise<boolean> {
      const { matchedCount } = await Sessions.updateOne({ _id: id, 'totpCandidate.sealedSecret': sealed }, { $set: { 'totpCandidate.sealedSecret': resealed } });
      return matchedCount === 1;
    },

    async *inSignIns(): AsyncGenerator<SealedCandidate> {
      for await (const progress of Progress.find({ 'enrolment.candidate.sealedSecret': { $exists: true } }, { personId: 1, enrolment: 1 }).lean().cursor()) {
        const sealed = progress.enrolment?.candidate.sealedSecret as string | undefined;
        if (sealed) yield { id: progress._id, personId: progress.personId, sealed };
      }
    },
    async replaceInSignIn(id: string, sealed: string, resealed: string): Promise<boolean> {
      const { matchedCount } = await Progress.updateOne({ _id: id, 'enrolment.candidate.sealedSecret': sealed }, { $set: { 'enrolment.candidate.sealedSecret': resealed } });
      return matchedCount === 1;
    },
  };
}
