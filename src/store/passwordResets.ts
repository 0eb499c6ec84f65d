import type { Connection } from 'mongoose';
import { passwordResetModel, type PasswordReset } from './models/passwordResetModel.ts';
export type { PasswordReset };

/**
 * The password resets under way (see passwordResetModel.ts), read and written by `_id`
 * only; expiry enforced on read. Callers speak of the reset's id; the record is stored
 * under its keyed hash, as sign-ins are (signInProgress.ts), so a copy of the database
 * opens no reset.
 */
export function createPasswordResets(connection: Connection, keys: { hash(id: string): string }) {
  const Resets = passwordResetModel(connection);
  const claims = connection.collection<{ _id: string; expiresAt: Date }>('password_reset_claims');
  return {
    async find(id: string, now = Date.now()): Promise<PasswordReset | undefined> {
      const reset = await Resets.findById(keys.hash(id)).lean();
      return reset && reset.expiresAt.getTime() > now ? { ...reset, _id: id } : undefined;
    },
    async save(reset: PasswordReset): Promise<void> {
      const _id = keys.hash(reset._id);
      await Resets.replaceOne({ _id }, { ...reset, _id }, { upsert: true });
    },
    /**
     * Moves a reset from one stage to the next once: the first caller wins (an insert of a
     * unique `_id` is the one write that is atomic on the embedded database too), so two
     * tabs posting the same page cannot both set a password.
     */
    async claim(id: string, stage: string): Promise<boolean> {
      try {
        await claims.insertOne({ _id: `${keys.hash(id)}:${stage}`, expiresAt: new Date(Date.now() + 24 * 3600 * 1000) });
        return true;
      } catch (error) {
        if ((error as { code?: number }).code === 11000) return false;
        throw error;
      }
    },
    async sweep(now = new Date()): Promise<number> {
      await claims.deleteMany({ expiresAt: { $lt: now } });
      return (await Resets.deleteMany({ expiresAt: { $lt: now } })).deletedCount;
    },
  };
}

export type PasswordResets = ReturnType<typeof createPasswordResets>;
