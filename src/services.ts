import type { Logger } from 'pino';
import type { Config } from './configuration/loadConfig.ts';
import { createDelivery } from './delivery/createDelivery.ts';
import { createDevOutbox } from './delivery/devOutbox.ts';
import { createClassDirectory } from './directory/classDirectory.ts';
import { createClientDirectory } from './directory/clientDirectory.ts';
import { createIpGroupDirectory } from './directory/ipGroupDirectory.ts';
import { createPersonDirectory } from './directory/personDirectory.ts';
import { createPasswordRules } from './security/passwordRules.ts';
import { createPersonPlanner } from './directory/personPlanner.ts';
import { createSettingsDirectory } from './directory/settingsDirectory.ts';
import { createFactorNotices } from './delivery/createFactorNotices.ts';
import { createPasswordNotices } from './delivery/createPasswordNotices.ts';
import { createTotpSelfService } from './factors/totp/createTotpSelfService.ts';
import { createRegistrationLinks } from './registration/registrationLinks.ts';
import { createEmergencyTokens } from './factors/emergency/createEmergencyTokens.ts';
import { createPrivateQuestions } from './factors/questions/createPrivateQuestions.ts';
import { createTotpFactor } from './factors/totp/createTotpFactor.ts';
import { createTotpKeyMenu } from './factors/totp/createTotpKeyMenu.ts';
import { createWebauthnCredentials } from './factors/webauthn/createWebauthnCredentials.ts';
import { otpauthIssuerFor } from './factors/totp/otpauthUri.ts';
import { createAddressThrottle } from './factors/attempts/createAddressThrottle.ts';
import { createAttemptLimiter } from './factors/attempts/createAttemptLimiter.ts';
import { createSignInTally } from './factors/attempts/createSignInTally.ts';
import { createOneTimeCodes } from './factors/otp/createOneTimeCodes.ts';
import { createAuditLog } from './security/createAuditLog.ts';
import { resolveMasterKey, resolvePreviousMasterKeys } from './security/resolveMasterKey.ts';
import { createSecretBox } from './security/secretBox.ts';
import { claimMissingPersonKeys } from './directory/claimMissingPersonKeys.ts';
import { openStore, type Store } from './store/openStore.ts';
import type { FactorServices } from './factors/FactorServices.ts';
import { createSignInProgress } from './store/signInProgress.ts';
import { createPasswordResets } from './store/passwordResets.ts';
import { createTemporaryPasswords } from './directory/temporaryPasswords.ts';
import { createArtefactKeys } from './oidc/createArtefactKeys.ts';
import { createPersonSessions } from './oidc/createPersonSessions.ts';
import { createFormTokens } from './security/formTokens.ts';
import { createUnknownUserStandIn } from './directory/unknownUserStandIn.ts';

/**
 * What the server and the CLI both stand on: the store and the directory services over it.
 * `deploymentIssuer` (the CLI, when ISSUER is not given to it) builds registration links
 * and otpauth URIs with the issuer the deployment's server keeps in the database, rather
 * than with config.issuer.
 */
