import type { PersonFacts } from '../policy/types.ts';
import type { StoredPerson } from '../store/models/personModel.ts';

/**
 * What the planner needs to know about a person, from the person's record. The factor
 * enrolments (TOTP key, private question answers, emergency tokens) and the per-factor
 * locks are read from the fields the factor folders keep on the person; a person without
 * them has none.
 */
export function personFacts(person: StoredPerson): PersonFacts {
  return {
    totp: person.totp?.state ?? 'none',
    questionsAnswered: person.questionAnswers?.length ?? 0,
    emergencyTokensLeft: person.emergencyTokensLeft ?? 0,
    ...(person.cellPhone ? { cellPhone: person.cellPhone } : {}),
    ...(person.email ? { email: person.email } : {}),
    locks: Object.fromEntries(
      Object.entries(person.factorLocks ?? {}).map(([factor, lock]) => [factor, lock.untilAdminUnlock ? { untilAdminUnlock: true } : { until: lock.until!.getTime() }]),
    ),
  };
}
