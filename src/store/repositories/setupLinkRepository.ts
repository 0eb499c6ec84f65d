import type { Connection } from 'mongoose';
import { setupLinkClaimModel, setupLinkModel, type StoredSetupLink } from '../models/setupLinkModel.ts';

export type { StoredSetupLink } from '../models/setupLinkModel.ts';

/** The first-run setup links, by `_id` (the SHA-256 of the link's token); the collection holds one at most. */
export function setupLinkRepository(connection: Connection) {
  const Links = setupLinkModel(connection);
  const Claims = setupLinkClaimModel(connection);
  return {
    async byId(id: string): Promise<StoredSetupLink | null> {
      return Links.findById(id).lean();
    },

    /** The new link, in place of every older one. */
    async replaceAll(link: StoredSetupLink): Promise<void> {
      await Links.deleteMany({});
      await Claims.deleteMany({});
      await Links.create(link);
    },

    /**
     * Uses the link up for the caller whose `claim` it is: true for the one caller whose
     * insert of the link's claim went in (a unique `_id`: atomic on every database, where a
     * conditional update is not on the embedded one), then the link is marked used.
     */
    async claim(id: string, claim: string, at: Date): Promise<boolean> {
      try {
        await Claims.create({ _id: id, claim, at });
      } catch (error) {
        if ((error as { code?: number }).code === 11000) return false;
        throw error;
      }
      await Links.updateOne({ _id: id }, { $set: { usedAt: at, claim } });
      return true;
    },

    /** Gives the link back (its claimant created no one): only the claimant's own claim is undone. */
    async release(id: string, claim: string): Promise<void> {
      const { modifiedCount } = await Links.updateOne({ _id: id, claim }, { $unset: { usedAt: 1, claim: 1 } });
      if (modifiedCount === 1) await Claims.deleteOne({ _id: id, claim });
    },

    async notePerson(id: string, claim: string, personId: string): Promise<void> {
      await Links.updateOne({ _id: id, claim }, { $set: { personId } });
    },

    /** Sets when the link expires (tests make a link expired the way time would). */
    async setExpiry(id: string, expiresAt: Date): Promise<void> {
      await Links.updateOne({ _id: id }, { $set: { expiresAt } });
    },

    /** Whether a link is waiting to be used: unused and not expired at `now` (a scan of a collection of one document at most). */
    async anyWaiting(now: Date): Promise<boolean> {
      return (await Links.exists({ usedAt: { $exists: false }, expiresAt: { $gt: now } })) !== null;
    },
  };
}

export type SetupLinkRepository = ReturnType<typeof setupLinkRepository>;
