import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { Logger } from 'pino';
import type { Delivery } from '../delivery/Delivery.ts';
import type { PasswordNotices } from '../delivery/createPasswordNotices.ts';
import type { TemporaryPasswords } from '../directory/temporaryPasswords.ts';
import type { PersonSessions } from '../oidc/createPersonSessions.ts';
import type { PersonDirectory } from '../directory/personDirectory.ts';
import type { AttemptLimiter } from '../factors/attempts/createAttemptLimiter.ts';
import type { FactorServices } from '../factors/FactorServices.ts';
import type { AuditLog } from '../security/createAuditLog.ts';
import type { FormTokens } from '../security/formTokens.ts';
import type { StoredPerson } from '../store/repositories/personRepository.ts';
import type { PasswordResets } from '../store/passwordResets.ts';

/** How the person proved who they were, as the notice and the audit say it. */
export type VerifiedBy = 'sms-code' | 'email-code' | 'factors' | 'none';

/** What the reset steps stand on: built once at start (app.ts), handed to every step. */
export type ResetDependencies = {
  provider: Provider;
  logger: Logger;
  issuer: string;
  persons: Pick<PersonDirectory, 'findByUserId' | 'findBySub' | 'planFor'>;
  attempts: Pick<AttemptLimiter, 'status' | 'recordFailure' | 'recordSuccess' | 'unlock'>;
  resets: PasswordResets;
  factorServices: FactorServices;
  formTokens: FormTokens;
  delivery: Pick<Delivery, 'sendEmail' | 'sendSms'>;
  audit: Pick<AuditLog, 'record'>;
  /** The person a user ID nobody has is handled as (directory/unknownUserStandIn.ts), and the same stand-in again by its id. */
  unknownUser(userId: string): StoredPerson;
  temporaryPasswords: Pick<TemporaryPasswords, 'issue' | 'setOwn'>;
  sessions: Pick<PersonSessions, 'revokeSessions'> & { currentSessionId(provider: Provider, ctx: Context): Promise<string | undefined> };
  passwordNotices: Pick<PasswordNotices, 'send'>;
  /** After a reset, the browser it was done in stays signed in (RESET_KEEP_CURRENT_DEVICE). */
  keepCurrentDevice: boolean;
  /** A reset lasts this long (seconds); a start sends at most one message per person per `resendAfterSeconds`. */
  lifetimeSeconds: number;
  resendAfterSeconds: number;
  /** The password rules' minimum length, for the new-password page's hint. */
  passwordMinLength: number;
};
