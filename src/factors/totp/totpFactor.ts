import { words } from '../../policy/planWords.ts';
import { totpStepRepository } from '../../store/repositories/totpStepRepository.ts';
import { typedText, type EnrolsAtSignIn, type Factor } from '../Factor.ts';
import { totpEnrolment } from './totpEnrolment.ts';
import { sweepTotpSteps } from './sweepTotpSteps.ts';
import { totpMetadata } from './totpMetadata.ts';
import { totpSealedFields } from './totpSealedFields.ts';

/** A code from the person's authenticator app (RFC 6238), checked once per time step by createTotpFactor. */
export const totpFactor = {
  id: 'TOTP',
  amr: () => [...totpMetadata.amr],
  displayName: 'factor.TOTP',
  partial: 'totp',
  autoSelectable: true,
  enrollableDuringSignIn: true,
  channels: [],
  typedWithPassword: true,
  configuredFor(person) {
    if (person.totp === 'none') return { usable: false, reason: 'no-active-key', why: words('why.totp.none') };
    if (person.totp === 'pending') return { usable: false, reason: 'no-active-key', why: words('why.totp.pending') };
    return { usable: true };
  },
  challenge: async () => ({}),
  present: async () => ({}),
  /** The sign-in loaded the person in this request (loadSignIn, identify). */
  verify: (ctx, _state, input) => ctx.services.totp.verify(ctx.person, typedText(input, 'code'), ctx.now, { loadedNow: true }),
  /** The time steps claimed by the person's codes. */
  forgetPerson: (connection, personId) => totpStepRepository(connection).deleteOf(personId),
  sweep: sweepTotpSteps,
  sealedFields: totpSealedFields,
  enrolment: totpEnrolment,
} satisfies Factor & EnrolsAtSignIn;
