import type { Connection } from 'mongoose';
import { emergencyTokenModel, type EmergencyToken } from '../models/emergencyTokenModel.ts';

export type { EmergencyToken } from '../models/emergencyTokenModel.ts';

/**
 * The emergency tokens (`emergency_tokens`, emergencyTokenModel.ts), one document each:
 * using a token is deleting it, which reports the deletion to one caller only. The set
 * they belong to is on the person (factorStateRepository.ts).
 */
export function emergencyTokenRepository(connection: Connection) {
  const Tokens = emergencyTokenModel(connection);

  return {
    /** The collection the tokens lie in (master-key rotation names it). */
    collectionName: Tokens.collection.collectionName,

    async insert(tokens: EmergencyToken[]): Promise<void> {
      await Tokens.insertMany(tokens);
    },

    async countInSet(personId: string, setId: string): Promise<number> {
      return Tokens.countDocuments({ personId, setId });
    },

    /** The tokens of the set, in the order they were made. */
    async inSet(personId: string, setId: string): Promise<EmergencyToken[]> {
      return Tokens.find({ personId, setId }).sort({ position: 1 }).lean();
    },

    /** The _id of the token of the set with this lookup HMAC, if there is one. */
    async idByLookup(personId: string, setId: string, lookup: string): Promise<string | undefined> {
      return (await Tokens.findOne({ personId, setId, lookup }, { _id: 1 }).lean())?._id;
    },

    /** Deletes the token; how many went (1 for the one caller that used it). */
    async deleteById(id: string): Promise<number> {
      return (await Tokens.deleteOne({ _id: id })).deletedCount;
    },

    /** Removes the person's tokens of every set but `setId`. */
    async deleteOtherSets(personId: string, setId: string): Promise<void> {
      await Tokens.deleteMany({ personId, setId: { $ne: setId } });
    },

    /** Removes every token of the person. */
    async deleteOf(personId: string): Promise<number> {
      return (await Tokens.deleteMany({ personId })).deletedCount;
    },

    /** Every token, sealed, one at a time. */
    eachSealed(): AsyncIterable<Pick<EmergencyToken, '_id' | 'personId' | 'sealed'>> {
      return Tokens.find({}, { personId: 1, sealed: 1 }).lean().cursor();
    },

    /** Replaces the sealed token unless it is no longer `sealed`; true when it was replaced. */
    async replaceSealed(id: string, sealed: string, resealed: string): Promise<boolean> {
      const { matchedCount } = await Tokens.updateOne({ _id: id, sealed }, { $set: { sealed: resealed } });
      return matchedCount === 1;
    },
  };
}

export type EmergencyTokenRepository = ReturnType<typeof emergencyTokenRepository>;
