import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { NotFoundError } from '../../errors/GatehouseError.ts';
import { systemActor, type Actor, type AuditLog } from '../../security/createAuditLog.ts';
import type { SecretBox } from '../../security/secretBox.ts';
import { emergencyTokenRepository, type EmergencyToken } from '../../store/repositories/emergencyTokenRepository.ts';
import { factorStateRepository, type StoredEmergencyTokenSet } from '../../store/repositories/factorStateRepository.ts';
import type { StoredPerson } from '../../store/repositories/personRepository.ts';
import type { Verdict } from '../Verdict.ts';
import { emergencyMetadata } from './emergencyMetadata.ts';
import { formatEmergencyToken, generateEmergencyToken, normaliseEmergencyToken } from './emergencyToken.ts';

type Dependencies = { connection: Connection; secretBox: SecretBox; audit: AuditLog };
type Options = { actor?: Actor };

/** Tokens in a set (option 8.2). */
export const emergencyTokenCount = 10;

const tokenContext = (personId: string) => `emergency-token:${personId}`;
const lookupKeyContext = (personId: string) => `emergency-lookup:${personId}`;
const lookupOf = (key: Buffer, normalised: string) => createHmac('sha256', key).update(normalised).digest('hex');

/**
 * A person's emergency tokens. Each token is a document of its own, sealed (admins may
 * display the set), found by an HMAC of the normalised token under a key of the set (that
 * key sealed on the person, so the database alone does not let anyone test guesses), and
 * used by deleting it: of two servers given the same token at once, only the one whose
 * deleteOne removed it lets the person in.
 */
export function createEmergencyTokens({ connection, secretBox, audit }: Dependencies) {
  const persons = factorStateRepository(connection);
  const tokenStore = emergencyTokenRepository(connection);

  async function currentSet(personId: string): Promise<Pick<StoredPerson, '_id' | 'name' | 'emergencyTokens'>> {
    const person = await persons.emergencySetWithName(personId);
    if (!person) throw new NotFoundError(`There is no person with sub "${personId}".`);
    return person;
  }

  async function countIn(personId: string, set: StoredEmergencyTokenSet | undefined): Promise<number> {
    return set ? tokenStore.countInSet(personId, set.setId) : 0;
  }

  return {
    /**
     * A new set of tokens replaces the old one (option 8.2), which stops working as soon
     * as the person points at the new set. Returns the new tokens, formatted for display.
     */
    async recreate(personId: string, options: Options = {}): Promise<string[]> {
      const person = await currentSet(personId);
      const remainingBefore = await countIn(personId, person.emergencyTokens);
      const lookupKey = randomBytes(32);
      const now = new Date();
      const set: StoredEmergencyTokenSet = { setId: randomUUID(), sealedLookupKey: secretBox.seal(lookupKey.toString('base64'), lookupKeyContext(personId)), left: emergencyTokenCount, createdAt: now };
      const tokens = new Set<string>();
      while (tokens.size < emergencyTokenCount) tokens.add(generateEmergencyToken());
      const documents: EmergencyToken[] = [...tokens].map((token, index) => ({
        _id: randomUUID(),
        personId,
        setId: set.setId,
        position: index + 1,
        sealed: secretBox.seal(token, tokenContext(personId)),
        lookup: lookupOf(lookupKey, token),
        createdAt: now,
      }));
      await tokenStore.insert(documents);
      await persons.setEmergencySet(personId, set, now);
      await tokenStore.deleteOtherSets(personId, set.setId);
      await audit.record({
        actor: options.actor ?? systemActor,
        action: 'recreate-emergency-tokens',
        entity: 'totp',
        entityId: personId,
        ...(person.emergencyTokens ? { before: { name: person.name, remaining: remainingBefore } } : {}),
        after: { name: person.name, remaining: emergencyTokenCount },
      });
      return [...tokens].map(formatEmergencyToken);
    },

    /** The unused tokens, opened and formatted, in the order they were made (admin display, registration page; the caller audits the display). */
    async list(personId: string): Promise<string[]> {
      const { emergencyTokens: set } = await currentSet(personId);
      if (!set) return [];
      const tokens = await tokenStore.inSet(personId, set.setId);
      return tokens.map((token) => formatEmergencyToken(secretBox.open(token.sealed, tokenContext(personId))));
    },

    /** How many tokens of the current set are unused, counted from the tokens themselves. */
    async countLeft(personId: string): Promise<number> {
      return countIn(personId, (await currentSet(personId)).emergencyTokens);
    },

    /**
     * Uses a token: success once per token, whatever the case, spaces and dashes typed.
     * A wrong, used or malformed token is 'wrong-code' (it is not a six-digit code, so
     * 'malformed' would say the wrong thing). Audited with the count left, never the token.
     */
    async consume(personId: string, input: string): Promise<Verdict> {
      const person = await persons.emergencySet(personId);
      const set = person?.emergencyTokens;
      if (!set) return { outcome: 'not-applicable', reason: 'not-configured' };
      const token = normaliseEmergencyToken(input);
      if (!token) return { outcome: 'retry', reason: 'wrong-code' };
      const lookupKey = Buffer.from(secretBox.open(set.sealedLookupKey, lookupKeyContext(personId)), 'base64');
      const found = await tokenStore.idByLookup(personId, set.setId, lookupOf(lookupKey, token));
      if (!found) return { outcome: 'retry', reason: 'wrong-code' };
      const deletedCount = await tokenStore.deleteById(found);
      if (deletedCount !== 1) return { outcome: 'retry', reason: 'wrong-code' };
      const remaining = await countIn(personId, set);
      // $min: of two uses counted out of order, the later write cannot raise the count again.
      await persons.lowerEmergencyTokensLeft(personId, set.setId, remaining);
      await audit.record({ actor: { kind: 'person', id: personId }, action: 'emergency-token-used', entity: 'totp', entityId: personId, after: { remaining } });
      return { outcome: 'success', amr: emergencyMetadata.amr };
    },

    /** Removes every token of the person (the set is forgotten); true when there was a set. */
    async remove(personId: string, options: Options = {}): Promise<boolean> {
      const person = await currentSet(personId);
      await tokenStore.deleteOf(personId);
      if (!person.emergencyTokens) return false;
      await persons.removeEmergencySet(personId, new Date());
      await audit.record({ actor: options.actor ?? systemActor, action: 'remove-emergency-tokens', entity: 'totp', entityId: personId, before: { name: person.name } });
      return true;
    },
  };
}

export type EmergencyTokens = ReturnType<typeof createEmergencyTokens>;
