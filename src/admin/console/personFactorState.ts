import { personFacts } from '../../directory/personFacts.ts';
import type { AttemptStatus } from '../../factors/attempts/createAttemptLimiter.ts';
import { retryRuleOf } from '../../factors/attempts/retryRuleOf.ts';
import { countedFactorIds } from '../../factors/index.ts';
import type { ClassPolicy } from '../../policy/types.ts';
import type { Services } from '../../services.ts';
import type { StoredPerson } from '../../store/repositories/personRepository.ts';

export type FactorLock = { factor: string; status: AttemptStatus };

/** What "Work with Persons" tells of a person's factors: the TOTP key, the questions answered, and each counted factor's lock. */
export type PersonFactorState = {
  policy?: ClassPolicy;
  totp: 'none' | 'pending' | 'active';
  questionsAnswered: number;
  locks: FactorLock[];
  locked: boolean;
};

/**
 * A person's factors as the sign-in sees them: the class's retry limits (the MFA plan's
 * class, as at sign-in) over the failures the attempt limiter keeps for every counted
 * factor (emergency tokens count as TOTP). Password failures are kept per client address
 * and are not told here.
 */
export async function factorStateOf(services: Pick<Services, 'persons' | 'attempts'>, person: StoredPerson, now: number): Promise<PersonFactorState> {
  const { policy } = await services.persons.planFor(person, 'MFA', now);
  const rule = retryRuleOf(policy);
  const locks = await Promise.all(countedFactorIds.map(async (factor) => ({ factor, status: await services.attempts.status(person._id, factor, rule, now) })));
  const facts = personFacts(person);
  return { ...(policy ? { policy } : {}), totp: facts.totp, questionsAnswered: facts.questionsAnswered, locks, locked: locks.some((lock) => lock.status.locked) };
}
