import { verifyAuthenticationResponse, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import type { Logger } from 'pino';
import { systemActor, type AuditLog } from '../../security/createAuditLog.ts';
import type { StoredWebauthnCredential, WebauthnRepository } from '../../store/repositories/webauthnRepository.ts';
import type { RelyingParty } from './relyingParty.ts';

type Dependencies = { credentials: WebauthnRepository; relyingParty: RelyingParty; audit: AuditLog; logger: Logger };

/** How one assertion is checked: the challenge it must sign (or a test of it), whether the user must have been verified, and how its challenge is claimed once. */
export type AssertionTerms = {
  expectedChallenge: string | ((challenge: string) => boolean);
  requireUserVerification: boolean;
  /** One caller wins: claims the challenge as answered (a unique insert). */
  claim(): Promise<boolean>;
  /** Gives the claim back, when the answer is refused after it. */
  release(): Promise<void>;
  now: number;
};

/**
 * A signature counter that did not go up (when either side counts) says the credential may
 * have been copied: the assertion is refused (RFC and WebAuthn §6.1.1 leave it to the
 * relying party; we refuse and tell the admin).
 */
export const counterWentBack = (stored: number, received: number) => (stored > 0 || received > 0) && received <= stored;

/**
 * One assertion against one stored credential, the same at a sign-in step and at a
 * passkey-first sign-in: a good signature over the expected challenge from our origin and
 * RP ID (user verification when required), a challenge answered once, and a counter that
 * went up — a counter that went back is refused and audited. Then the counter and last use
 * are kept. Undefined when refused; whether the user was verified otherwise.
 */
export function assertionChecker({ credentials, relyingParty, audit, logger }: Dependencies) {
  return async (credential: StoredWebauthnCredential, response: AuthenticationResponseJSON, terms: AssertionTerms): Promise<{ userVerified: boolean } | undefined> => {
    let checked;
    try {
      checked = await verifyAuthenticationResponse({
        response,
        expectedChallenge: terms.expectedChallenge,
        expectedOrigin: relyingParty.origin,
        expectedRPID: relyingParty.id,
        // The counter is compared below, where a regression is told to the admin; the library is given 0 so it does not throw on it.
        credential: { id: credential._id, publicKey: isoBase64URL.toBuffer(credential.publicKey), counter: 0, transports: credential.transports as never },
        requireUserVerification: terms.requireUserVerification,
      });
    } catch (error) {
      // The library's reasons name no secret (origin, RP ID, challenge mismatch, bad signature, no user verification).
      logger.info({ credential: credential._id, reason: (error as Error).message }, 'passkey assertion refused');
      return undefined;
    }
    if (!checked.verified) return undefined;
    // A replayed answer (the same form posted again) signs the same challenge: one claim of it wins, whatever its counter says.
    if (!(await terms.claim())) return undefined;
    const { newCounter, userVerified } = checked.authenticationInfo;
    if (counterWentBack(credential.counter, newCounter)) {
      logger.warn({ sub: credential.personId, credential: credential._id, stored: credential.counter, received: newCounter }, 'passkey signature counter went back: the credential may have been cloned; refused');
      await audit.record({
        actor: systemActor,
        action: 'webauthn-counter-regressed',
        entity: 'person',
        entityId: credential.personId,
        after: { credential: credential._id, name: credential.name, storedCounter: credential.counter, receivedCounter: newCounter },
      });
      // The page's challenge stays good for the person's genuine key: only this answer was refused.
      await terms.release();
      return undefined;
    }
    await credentials.recordUse(credential._id, newCounter, new Date(terms.now));
    return { userVerified };
  };
}

export type AssertionChecker = ReturnType<typeof assertionChecker>;
