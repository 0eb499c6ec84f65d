import { typedText, type EnrolsAtSignIn, type EnrolmentOutcome } from '../Factor.ts';
import type { OfferedRegistration } from './createWebauthnCredentials.ts';

const offeredOf = (offered: Record<string, unknown>) => offered as Partial<OfferedRegistration>;

/**
 * Adding a passkey or security key during sign-in (offered when the class ranks Device
 * Auth above the factor just passed and the person has none): the page's script runs the
 * registration with the options kept in the sign-in's progress; the person names the
 * credential. Kept, audited and told by email as on the account page.
 */
export const webauthnEnrolment: EnrolsAtSignIn['enrolment'] = {
  partial: 'webauthn-enrol',
  donePartial: 'webauthn-enrolled',
  messages: { title: 'enrol.passkey.title', lead: 'enrol.passkey.lead', doneTitle: 'enrol.passkey.done.title', doneLead: 'enrol.passkey.done.lead', stale: 'enrol.passkey.expired' },
  offer: (ctx) => ctx.services.webauthn.offerRegistration(ctx.person, ctx.now),
  // The options hold the challenge and the ids of the person's credentials, nothing secret: they are what the browser is asked to answer.
  present: async (_ctx, offered) => ({ webauthnOptions: JSON.stringify(offeredOf(offered).options ?? null) }),
  async confirm(ctx, offered, input): Promise<EnrolmentOutcome> {
    // No answer at all (the page's script did not run) is refused like a bad one: nothing is kept, the page may try again.
    const outcome = await ctx.services.webauthn.confirmOfferedRegistration(ctx.person, offeredOf(offered), typedText(input, 'webauthnResponse'), input.name, ctx.now);
    switch (outcome.outcome) {
      case 'bad-name':
        return { outcome: 'retry', reason: 'passkey-name-invalid' };
      case 'refused':
        return { outcome: 'retry', reason: 'passkey-not-added' };
      case 'expired':
        return { outcome: 'stale' };
      case 'success':
        await ctx.services.notices.send(ctx.person, 'passkey-added', { by: 'person', now: ctx.now });
        return { outcome: 'success', shownOnce: { name: outcome.credential.name } };
    }
  },
};
