import type { Connection } from 'mongoose';
import { personKeyModel, type PersonKey } from '../models/personKeyModel.ts';

/**
 * The claims on persons' names and user IDs (`person_keys`, personKeyModel.ts): a claim is
 * the insert of its key as _id, refused atomically when the key is claimed already. Part
 * of personRepository.ts.
 */
export function personKeyClaims(connection: Connection) {
  const Keys = personKeyModel(connection);

  return {
    /** Inserts the claim; a key claimed already makes it fail with the duplicate-key error (code 11000). */
    async insertClaim(claim: PersonKey): Promise<void> {
      await Keys.create(claim);
    },

    async claimById(key: string): Promise<PersonKey | null> {
      return Keys.findById(key).lean();
    },

    /**
     * Who holds the claim of `key`, by its _id, asked without a limit of one: a database
     * that scans for it (the embedded one) reads to the end either way.
     */
    async claimantOf(key: string): Promise<string | undefined> {
      return (await Keys.find({ _id: key }, { personId: 1 }).lean())[0]?.personId;
    },

    /** The keys of every claim. */
    async claimedKeys(): Promise<string[]> {
      return (await Keys.find({}, { _id: 1 }).lean()).map((claim) => claim._id);
    },

    /** Removes the claim of `key` when `personId` holds it. */
    async deleteClaim(key: string, personId: string): Promise<void> {
      await Keys.deleteOne({ _id: key, personId });
    },

    /** Removes the claims of `keys` that `personId` holds. */
    async deleteClaims(keys: string[], personId: string): Promise<void> {
      await Keys.deleteMany({ _id: { $in: keys }, personId });
    },
  };
}
