import type { Connection } from 'mongoose';
import { ConflictError } from '../errors/GatehouseError.ts';
import { personKeyModel } from '../store/models/personKeyModel.ts';
import { personModel } from '../store/models/personModel.ts';

const staleAfterMs = 60_000;

export const nameKeyOf = (name: string) => `name:${name.toLowerCase()}`;
export const userKeyOf = (userId: string) => `user:${userId.toLowerCase()}`;

/**
 * Names and user IDs are unique ignoring case, across persons. Each is claimed by
 * inserting a document whose _id is the key: all of a change's keys or none.
 */
export function createPersonKeys(connection: Connection) {
  const Keys = personKeyModel(connection);
  const Persons = personModel(connection);

  /**
   * True when the claim is old and its person does not hold the key: a change that died
   * half-way. A young claim belongs to a change still under way and is never taken over.
   */
  async function isStale(claim: { _id: string; personId: string; claimedAt: Date }): Promise<boolean> {
    if (Date.now() - claim.claimedAt.getTime() < staleAfterMs) return false;
    const holder = await Persons.findById(claim.personId, { nameKey: 1, userIdKeys: 1 }).lean();
    if (!holder) return true;
    return claim._id.startsWith('name:') ? nameKeyOf(holder.nameKey) !== claim._id : !holder.userIdKeys.map(userKeyOf).includes(claim._id);
  }

  async function conflictFor(key: string, personId: string): Promise<ConflictError> {
    const claim = await Keys.findById(key).lean();
    const holder = claim && claim.personId !== personId ? await Persons.findById(claim.personId, { name: 1 }).lean() : null;
    const value = key.slice(key.indexOf(':') + 1);
    return key.startsWith('name:')
      ? new ConflictError(`name: a person named "${holder?.name ?? value}" already exists (names are compared ignoring case).`)
      : new ConflictError(`user_ids: user ID "${value}" already belongs to ${holder ? `person "${holder.name}"` : 'another person'} (compared ignoring case).`);
  }

  return {
    /** Claims every key for `personId`, or none (throws a ConflictError naming the clash). */
    async claim(personId: string, keys: string[]): Promise<void> {
      const taken: string[] = [];
      try {
        for (const key of keys) {
          for (let attempt = 0; ; attempt += 1) {
            try {
              await Keys.create({ _id: key, personId, claimedAt: new Date() });
              taken.push(key);
              break;
            } catch (error) {
              if ((error as { code?: number }).code !== 11000) throw error;
              const claim = await Keys.findById(key).lean();
              if (claim?.personId === personId) break;
              if (attempt === 0 && claim && (await isStale(claim))) {
                await Keys.deleteOne({ _id: key, personId: claim.personId });
                continue;
              }
              throw await conflictFor(key, personId);
            }
          }
        }
      } catch (error) {
        if (taken.length) await Keys.deleteMany({ _id: { $in: taken }, personId });
        throw error;
      }
    },

    /** Who holds the claim of `key` (a name or user ID key), by its _id: one lookup, whether or not anyone does. */
    async claimantOf(key: string): Promise<string | undefined> {
      return (await Keys.findById(key, { personId: 1 }).lean())?.personId;
    },

    async release(personId: string, keys: string[]): Promise<void> {
      if (keys.length) await Keys.deleteMany({ _id: { $in: keys }, personId });
    },

    /** All keys of a person, from its record. */
    keysOf(person: { nameKey: string; userIdKeys: string[] }): string[] {
      return [nameKeyOf(person.nameKey), ...person.userIdKeys.map(userKeyOf)];
    },
  };
}
