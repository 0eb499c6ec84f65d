import { words } from '../../policy/planWords.ts';
import { webauthnRepository } from '../../store/repositories/webauthnRepository.ts';
import { typedText, type EnrolsAtSignIn, type Factor } from '../Factor.ts';
import { webauthnEnrolment } from './webauthnEnrolment.ts';
import { webauthnMetadata } from './webauthnMetadata.ts';

/**
 * The class's "Device Auth": a passkey or security key (WebAuthn). The step asks the
 * browser to sign a random challenge with one of the person's credentials (page script
 * /assets/webauthn.js, no inline script); verify checks the answer (webauthnAuthentication.ts).
 * Set up on the account page, or during sign-in after a factor the class ranks below it
 * while the person has none (offeredAfterLowerFactor, the planner's rule; webauthnEnrolment.ts).
 */
export const webauthnFactor = {
  id: 'DeviceAuth',
  // `user` is added per assertion when the authenticator verified the user (webauthnMetadata.ts).
  amr: () => [...webauthnMetadata.amr],
  displayName: 'factor.DeviceAuth',
  partial: 'webauthn',
  autoSelectable: true,
  // No stand-in stands in for it, so rule 6 never offers it; the planner offers it after a lower-ranked factor instead.
  enrollableDuringSignIn: false,
  offeredAfterLowerFactor: true,
  channels: [],
  configuredFor: (person) => ((person.deviceCredentials ?? 0) > 0 ? { usable: true } : { usable: false, reason: 'no-active-key', why: words('why.webauthn.none') }),
  challenge: (ctx) => ctx.services.webauthn.authentication.start(ctx.person, ctx.now),
  // The options hold the challenge and the ids of the person's credentials, nothing secret: they are what the browser is asked to sign.
  present: async (_ctx, state) => ({ webauthnOptions: JSON.stringify(state.options ?? null) }),
  verify: (ctx, state, input) => ctx.services.webauthn.authentication.verify(ctx.person, state, typedText(input, 'webauthnResponse'), ctx.now),
  /** The credentials and ceremonies of the person are documents of their own. */
  forgetPerson: (connection, personId) => webauthnRepository(connection).deleteOf(personId),
  sweep: (connection, now) => webauthnRepository(connection).sweep(new Date(now)),
  enrolment: webauthnEnrolment,
} satisfies Factor & EnrolsAtSignIn;
