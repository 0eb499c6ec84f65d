import { randomBytes } from 'node:crypto';
import { generateAuthenticationOptions, type AuthenticationResponseJSON, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import { createFormTokens } from '../../security/formTokens.ts';
import type { StoredPerson } from '../../store/repositories/personRepository.ts';
import type { StoredWebauthnCredential, WebauthnRepository } from '../../store/repositories/webauthnRepository.ts';
import type { Verdict } from '../Verdict.ts';
import type { AssertionChecker } from './checkAssertion.ts';
import { parseCeremonyResponse } from './parseCeremonyResponse.ts';
import type { RelyingParty } from './relyingParty.ts';
import { webauthnAmr } from './webauthnMetadata.ts';

type Dependencies = { credentials: WebauthnRepository; relyingParty: RelyingParty; check: AssertionChecker; challengeKey: Buffer; timeoutMs: number };

/** A passkey the browser offered, found by its id and its user handle (the person's sub), not yet checked. */
export type OfferedPasskey = { personId: string; credential: StoredWebauthnCredential; response: AuthenticationResponseJSON };

const bindingOf = (uid: string, nonce: string) => `passkey-first:${uid}:${nonce}`;

/**
 * "Sign in with a passkey" on the sign-in page, before any user ID is typed: a discoverable
 * credential (the browser chooses, or offers it in the user ID field's autofill), user
 * verification required, since the passkey stands for the password and the second factor.
 * The challenge is `nonce.HMAC(uid, nonce)` under a server key — bound to the sign-in, and
 * nothing to store when the page is shown; the answer claims it once (a unique insert).
 */
export function passkeyFirst({ credentials, relyingParty, check, challengeKey, timeoutMs }: Dependencies) {
  const tokens = createFormTokens(challengeKey);
  const isChallengeOf = (uid: string) => (encoded: string) => {
    let text: string;
    try {
      text = isoBase64URL.toUTF8String(encoded);
    } catch {
      return false;
    }
    const [nonce, mac, ...rest] = text.split('.');
    return rest.length === 0 && !!nonce && tokens.matches(bindingOf(uid, nonce), mac);
  };

  return {
    /** The page's options: no credentials listed (the browser's own choice), user verification required, a challenge bound to the sign-in `uid`. */
    async options(uid: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
      const nonce = randomBytes(16).toString('base64url');
      return generateAuthenticationOptions({ rpID: relyingParty.id, challenge: `${nonce}.${tokens.tokenFor(bindingOf(uid, nonce))}`, allowCredentials: [], userVerification: 'required', timeout: timeoutMs });
    },

    /** Whose passkey the browser's answer says it is: a credential of ours (by _id) whose person is the answer's user handle; undefined for anything else. */
    async offered(responseText: string): Promise<OfferedPasskey | 'malformed' | undefined> {
      const response = parseCeremonyResponse<AuthenticationResponseJSON>(responseText);
      if (!response) return 'malformed';
      const handle = response.response.userHandle;
      if (typeof handle !== 'string' || !handle) return undefined;
      let personId: string;
      try {
        personId = isoBase64URL.toUTF8String(handle);
      } catch {
        return undefined;
      }
      const credential = await credentials.credential(response.id);
      return credential && credential.personId === personId ? { personId, credential, response } : undefined;
    },

    /** The offered passkey's assertion for the sign-in `uid`, of a person whose list holds it: amr `hwk user`, never without user verification. */
    async verify(person: Pick<StoredPerson, '_id' | 'webauthn'>, offered: OfferedPasskey, uid: string, expiresAt: number, now: number): Promise<Verdict> {
      const refused: Verdict = { outcome: 'retry', reason: 'passkey-refused' };
      if (offered.personId !== person._id || !person.webauthn?.credentialIds.includes(offered.credential._id)) return refused;
      // Read after the library has checked the client data (the claim is made only then).
      const challenge = () => `passkey-first:${(JSON.parse(isoBase64URL.toUTF8String(offered.response.response.clientDataJSON)) as { challenge: string }).challenge}`;
      const passed = await check(offered.credential, offered.response, {
        expectedChallenge: isChallengeOf(uid),
        requireUserVerification: true,
        // One answer per challenge signs in, whichever passkey gave it.
        claim: () => credentials.claimChallenge(challenge(), person._id, new Date(Math.max(expiresAt, now) + timeoutMs)),
        release: () => credentials.releaseChallenge(challenge()),
        now,
      });
      if (!passed?.userVerified) return refused;
      await credentials.recordPersonSignIn(person._id, new Date(now));
      return { outcome: 'success', amr: webauthnAmr(true) };
    },
  };
}

export type PasskeyFirst = ReturnType<typeof passkeyFirst>;
