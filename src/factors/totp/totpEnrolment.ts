import type { StoredTotpCandidate } from '../../store/repositories/factorStateRepository.ts';
import { emergencyTokensDownload } from '../emergency/emergencyTokensFile.ts';
import { typedText, type EnrolsAtSignIn } from '../Factor.ts';
import { otpauthIssuerFor } from './otpauthUri.ts';
import { totpSetupView } from './totpSetupView.ts';

/** The offered key is the candidate itself (sealed): master-key rotation finds it at enrolment.candidate. */
const candidateOf = (offered: Record<string, unknown>) => offered as unknown as StoredTotpCandidate;

/**
 * Setting up the authenticator app during sign-in (rule 6): a new key offered as a QR code
 * and in groups of four; one code from the app confirms it, under the TOTP retry limits;
 * a person without emergency tokens gets a new set, shown once.
 */
export const totpEnrolment: EnrolsAtSignIn['enrolment'] = {
  partial: 'totp-enrol',
  donePartial: 'totp-enrolled',
  messages: { title: 'enrol.title', lead: 'enrol.lead', doneTitle: 'enrol.done.title', doneLead: 'enrol.done.lead', stale: 'enrol.keyChanged' },
  offer: (ctx) => ({ ...ctx.services.totpSelfService.newCandidate(ctx.person) }),
  async present(ctx, offered) {
    const key = ctx.services.totpSelfService.openCandidate(ctx.person, candidateOf(offered));
    return { setup: await totpSetupView({ issuer: otpauthIssuerFor(ctx.services.issuer), account: ctx.person.defaultUserId, key }) };
  },
  async confirm(ctx, offered, input, address) {
    const outcome = await ctx.services.totpSelfService.confirm(ctx.person, candidateOf(offered), typedText(input, 'code'), ctx.policy, ctx.now, { address });
    if (outcome.outcome !== 'success') return outcome;
    return { outcome: 'success', shownOnce: { tokens: outcome.newTokens, download: emergencyTokensDownload(otpauthIssuerFor(ctx.services.issuer), ctx.person.defaultUserId, outcome.newTokens) } };
  },
};
