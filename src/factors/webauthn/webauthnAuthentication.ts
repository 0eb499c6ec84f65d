import { generateAuthenticationOptions, type AuthenticationResponseJSON, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { StoredPerson } from '../../store/repositories/personRepository.ts';
import type { WebauthnRepository } from '../../store/repositories/webauthnRepository.ts';
import type { Verdict } from '../Verdict.ts';
import type { AssertionChecker } from './checkAssertion.ts';
import { parseCeremonyResponse } from './parseCeremonyResponse.ts';
import type { RelyingParty } from './relyingParty.ts';
import { webauthnAmr } from './webauthnMetadata.ts';

type Dependencies = { credentials: WebauthnRepository; relyingParty: RelyingParty; check: AssertionChecker; timeoutMs: number };

/** What a sign-in step keeps between the page and its verify: the challenge it asked the browser to sign (the sign-in's own lifetime bounds it). */
export type AssertionState = { challenge: string; options: PublicKeyCredentialRequestOptionsJSON; expiresAt: number };

const refused: Verdict = { outcome: 'retry', reason: 'passkey-refused' };

/** The sign-in step's half of WebAuthn: options for the person's credentials, and one assertion checked against them. */
export function webauthnAuthentication({ credentials, relyingParty, check, timeoutMs }: Dependencies) {
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
     * The browser's answer against the step's challenge: a credential of this person (by
     * _id; the person's own list says whose it is, the document's personId too), then the
     * assertion's checks (checkAssertion.ts).
     */
    async verify(person: Pick<StoredPerson, '_id' | 'name' | 'webauthn'>, state: Partial<AssertionState>, responseText: string, now: number): Promise<Verdict> {
      if ((person.webauthn?.credentialIds.length ?? 0) === 0) return { outcome: 'not-applicable', reason: 'not-configured' };
      const response = parseCeremonyResponse<AuthenticationResponseJSON>(responseText);
      const { challenge } = state;
      if (!response || typeof challenge !== 'string' || !state.options) return { outcome: 'malformed' };
      const credential = person.webauthn!.credentialIds.includes(response.id) ? await credentials.credential(response.id) : null;
      if (!credential || credential.personId !== person._id) return refused;
      const passed = await check(credential, response, {
        expectedChallenge: challenge,
        requireUserVerification: false,
        claim: () => credentials.claimChallenge(challenge, person._id, new Date((state.expiresAt ?? now) + timeoutMs)),
        release: () => credentials.releaseChallenge(challenge),
        now,
      });
      return passed ? { outcome: 'success', amr: webauthnAmr(passed.userVerified) } : refused;
    },
  };
}

export type WebauthnAuthentication = ReturnType<typeof webauthnAuthentication>;
