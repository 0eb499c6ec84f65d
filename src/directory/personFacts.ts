import { countAnswers } from '../factors/questions/countAnswers.ts';
import { keyState } from '../factors/totp/keyState.ts';
import type { PersonFacts } from '../policy/types.ts';
import type { StoredPerson } from '../store/repositories/personRepository.ts';

/**
 * What the planner needs to know about a person, from the person's record: the factor
 * enrolments (TOTP key, private question answers, emergency tokens, passkeys) the factor folders
 * keep on the person. Locks live with the retry limits: loadPersonFacts.ts adds them. The emergency tokens left are the count the token factor keeps in step
 * with the tokens themselves (it only ever lowers it between two sets), so this stays
 * synchronous.
 */
export function personFacts(person: StoredPerson): PersonFacts {
  return {
    totp: keyState(person),
    questionsAnswered: countAnswers(person),
    emergencyTokensLeft: person.emergencyTokens?.left ?? 0,
    deviceCredentials: person.webauthn?.credentialIds.length ?? 0,
    ...(person.cellPhone ? { cellPhone: person.cellPhone } : {}),
    ...(person.email ? { email: person.email } : {}),
    locks: {},
  };
}
