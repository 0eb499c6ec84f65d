import { randomBytes } from 'node:crypto';
import { generateRegistrationOptions, verifyRegistrationResponse, type PublicKeyCredentialCreationOptionsJSON, type RegistrationResponseJSON } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import type { Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { AuditLog } from '../../security/createAuditLog.ts';
import type { StoredPerson } from '../../store/repositories/personRepository.ts';
import { webauthnRepository, type StoredWebauthnCredential } from '../../store/repositories/webauthnRepository.ts';
import { parseCeremonyResponse } from './parseCeremonyResponse.ts';
import { relyingPartyOf } from './relyingParty.ts';
import { assertionChecker } from './checkAssertion.ts';
import { passkeyFirst } from './passkeyFirst.ts';
import { webauthnAuthentication } from './webauthnAuthentication.ts';

type Dependencies = { connection: Connection; issuer: string; audit: AuditLog; logger: Logger; /** Binds a passkey-first challenge to its sign-in (passkeyFirst.ts). */ challengeKey: Buffer };

/** How long the browser is given for a ceremony, and a registration page stays good. */
const ceremonyMs = 5 * 60_000;
const maximumNameLength = 60;

const actorOf = (person: Pick<StoredPerson, '_id' | 'name'>) => ({ kind: 'person' as const, id: person._id, name: person.name });

/** A credential as the account page lists it. */
export type ListedCredential = Pick<StoredWebauthnCredential, '_id' | 'name' | 'createdAt' | 'lastUsedAt' | 'deviceType' | 'backedUp'>;

/** A registration offered during sign-in, as the sign-in's progress keeps it: the options shown, their challenge, until when it may be answered. */
export type OfferedRegistration = { challenge: string; options: PublicKeyCredentialCreationOptionsJSON; expiresAt: number };

export type RegistrationOutcome = { outcome: 'success'; credential: StoredWebauthnCredential } | { outcome: 'expired' } | { outcome: 'refused' } | { outcome: 'bad-name' };

/** A name a person gives a credential: trimmed, 1–60 characters, no control characters; undefined otherwise. */
export function credentialName(typed: unknown): string | undefined {
  if (typeof typed !== 'string') return undefined;
  const name = typed.trim();
  // oxlint-disable-next-line no-control-regex -- refusing control characters is the point
  return name.length >= 1 && name.length <= maximumNameLength && !/[\u0000-\u001f\u007f]/.test(name) ? name : undefined;
}

/**
 * Passkeys and security keys (WebAuthn, the Device Auth factor): registering one on the
 * account page (the challenge kept server-side in a ceremony record, taken once) or during
 * sign-in (the challenge kept in the sign-in's progress, claimed once), the sign-in's assertion (webauthnAuthentication.ts), and the person's list, renamed and
 * removed. Attestation 'none': which make of key it is is not checked, only that it holds
 * the private key. The relying party is the issuer (relyingParty.ts).
 */
export function createWebauthnCredentials({ connection, issuer, audit, logger, challengeKey }: Dependencies) {
  const credentials = webauthnRepository(connection);
  const relyingParty = relyingPartyOf(issuer);
  const check = assertionChecker({ credentials, relyingParty, audit, logger });

  /** Options for the browser: a new random challenge, the person's credentials excluded. */
  const registrationOptionsFor = async (person: StoredPerson) => {
    const mine = await credentials.credentialsOf(person._id);
    return generateRegistrationOptions({
      rpName: relyingParty.name,
      rpID: relyingParty.id,
      userName: person.defaultUserId,
      userDisplayName: [person.firstName, person.familyName].filter(Boolean).join(' ') || person.name,
      // The user handle is the person's sub: random already, and what a passkey-first sign-in will look up.
      userID: new TextEncoder().encode(person._id),
      attestationType: 'none',
      excludeCredentials: mine.map((each) => ({ id: each._id, transports: each.transports })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
      timeout: ceremonyMs,
    });
  };

  /** A registration answer against its challenge, then (once `claim` agrees, where there is one) the credential kept and audited. */
  async function keepRegistration(person: StoredPerson, challenge: string, responseText: string, name: string, now: number, claim?: () => Promise<boolean>): Promise<RegistrationOutcome> {
    const response = parseCeremonyResponse<RegistrationResponseJSON>(responseText);
    if (!response) return { outcome: 'refused' };
    let verified;
    try {
      verified = await verifyRegistrationResponse({ response, expectedChallenge: challenge, expectedOrigin: relyingParty.origin, expectedRPID: relyingParty.id, requireUserVerification: false });
    } catch (error) {
      logger.info({ sub: person._id, reason: (error as Error).message }, 'passkey registration refused');
      return { outcome: 'refused' };
    }
    if (!verified.verified) return { outcome: 'refused' };
    if (claim && !(await claim())) return { outcome: 'expired' };
    const { credential, aaguid, credentialDeviceType, credentialBackedUp } = verified.registrationInfo;
    const stored: StoredWebauthnCredential = {
      _id: credential.id,
      personId: person._id,
      publicKey: isoBase64URL.fromBuffer(credential.publicKey),
      counter: credential.counter,
      transports: credential.transports ?? response.response.transports ?? [],
      aaguid,
      name,
      deviceType: credentialDeviceType,
      backedUp: credentialBackedUp,
      createdAt: new Date(now),
    };
    if (!(await credentials.add(stored))) return { outcome: 'refused' };
    await audit.record({ actor: actorOf(person), action: 'webauthn-added', entity: 'person', entityId: person._id, after: { credential: stored._id, name, aaguid, deviceType: stored.deviceType } });
    return { outcome: 'success', credential: stored };
  }

  return {
    relyingParty,
    authentication: webauthnAuthentication({ credentials, relyingParty, check, timeoutMs: ceremonyMs }),
    /** "Sign in with a passkey" before any user ID is typed. */
    passkeyFirst: passkeyFirst({ credentials, relyingParty, check, challengeKey, timeoutMs: ceremonyMs }),

    /** The person's credentials, in the order they were added. */
    async listOf(personId: string): Promise<ListedCredential[]> {
      return (await credentials.credentialsOf(personId)).map(({ _id, name, createdAt, lastUsedAt, deviceType, backedUp }) => ({ _id, name, createdAt, ...(lastUsedAt ? { lastUsedAt } : {}), deviceType, backedUp }));
    },

    /** Starts a registration: options for the browser (the person's credentials excluded) and the id of the ceremony that keeps its challenge. */
    async startRegistration(person: StoredPerson, now = Date.now()): Promise<{ ceremonyId: string; options: PublicKeyCredentialCreationOptionsJSON }> {
      const options = await registrationOptionsFor(person);
      const ceremonyId = randomBytes(18).toString('base64url');
      await credentials.startRegistration(ceremonyId, person._id, options.challenge, new Date(now + ceremonyMs));
      return { ceremonyId, options };
    },

    /** The browser's answer to a registration: checked against the ceremony's challenge (used once whatever the outcome), then kept under the name given. */
    async finishRegistration(person: StoredPerson, ceremonyId: string, responseText: string, typedName: unknown, now = Date.now()): Promise<RegistrationOutcome> {
      const name = credentialName(typedName);
      if (!name) return { outcome: 'bad-name' };
      const challenge = typeof ceremonyId === 'string' && ceremonyId ? await credentials.takeRegistration(ceremonyId, person._id, new Date(now)) : undefined;
      if (!challenge) return { outcome: 'expired' };
      return keepRegistration(person, challenge, responseText, name, now);
    },

    /**
     * Starts a registration offered during sign-in: the options (with their challenge) are
     * kept in the sign-in's own progress record, server-side, until the person answers.
     */
    async offerRegistration(person: StoredPerson, now = Date.now()): Promise<OfferedRegistration> {
      const options = await registrationOptionsFor(person);
      return { challenge: options.challenge, options, expiresAt: now + ceremonyMs };
    },

    /**
     * The answer to a registration offered during sign-in. A refused answer leaves the
     * challenge for another try of the same page; an accepted one claims it (one insert of
     * its hash wins), so the challenge registers one credential only.
     */
    async confirmOfferedRegistration(person: StoredPerson, offered: Partial<OfferedRegistration>, responseText: string, typedName: unknown, now = Date.now()): Promise<RegistrationOutcome> {
      const name = credentialName(typedName);
      if (!name) return { outcome: 'bad-name' };
      if (typeof offered.challenge !== 'string' || typeof offered.expiresAt !== 'number' || offered.expiresAt <= now) return { outcome: 'expired' };
      const { challenge, expiresAt } = offered;
      return keepRegistration(person, challenge, responseText, name, now, () => credentials.claimChallenge(challenge, person._id, new Date(expiresAt + ceremonyMs)));
    },

    /** Renames one of the person's credentials; false when it is not theirs or the name will not do. */
    async rename(person: StoredPerson, id: string, typedName: unknown): Promise<'renamed' | 'bad-name' | 'unknown'> {
      const name = credentialName(typedName);
      if (!name) return 'bad-name';
      if (!person.webauthn?.credentialIds.includes(id)) return 'unknown';
      await credentials.rename(id, name);
      await audit.record({ actor: actorOf(person), action: 'webauthn-renamed', entity: 'person', entityId: person._id, after: { credential: id, name } });
      return 'renamed';
    },

    /** Removes one of the person's credentials (the caller has checked they can sign in without it); false when it is not theirs. */
    async remove(person: StoredPerson, id: string, now = Date.now()): Promise<boolean> {
      if (!person.webauthn?.credentialIds.includes(id)) return false;
      await credentials.remove(person._id, id, new Date(now));
      await audit.record({ actor: actorOf(person), action: 'webauthn-removed', entity: 'person', entityId: person._id, before: { credential: id } });
      return true;
    },
  };
}

export type WebauthnCredentials = ReturnType<typeof createWebauthnCredentials>;