export async function openServices(config: Config, logger: Logger, options: { advertise?: boolean; purpose?: 'server' | 'command'; deploymentIssuer?: boolean } = {}) {
  const secretBox = createSecretBox(resolveMasterKey(config, logger), resolvePreviousMasterKeys(config));
  const store: Store = await openStore(config, logger, options);
  try {
    await claimMissingPersonKeys(store.connection, logger);
  } catch (error) {
    await store.close();
    throw error;
  }
  const audit = createAuditLog(store.connection);
  const classes = createClassDirectory(store.connection, audit);
  const settings = createSettingsDirectory(store.connection, audit);
  const issuer = (options.deploymentIssuer ? await settings.runningIssuer() : undefined) ?? config.issuer;
  const addressThrottle = createAddressThrottle({ connection: store.connection, limit: config.addressFailureLimit });
  const signInTally = createSignInTally({ connection: store.connection });
  const attempts = createAttemptLimiter({ connection: store.connection, audit, addressThrottle, tally: signInTally });
  const delivery = createDelivery(config, logger, store.connection);
  const planner = createPersonPlanner(classes, settings, attempts);
  const persons = createPersonDirectory(store.connection, audit, planner, createPasswordRules({ minimumLength: config.passwordMinLength }));
  const totp = createTotpFactor({ connection: store.connection, secretBox, audit });
  const emergencyTokens = createEmergencyTokens({ connection: store.connection, secretBox, audit });
  const factorNotices = createFactorNotices({ delivery, logger });
  const registrationLinks = createRegistrationLinks({ connection: store.connection, lifetimeSeconds: config.ttl.registrationLink });
  const totpSelfService = createTotpSelfService({ persons, totp, emergencyTokens, attempts, notices: factorNotices, links: registrationLinks });
  const questions = createPrivateQuestions({ connection: store.connection, audit });
  const oneTimeCodes = createOneTimeCodes({ connection: store.connection, delivery, config, logger });
  const artefactKeys = createArtefactKeys(secretBox);
  const signInProgress = createSignInProgress(store.connection, artefactKeys);
  const webauthn = createWebauthnCredentials({ connection: store.connection, issuer, audit, logger, challengeKey: secretBox.deriveKey('gatehouse passkey sign-in challenge') });
  const factorServices: FactorServices = { totp, webauthn, emergencyTokens, questions, oneTimeCodes: { ...oneTimeCodes, lifetimeMinutes: Math.round(config.ttl.otp / 60) }, addresses: persons, totpSelfService, notices: factorNotices, issuer };
  return {
    store,
    secretBox,
    audit,
    persons,
    clients: createClientDirectory(store.connection, secretBox, audit),
    classes,
    ipGroups: createIpGroupDirectory(store.connection, audit),
    settings,
    totp,
    emergencyTokens,
    /** Passkeys and security keys (Device Auth): registration, the list, the sign-in's assertion. */
    webauthn,
    /** The admin's TOTP key menu (option 8) over totp and emergencyTokens. */
    totpKeys: createTotpKeyMenu({ persons, totp, emergencyTokens, audit, issuer: otpauthIssuerFor(issuer), links: registrationLinks, delivery, notices: factorNotices, issuerUrl: issuer }),
    /** Emails telling a person that a factor of theirs was added, replaced or removed. */
    factorNotices,
    /** Emails telling a person that their password was reset, their account re-enabled or a temporary password issued. */
    passwordNotices: createPasswordNotices({ delivery, logger }),
    /** A person setting up, replacing or removing their own authenticator app (account page, sign-in). */
    totpSelfService,
    /** Emailed links to the registration page (/register/:token). */
    registrationLinks,
    questions,
    delivery,
    /** The messages kept instead of sent outside production (/dev/outbox). */
    devOutbox: createDevOutbox(store.connection),
    oneTimeCodes,
    /** What the factors' sign-in steps stand on (factors/FactorServices.ts). */
    factorServices,
    attempts,
    addressThrottle,
    /** Sign-ins and failures counted in memory, flushed every minute (by the server) to hourly buckets: the admin view's home charts. */
    signInTally,
    /** Where each sign-in stands between its pages. */
    signInProgress,
    /** Passwords made by Gatehouse, to be changed at the next sign-in (admins, password resets). */
    temporaryPasswords: createTemporaryPasswords(store.connection, audit, persons.passwordRules, planner),
    /** Where each password reset stands between its pages. */
    passwordResets: createPasswordResets(store.connection, artefactKeys),
    /** Ends a person's sessions, grants and tokens everywhere (after a password reset), but the current device's when asked. */
    personSessions: createPersonSessions({ connection: store.connection, keys: artefactKeys, signInProgress }),
    /** The person a user ID nobody has is planned and counted as. */
    unknownUser: createUnknownUserStandIn(secretBox.deriveKey('gatehouse unknown user ID')),
    /** The CSRF tokens of the sign-in pages' forms, bound to their interaction. */
    interactionForms: createFormTokens(secretBox.deriveKey('gatehouse interaction form')),
  };
}

export type Services = Awaited<ReturnType<typeof openServices>>;
