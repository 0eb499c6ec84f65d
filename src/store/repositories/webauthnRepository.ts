import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import { personModel } from '../models/personModel.ts';
import { webauthnCeremonyModel } from '../models/webauthnCeremonyModel.ts';
import { webauthnCredentialModel, type StoredWebauthnCredential } from '../models/webauthnCredentialModel.ts';

export type { StoredWebauthnCredential } from '../models/webauthnCredentialModel.ts';

const isDuplicate = (error: unknown) => (error as { code?: number }).code === 11000;
/** A used challenge is claimed under a hash of it: the claim names no challenge a page still shows. */
const usedId = (challenge: string) => `used:${createHash('sha256').update(challenge).digest('base64url')}`;

/**
 * The Device Auth factor's records: the credentials (webauthn_credentials), the list of a
 * person's credential ids on the person record, and the ceremonies (webauthn_ceremonies)
 * that must happen once. Every read and write of a sign-in is filtered on `_id` alone.
 */
export function webauthnRepository(connection: Connection) {
  const Credentials = webauthnCredentialModel(connection);
  const Ceremonies = webauthnCeremonyModel(connection);
  const Persons = personModel(connection);

  return {
    async credential(id: string): Promise<StoredWebauthnCredential | null> {
      return Credentials.findById(id).lean();
    },

    /** The person's credentials, in the order they were added (one read by `_id` for the list, one for the documents). */
    async credentialsOf(personId: string): Promise<StoredWebauthnCredential[]> {
      const ids = (await Persons.findById(personId, { webauthn: 1 }).lean())?.webauthn?.credentialIds ?? [];
      if (ids.length === 0) return [];
      const found = await Credentials.find({ _id: { $in: ids } }).lean();
      return ids.flatMap((id) => found.filter((each) => each._id === id));
    },

    /** Adds a credential; false when its id is already registered (to anyone). */
    async add(credential: StoredWebauthnCredential): Promise<boolean> {
      try {
        await Credentials.create(credential);
      } catch (error) {
        if (isDuplicate(error)) return false;
        throw error;
      }
      await Persons.updateOne({ _id: credential.personId }, { $addToSet: { 'webauthn.credentialIds': credential._id }, $set: { lastUpdate: credential.createdAt } });
      return true;
    },

    /** After a sign-in: the new counter and when it was used. */
    async recordUse(id: string, counter: number, usedAt: Date): Promise<void> {
      await Credentials.updateOne({ _id: id }, { $set: { counter, lastUsedAt: usedAt } });
    },

    /** A passkey-first sign-in stood for the password: the person was last seen now (as a password sign-in records it). */
    async recordPersonSignIn(personId: string, at: Date): Promise<void> {
      await Persons.updateOne({ _id: personId }, { $set: { lastUsed: at } });
    },

    async rename(id: string, name: string): Promise<void> {
      await Credentials.updateOne({ _id: id }, { $set: { name } });
    },

    /** Removes the credential from the person's list, then the credential itself. */
    async remove(personId: string, id: string, now: Date): Promise<void> {
      await Persons.updateOne({ _id: personId }, { $pull: { 'webauthn.credentialIds': id }, $set: { lastUpdate: now } });
      await Credentials.deleteOne({ _id: id });
    },

    /** Every credential and ceremony of a person (person deletion). */
    async deleteOf(personId: string): Promise<number> {
      const { deletedCount } = await Credentials.deleteMany({ personId });
      await Ceremonies.deleteMany({ personId });
      return deletedCount;
    },

    async startRegistration(id: string, personId: string, challenge: string, expiresAt: Date): Promise<void> {
      await Ceremonies.create({ _id: id, kind: 'registration', personId, challenge, expiresAt });
    },

    /** Takes the registration started (one caller only gets it); undefined when gone, expired or another person's. */
    async takeRegistration(id: string, personId: string, now: Date): Promise<string | undefined> {
      const taken = await Ceremonies.findOneAndDelete({ _id: id }).lean();
      if (!taken || taken.kind !== 'registration' || taken.personId !== personId || taken.expiresAt.getTime() <= now.getTime()) return undefined;
      return taken.challenge;
    },

    /** Claims a sign-in challenge as answered: true for the one caller whose insert went through. */
    async claimChallenge(challenge: string, personId: string, expiresAt: Date): Promise<boolean> {
      try {
        await Ceremonies.create({ _id: usedId(challenge), kind: 'used', personId, expiresAt });
        return true;
      } catch (error) {
        if (isDuplicate(error)) return false;
        throw error;
      }
    },

    /** Gives a claimed challenge back (its answer was refused after the claim). */
    async releaseChallenge(challenge: string): Promise<void> {
      await Ceremonies.deleteOne({ _id: usedId(challenge) });
    },

    /** The sweeper's: ceremonies past their time. */
    async sweep(now: Date): Promise<number> {
      return (await Ceremonies.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
    },
  };
}

export type WebauthnRepository = ReturnType<typeof webauthnRepository>;
