import type { AttemptLimiter } from '../factors/attempts/createAttemptLimiter.ts';
import { countedFactorIds } from '../factors/index.ts';
import type { ClassPolicy, PersonFacts } from '../policy/types.ts';
import type { StoredPerson } from '../store/repositories/personRepository.ts';
import { personFacts } from './personFacts.ts';

export type PersonFactSources = {
  attempts: Pick<AttemptLimiter, 'locksOf'>;
  /** The person's resolved class; undefined (*NEVER, no default class, a missing class) means no factor is asked, so no lock counts. */
  policy: ClassPolicy | undefined;
  now: number;
};

/**
 * Everything the planner knows about a person: the record (personFacts) and what lives
 * beside it in the store — the per-factor locks, kept by the retry limits for every
 * instance, under the class's "Maximum retries" and "Wait before next attempt".
 */
export async function loadPersonFacts(person: StoredPerson, { attempts, policy, now }: PersonFactSources): Promise<PersonFacts> {
  const facts = personFacts(person);
  // Without a class no lock matters, yet the locks are read all the same: planning a person
  // costs the same whatever their class, so the sign-in's time does not tell a user ID with
  // a class from one without (or from one nobody has, unknownUserStandIn.ts).
  const rule = policy ? { maxRetries: policy.maxRetries, waitSeconds: policy.waitSeconds } : { maxRetries: 0, waitSeconds: 60 };
  const locks = await attempts.locksOf(person._id, Object.fromEntries(countedFactorIds.map((factor) => [factor, rule])), now);
  return { ...facts, locks: policy ? locks : {} };
}
