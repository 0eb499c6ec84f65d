import { otpChannelFor } from './otpChannelFor.ts';
import { typedText, type Factor, type FactorContext, type ResendsCode, type StepState } from '../Factor.ts';

const destinationOf = (ctx: FactorContext) => (ctx.step.channel === 'sms' ? ctx.person.cellPhone : ctx.person.email) ?? '';

async function send(ctx: FactorContext): Promise<StepState> {
  const { services, person, step, interactionUid, now } = ctx;
  const sent = await services.oneTimeCodes.send({ personId: person._id, interactionUid, channel: step.channel ?? 'email', destination: destinationOf(ctx), message: ctx.codeMessage, now });
  return { sentTo: sent.sentTo };
}

/**
 * A one-time code by SMS or email (device C and E), bound to the sign-in's interaction.
 * RFC 8176 has no email value, so an emailed code is just `otp`. Rule 5: it may stand in
 * for TOTP where the class allows it.
 */
export const otpFactor = {
  id: 'OTP',
  amr: (channel) => (channel === 'sms' ? ['sms', 'otp'] : ['otp']),
  displayName: 'factor.OTP',
  partial: 'otp',
  autoSelectable: true,
  enrollableDuringSignIn: false,
  channels: ['sms', 'email'],
  standsInFor: { factor: 'TOTP', allowedBy: (policy) => policy.allowOtpInsteadOfTotp, classField: 'Allow OTP instead of TOTP' },
  configuredFor(person, policy) {
    const otp = otpChannelFor(policy, person);
    return otp.deliverable ? { usable: true, channel: otp.channel } : { usable: false, reason: otp.reason, why: otp.why };
  },
  challenge: send,
  resend: send,
  present: async (ctx, state) => ({ destination: typeof state.sentTo === 'string' ? state.sentTo : '', minutes: ctx.services.oneTimeCodes.lifetimeMinutes }),
  verify: (ctx, _state, input) => ctx.services.oneTimeCodes.verify({ personId: ctx.person._id, interactionUid: ctx.interactionUid, code: typedText(input, 'code'), now: ctx.now }),
  /** A used code proves the address it was sent to, when that is still the person's. */
  async afterSuccess(ctx) {
    const channel = ctx.step.channel === 'sms' ? 'sms' : 'email';
    const address = destinationOf(ctx);
    if (address && (await ctx.services.oneTimeCodes.wasSentTo({ personId: ctx.person._id, interactionUid: ctx.interactionUid, destination: address }))) {
      await ctx.services.addresses.markAddressProven(ctx.person._id, channel, address);
    }
  },
} satisfies Factor & ResendsCode;
