import type Provider from 'oidc-provider';
import type { Logger } from 'pino';
import type { IpGroupDirectory } from '../directory/ipGroupDirectory.ts';
import type { PersonDirectory } from '../directory/personDirectory.ts';
import type { TemporaryPasswords } from '../directory/temporaryPasswords.ts';
import type { AttemptLimiter } from '../factors/attempts/createAttemptLimiter.ts';
import type { SignInTally } from '../factors/attempts/createSignInTally.ts';
import type { FactorServices } from '../factors/FactorServices.ts';
import type { FormTokens } from '../security/formTokens.ts';
import type { StoredPerson } from '../store/repositories/personRepository.ts';
import type { SignInProgressStore } from '../store/signInProgress.ts';

/** What the sign-in steps stand on: built once at start (startGatehouse), handed to every step. */
export type SignInDependencies = {
  provider: Provider;
  logger: Logger;
  issuer: string;
  persons: Pick<PersonDirectory, 'findByUserId' | 'findBySub' | 'authenticate' | 'planFor' | 'passwordRules'>;
  /** The person's own password in place of a temporary one (the forced change). */
  temporaryPasswords: Pick<TemporaryPasswords, 'setOwn'>;
  ipGroups: Pick<IpGroupDirectory, 'findRanges'>;
  attempts: Pick<AttemptLimiter, 'status' | 'recordFailure' | 'recordSuccess'>;
  /** Counts each completed sign-in in memory (the admin view's home charts; no database command). */
  signIns: Pick<SignInTally, 'countSignIn'>;
  progress: SignInProgressStore;
  factorServices: FactorServices;
  formTokens: FormTokens;
  /** The person a user ID nobody has is planned and counted as (directory/unknownUserStandIn.ts). */
  unknownUser(userId: string): StoredPerson;
  /** The account page's client: its sign-ins skip the enrolment step (the page offers the same setup). */
  accountClientId: string;
};
