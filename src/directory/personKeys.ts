import { hostname } from 'node:os';
import type { Connection } from 'mongoose';
import { ConflictError } from '../errors/GatehouseError.ts';
import { personRepository, type PersonKey } from '../store/repositories/personRepository.ts';

const staleAfterMs = 60_000;

/** This process, as recorded in its claims. */
const thisClaimant = () => ({ host: hostname(), pid: process.pid });

/** True when the claim was made by a process of this host that no longer runs (killed mid-change). */
function claimantIsGone(claimant: { host: string; pid: number } | undefined): boolean {
  if (!claimant || claimant.host !== hostname() || claimant.pid === process.pid) return false;
  try {
    process.kill(claimant.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export const nameKeyOf = (name: string) => `name:${name.toLowerCase()}`;
export const userKeyOf = (userId: string) => `user:${userId.toLowerCase()}`;

/**
 * Names and user IDs are unique ignoring case, across persons. Each is claimed by
 * inserting a document whose _id is the key: all of a change's keys or none.
 */
export function createPersonKeys(connection: Connection) {
  const persons = personRepository(connection);

  /** Whether the claim's person holds the key now (a claim is made before and released after). */
  async function holderOf(claim: PersonKey): Promise<{ name: string } | undefined> {
    const holder = await persons.identityById(claim.personId);
    if (!holder) return undefined;
    const holds = claim._id.startsWith('name:') ? nameKeyOf(holder.nameKey) === claim._id : holder.userIdKeys.map(userKeyOf).includes(claim._id);
    return holds ? holder : undefined;
  }

  /**
   * True when the claim's person does not hold the key and the change that claimed it is
   * over: its process (on this host) died, or the claim is old. A young claim of a running
   * process belongs to a change still under way and is never taken over.
   */
  async function isStale(claim: PersonKey): Promise<boolean> {
    if (Date.now() - claim.claimedAt.getTime() < staleAfterMs && !claimantIsGone(claim.claimant)) return false;
    return !(await holderOf(claim));
  }

  async function conflictFor(key: string, personId: string): Promise<ConflictError> {
    const claim = await persons.claimById(key);
    const holder = claim && claim.personId !== personId ? await holderOf(claim) : undefined;
    const value = key.slice(key.indexOf(':') + 1);
    const field = key.startsWith('name:') ? 'name' : 'user_ids';
    const what = key.startsWith('name:') ? `the name "${value}"` : `user ID "${value}"`;
    if (claim && !holder) {
      // Claimed by a change still under way (another command or instance, for at most a minute): nobody holds it yet.
      const seconds = Math.max(1, Math.ceil((claim.claimedAt.getTime() + staleAfterMs - Date.now()) / 1000));
      return new ConflictError(`${field}: ${what} is being given to a person by another change under way right now; try again in ${seconds} s if that change does not finish.`);
    }
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
              await persons.insertClaim({ _id: key, personId, claimedAt: new Date(), claimant: thisClaimant() });
              taken.push(key);
              break;
            } catch (error) {
              if ((error as { code?: number }).code !== 11000) throw error;
              const claim = await persons.claimById(key);
              if (claim?.personId === personId) break;
              if (attempt === 0 && claim && (await isStale(claim))) {
                await persons.deleteClaim(key, claim.personId);
                continue;
              }
              throw await conflictFor(key, personId);
            }
          }
        }
      } catch (error) {
        if (taken.length) await persons.deleteClaims(taken, personId);
        throw error;
      }
    },

    /**
     * Who holds the claim of `key` (a name or user ID key), by its _id: one lookup, whether
     * or not anyone does. Asked without a limit of one, so that a database that scans for
     * it (the embedded one) reads to the end either way, and a hit costs what a miss costs.
     */
    async claimantOf(key: string): Promise<string | undefined> {
      return persons.claimantOf(key);
    },

    async release(personId: string, keys: string[]): Promise<void> {
      if (keys.length) await persons.deleteClaims(keys, personId);
    },

    /** All keys of a person, from its record. */
    keysOf(person: { nameKey: string; userIdKeys: string[] }): string[] {
      return [nameKeyOf(person.nameKey), ...person.userIdKeys.map(userKeyOf)];
    },
  };
}
