import type { Connection } from 'mongoose';
import { signInProgressModel, type SignInProgress } from '../store/models/signInProgressModel.ts';

/** The state of sign-ins between pages (see signInProgressModel.ts); expiry enforced on read. */
export function createSignInProgress(connection: Connection) {
  const Progress = signInProgressModel(connection);
  return {
    async find(uid: string, now = Date.now()): Promise<SignInProgress | undefined> {
      const progress = await Progress.findById(uid).lean();
      return progress && progress.expiresAt.getTime() > now ? progress : undefined;
    },
    async save(progress: SignInProgress): Promise<void> {
      await Progress.replaceOne({ _id: progress._id }, progress, { upsert: true });
    },
    async end(uid: string): Promise<void> {
      await Progress.deleteOne({ _id: uid });
    },
    async sweep(now = new Date()): Promise<number> {
      return (await Progress.deleteMany({ expiresAt: { $lt: now } })).deletedCount;
    },
  };
}

export type SignInProgressStore = ReturnType<typeof createSignInProgress>;
