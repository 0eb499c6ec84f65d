import type { Connection } from 'mongoose';
import { totpStepModel, type TotpStep } from '../models/totpStepModel.ts';

export type { TotpStep } from '../models/totpStepModel.ts';

/** The claimed TOTP time steps (`totp_steps`, totpStepModel.ts): a step is accepted once, by the one insert of its _id that goes through. */
export function totpStepRepository(connection: Connection) {
  const Steps = totpStepModel(connection);

  return {
    /**
     * Inserts every claim in one unordered command: each _id goes through once, whoever
     * else tries it, and a claim made before does not stop the others. True when the first
     * claim was inserted by this call; an error other than a duplicate _id is thrown.
     */
    async claim(claims: TotpStep[]): Promise<boolean> {
      try {
        await Steps.insertMany(claims, { ordered: false });
        return true;
      } catch (error) {
        const reported = (error as { writeErrors?: unknown }).writeErrors;
        const writeErrors = (Array.isArray(reported) ? reported : reported ? [reported] : []) as { index?: number; code?: number }[];
        if (writeErrors.length === 0 || writeErrors.some((each) => each.code !== 11000)) throw error;
        return !writeErrors.some((each) => each.index === 0);
      }
    },

    /** Removes every claim of the person. */
    async deleteOf(personId: string): Promise<number> {
      return (await Steps.deleteMany({ personId })).deletedCount;
    },

    /** Removes the claims made before `time`; how many went. */
    async deleteClaimedBefore(time: Date): Promise<number> {
      return (await Steps.deleteMany({ claimedAt: { $lt: time } })).deletedCount;
    },
  };
}

export type TotpStepRepository = ReturnType<typeof totpStepRepository>;
