import { generateAuthenticationOptions, verifyAuthenticationResponse, type AuthenticationResponseJSON, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import type { Logger } from 'pino';
import { systemActor, type AuditLog } from '../../security/createAuditLog.ts';
import type { StoredPerson } from '../../store/repositories/personRepository.ts';
import type { StoredWebauthnCredential, WebauthnRepository } from '../../store/repositories/webauthnRepository.ts';
import type { Verdict } from '../Verdict.ts';
import { parseCeremonyResponse } from './parseCeremonyResponse.ts';
import type { RelyingParty } from './relyingParty.ts';
import { webauthnAmr } from './webauthnMetadata.ts';

type Dependencies = { credentials: WebauthnRepository; relyingParty: RelyingParty; audit: AuditLog; logger: Logger; timeoutMs: number };

/** What a sign-in step keeps between the page and its verify: the challenge it asked the browser to sign (the sign-in's own lifetime bounds it). */
export type AssertionState = { challenge: string; options: PublicKeyCredentialRequestOptionsJSON; expiresAt: number };

const refused: Verdict = { outcome: 'retry', reason: 'passkey-refused' };

/**
 * A signature counter that did not go up (when either side counts) says the credential may
 * have been copied: the assertion is refused (RFC and WebAuthn §6.1.1 leave it to the
 * relying party; we refuse and tell the admin).
 */
export const counterWentBack = (stored: number, received: number) => (stored > 0 || received > 0) && received <= stored;

/** The sign-in's half of WebAuthn: options for the person's credentials, and one assertion checked against them. */
export function webauthnAuthentication({ credentials, relyingParty, audit, logger, timeoutMs }: Dependencies) {
  async function checkSignature(response: AuthenticationResponseJSON, state: AssertionState, credential: StoredWebauthnCredential) {
    try {
      return await verifyAuthenticationResponse({
        response,
        expectedChallenge: state.challenge,
        expectedOrigin: relyingParty.origin,
        expectedRPID: relyingParty.id,
        // The counter is compared below, where a regression is told to the admin; the library is given 0 so it does not throw on it.
        credential: { id: credential._id, publicKey: isoBase64URL.toBuffer(credential.publicKey), counter: 0, transports: credential.transports as never },
        requireUserVerification: false,
      });
    } catch (error) {
      // The library's reasons name no secret (origin, RP ID, challenge mismatch, bad signature).
      logger.info({ credential: credential._id, reason: (error as Error).message }, 'passkey assertion refused');
      return undefined;
    }
  }

  return {
    /** Options for the browser: the person's credentials allowed, user verification preferred, a new random challenge. */
    async start(person: Pick<StoredPerson, '_id'>, now: number): Promise<AssertionState> {
      const mine = await credentials.credentialsOf(person._id);
      const options = await generateAuthenticationOptions({
        rpID: relyingParty.id,
        allowCredentials: mine.map((each) => ({ id: each._id, transports: each.transports })),
        userVerification: 'preferred',
        timeout: timeoutMs,
      });
      return { challenge: options.challenge, options, expiresAt: now + timeoutMs };
    },

    /**
     * The browser's answer against the step's challenge: a credential of this person, a good
     * signature over this challenge from our origin, a challenge answered once (one insert of
     * its hash wins), and a counter that went up. Then the counter and last use are kept.
     */
    async verify(person: Pick<StoredPerson, '_id' | 'name' | 'webauthn'>, state: Partial<AssertionState>, responseText: string, now: number): Promise<Verdict> {
      if ((person.webauthn?.credentialIds.length ?? 0) === 0) return { outcome: 'not-applicable', reason: 'not-configured' };
      const response = parseCeremonyResponse<AuthenticationResponseJSON>(responseText);
      if (!response || typeof state.challenge !== 'string' || !state.options) return { outcome: 'malformed' };
      // By _id only; the person's own list says whose it is (the document's personId too).
      const credential = person.webauthn!.credentialIds.includes(response.id) ? await credentials.credential(response.id) : null;
      if (!credential || credential.personId !== person._id) return refused;
      const checked = await checkSignature(response, state as AssertionState, credential);
      if (!checked?.verified) return refused;
      // A replayed answer (the same form posted again) signs the same challenge: one claim of it wins, whatever its counter says.
      if (!(await credentials.claimChallenge(state.challenge, person._id, new Date((state.expiresAt ?? now) + timeoutMs)))) return refused;
      const { newCounter, userVerified } = checked.authenticationInfo;
      if (counterWentBack(credential.counter, newCounter)) {
        logger.warn({ sub: person._id, credential: credential._id, stored: credential.counter, received: newCounter }, 'passkey signature counter went back: the credential may have been cloned; refused');
        await audit.record({
          actor: systemActor,
          action: 'webauthn-counter-regressed',
          entity: 'person',
          entityId: person._id,
          after: { credential: credential._id, name: credential.name, storedCounter: credential.counter, receivedCounter: newCounter },
        });
        // The page's challenge stays good for the person's genuine key: only this answer was refused.
        await credentials.releaseChallenge(state.challenge);
        return refused;
      }
      await credentials.recordUse(credential._id, newCounter, new Date(now));
      return { outcome: 'success', amr: webauthnAmr(userVerified) };
    },
  };
}

export type WebauthnAuthentication = ReturnType<typeof webauthnAuthentication>;
