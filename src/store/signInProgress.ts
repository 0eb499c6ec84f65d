import type { Connection } from 'mongoose';
import { signInProgressModel, type SignInProgress } from './models/signInProgressModel.ts';
export type { SignInProgress };

/**
 * The state of sign-ins between pages (see signInProgressModel.ts); expiry enforced on read.
 * Callers speak of the interaction uid; the record is stored under its keyed hash, as the
 * interaction itself is (oidc/createMongooseAdapter.ts, keyed by oidc/createArtefactKeys.ts), so a copy of the database names
 * no interaction in progress.
 */
export function createSignInProgress(connection: Connection, keys: { hash(id: string): string }) {
  const Progress = signInProgressModel(connection);
  return {
    async find(uid: string, now = Date.now()): Promise<SignInProgress | undefined> {
      const progress = await Progress.findById(keys.hash(uid)).lean();
      return progress && progress.expiresAt.getTime() > now ? { ...progress, _id: uid } : undefined;
    },
    async save(progress: SignInProgress): Promise<void> {
      const _id = keys.hash(progress._id);
      await Progress.replaceOne({ _id }, { ...progress, _id }, { upsert: true });
    },
    async end(uid: string): Promise<void> {
      await Progress.deleteOne({ _id: keys.hash(uid) });
    },
    /** Every sign-in of a person under way (their password was reset): its next step finds nothing and answers as an expired sign-in. A scan on the embedded database. */
    async endOfPerson(personId: string): Promise<number> {
      return (await Progress.deleteMany({ personId })).deletedCount;
    },
    async sweep(now = new Date()): Promise<number> {
      return (await Progress.deleteMany({ expiresAt: { $lt: now } })).deletedCount;
    },
  };
}

export type SignInProgressStore = ReturnType<typeof createSignInProgress>;
