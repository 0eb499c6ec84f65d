import { unknownUserPrefix } from '../../directory/unknownUserStandIn.ts';
import { keyOfField, type AttemptRepository, type ChainEntry } from '../../store/repositories/attemptRepository.ts';
import { checkRule, type AttemptRule } from './attemptStatusOf.ts';
import { addressOwnerPrefix } from './createAddressThrottle.ts';
import { newestLink } from './failureChain.ts';
import { runLinks, runStatus, type RunState } from './personFailures.ts';

/** One thing of a person's that is locked now: a factor (or the password from one client address), until a time or until an admin unlocks. */
export type LockedKey = {
  key: string;
  /** The factor part of the key: "password" for the password from any address. */
  factor: string;
  /** For the password: the client address (or /64 network) the failures came from. */
  address?: string;
  /** Absent: until an admin unlocks. */
  until?: Date;
};

export type LockedPerson = { personId: string; locks: LockedKey[] };

const keyParts = (key: string): Pick<LockedKey, 'factor' | 'address'> => (key.startsWith('password:') ? { factor: 'password', address: key.slice('password:'.length) } : { factor: key });

const isPerson = (owner: string) => !owner.startsWith(addressOwnerPrefix) && !owner.startsWith(unknownUserPrefix);

/**
 * Every person locked now (the admin view's home): the locks that wait for an admin (lock
 * documents, and those noted in heads), and the timed locks that follow from a head's live
 * runs under the rule `ruleOf` gives for the person (the retries and wait of the person's
 * class, as at sign-in; undefined: no rule applies, as for a person without a class). Reads
 * every head and lock, as the sweeper does, and walks only live runs: never on a sign-in's
 * path. User IDs nobody has (unknownUserStandIn.ts) and addresses are nobody to unlock.
 */
export async function lockedNow(repository: AttemptRepository, ruleOf: (personId: string) => Promise<AttemptRule | undefined>, now: number): Promise<LockedPerson[]> {
  const [heads, locks] = await Promise.all([repository.allHeads(), repository.allLocks()]);
  const owners = new Map<string, { forAdmin: Set<string>; live: [string, ChainEntry<RunState>][] }>();
  const ownerOf = (personId: string) => {
    let owner = owners.get(personId);
    if (!owner) owners.set(personId, (owner = { forAdmin: new Set(), live: [] }));
    return owner;
  };
  for (const head of heads) {
    if (!isPerson(head._id)) continue;
    const owner = ownerOf(head._id);
    for (const field of Object.keys(head.locks ?? {})) owner.forAdmin.add(keyOfField(field));
    for (const [field, entry] of Object.entries(head.keys ?? {})) {
      if (runLinks.live((entry as ChainEntry<RunState>).state, now)) owner.live.push([keyOfField(field), entry as ChainEntry<RunState>]);
    }
  }
  for (const lock of locks) if (isPerson(lock.personId)) ownerOf(lock.personId).forAdmin.add(lock.key);

  const locked: LockedPerson[] = [];
  for (const [personId, { forAdmin, live }] of owners) {
    const found: LockedKey[] = [...forAdmin].map((key) => ({ key, ...keyParts(key) }));
    const timed = live.filter(([key]) => !forAdmin.has(key));
    const rule = timed.length > 0 ? await ruleOf(personId) : undefined;
    if (rule !== undefined) {
      checkRule(rule);
      for (const [key, entry] of timed) {
        const link = await newestLink(repository, { owner: personId, key, factor: keyParts(key).factor }, entry, runLinks, now);
        const status = runStatus(link.state, rule, now);
        if (status.locked) found.push({ key, ...keyParts(key), ...(status.until ? { until: status.until } : {}) });
      }
    }
    if (found.length > 0) locked.push({ personId, locks: found.toSorted((a, b) => a.key.localeCompare(b.key)) });
  }
  return locked;
}
