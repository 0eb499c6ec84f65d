import type { Connection } from 'mongoose';
import { personModel, type StoredEmergencyTokenSet, type StoredPerson, type StoredQuestionAnswer, type StoredTotpKey } from '../models/personModel.ts';

export type { StoredEmergencyTokenSet, StoredQuestionAnswer, StoredTotpCandidate, StoredTotpKey, TotpAlgorithm } from '../models/personModel.ts';

type TotpState = Pick<StoredPerson, '_id' | 'totp' | 'totpSteps'>;

/**
 * What the factors keep on the person record: the TOTP key and its highest accepted steps,
 * the emergency token set, the private questions' answers. Each write is filtered on the
 * person's _id (and, where it must not touch a newer value, on the value it expects). The
 * factors' own collections: totpStepRepository.ts, emergencyTokenRepository.ts,
 * oneTimeCodeRepository.ts.
 */
export function factorStateRepository(connection: Connection) {
  const Persons = personModel(connection);

  return {
    /** The collection these fields lie in (master-key rotation names it). */
    collectionName: Persons.collection.collectionName,

    /** The person's name, TOTP key and highest accepted steps. */
    async totpStateWithName(personId: string): Promise<(TotpState & Pick<StoredPerson, 'name'>) | null> {
      return Persons.findById(personId, { name: 1, totp: 1, totpSteps: 1 }).lean();
    },

    /** The person's TOTP key and highest accepted steps. */
    async totpState(personId: string): Promise<TotpState | null> {
      return Persons.findById(personId, { totp: 1, totpSteps: 1 }).lean();
    },

    async totpKey(personId: string): Promise<Pick<StoredPerson, '_id' | 'totp'> | null> {
      return Persons.findById(personId, { totp: 1 }).lean();
    },

    /** Raises the highest step accepted for the key `keyId` to `step` (never lowers it). */
    async raiseTotpStep(personId: string, keyId: string, step: number): Promise<void> {
      await Persons.updateOne({ _id: personId }, { $max: { [`totpSteps.${keyId}`]: step } });
    },

    /** Stores `key` as the person's TOTP key, forgetting the steps raised for the key before. */
    async setTotpKey(personId: string, key: StoredTotpKey, lastUpdate: Date): Promise<void> {
      await Persons.updateOne({ _id: personId }, { $set: { totp: key, lastUpdate }, $unset: { totpSteps: 1 } });
    },

    /** Activates the key `keyId` if it is still the person's; true when it changed. */
    async activateTotpKey(personId: string, keyId: string, activatedAt: Date): Promise<boolean> {
      const { modifiedCount } = await Persons.updateOne({ _id: personId, 'totp.keyId': keyId }, { $set: { 'totp.state': 'active', 'totp.activatedAt': activatedAt, lastUpdate: activatedAt } });
      return modifiedCount === 1;
    },

    /** Activates the key `keyId` if it is still the person's and still pending; true when it changed. */
    async activatePendingTotpKey(personId: string, keyId: string, activatedAt: Date): Promise<boolean> {
      const { modifiedCount } = await Persons.updateOne(
        { _id: personId, 'totp.keyId': keyId, 'totp.state': 'pending' },
        { $set: { 'totp.state': 'active', 'totp.activatedAt': activatedAt, lastUpdate: activatedAt } },
      );
      return modifiedCount === 1;
    },

    async removeTotpKey(personId: string, lastUpdate: Date): Promise<void> {
      await Persons.updateOne({ _id: personId }, { $unset: { totp: 1, totpSteps: 1 }, $set: { lastUpdate } });
    },

    /** Every person with a sealed TOTP key, one at a time. */
    eachSealedTotpKey(): AsyncIterable<Pick<StoredPerson, '_id' | 'totp'>> {
      return Persons.find({ 'totp.sealedSecret': { $exists: true } }, { totp: 1 }).lean().cursor();
    },

    /** Replaces the sealed TOTP key unless it is no longer `sealed`; true when it was replaced. */
    async replaceSealedTotpKey(personId: string, sealed: string, resealed: string): Promise<boolean> {
      const { matchedCount } = await Persons.updateOne({ _id: personId, 'totp.sealedSecret': sealed }, { $set: { 'totp.sealedSecret': resealed } });
      return matchedCount === 1;
    },

    /** The person's name and emergency token set. */
    async emergencySetWithName(personId: string): Promise<Pick<StoredPerson, '_id' | 'name' | 'emergencyTokens'> | null> {
      return Persons.findById(personId, { name: 1, emergencyTokens: 1 }).lean();
    },

    async emergencySet(personId: string): Promise<Pick<StoredPerson, '_id' | 'emergencyTokens'> | null> {
      return Persons.findById(personId, { emergencyTokens: 1 }).lean();
    },

    async setEmergencySet(personId: string, set: StoredEmergencyTokenSet, lastUpdate: Date): Promise<void> {
      await Persons.updateOne({ _id: personId }, { $set: { emergencyTokens: set, lastUpdate } });
    },

    /** Lowers the count of tokens left of the set `setId`, if it is still the person's ($min: a later write cannot raise it). */
    async lowerEmergencyTokensLeft(personId: string, setId: string, left: number): Promise<void> {
      await Persons.updateOne({ _id: personId, 'emergencyTokens.setId': setId }, { $min: { 'emergencyTokens.left': left } });
    },

    async removeEmergencySet(personId: string, lastUpdate: Date): Promise<void> {
      await Persons.updateOne({ _id: personId }, { $unset: { emergencyTokens: 1 }, $set: { lastUpdate } });
    },

    /** Every person with a sealed emergency lookup key, one at a time. */
    eachSealedLookupKey(): AsyncIterable<Pick<StoredPerson, '_id' | 'emergencyTokens'>> {
      return Persons.find({ 'emergencyTokens.sealedLookupKey': { $exists: true } }, { emergencyTokens: 1 }).lean().cursor();
    },

    /** Replaces the sealed lookup key unless it is no longer `sealed`; true when it was replaced. */
    async replaceSealedLookupKey(personId: string, sealed: string, resealed: string): Promise<boolean> {
      const { matchedCount } = await Persons.updateOne(
        { _id: personId, 'emergencyTokens.sealedLookupKey': sealed },
        { $set: { 'emergencyTokens.sealedLookupKey': resealed } },
      );
      return matchedCount === 1;
    },

    /** The person's name and private questions with their hashed answers. */
    async questionAnswersWithName(personId: string): Promise<Pick<StoredPerson, '_id' | 'name' | 'questionAnswers'> | null> {
      return Persons.findById(personId, { name: 1, questionAnswers: 1 }).lean();
    },

    async questionAnswers(personId: string): Promise<Pick<StoredPerson, '_id' | 'questionAnswers'> | null> {
      return Persons.findById(personId, { questionAnswers: 1 }).lean();
    },

    /** Replaces the person's questions and answers; an empty list removes them. */
    async setQuestionAnswers(personId: string, answers: StoredQuestionAnswer[], lastUpdate: Date): Promise<void> {
      await Persons.updateOne({ _id: personId }, answers.length ? { $set: { questionAnswers: answers, lastUpdate } } : { $unset: { questionAnswers: 1 }, $set: { lastUpdate } });
    },
  };
}

export type FactorStateRepository = ReturnType<typeof factorStateRepository>;
