import type { Context } from 'koa';
import { GatehouseError } from '../errors/GatehouseError.ts';
import { nextStep } from '../policy/nextStep.ts';
import { isPermitted } from '../policy/permittedSteps.ts';
import { acrRequestOf, asksOnlyUnknownAcr } from '../oidc/acr.ts';
import type { FactorSteps } from './factorSteps.ts';
import { sessionAmrOf, type SignInEnds } from './finishSignIn.ts';
import { InteractionExpiredError } from './InteractionExpiredError.ts';
import { resumedOf, signInOf } from './loadSignIn.ts';
import { offerEnrolment } from './offerEnrolment.ts';
import { againMessage, lockMessage, type SignInPages } from './signInPages.ts';
import type { SignInDependencies } from './SignInDependencies.ts';
import type { StepUp } from './stepUp.ts';

type Steps = { pages: SignInPages; ends: SignInEnds; factorSteps: FactorSteps; stepUp: StepUp };

/** The login prompt's page: the sign-in page, a step-up, or wherever the sign-in under way stands. */
export function showSignIn({ pages, ends, stepUp }: Steps) {
  return async (ctx: Context) => {
    const { interaction, resumed } = signInOf(ctx);
    if (!resumed) {
      const reasons = new Set(interaction.prompt.reasons);
      const signedIn = Boolean(interaction.session?.accountId) && !['no_session', 'login_prompt', 'max_age', 'id_token_hint'].some((reason) => reasons.has(reason));
      if (asksOnlyUnknownAcr(acrRequestOf(interaction.params))) return ends.unmetAcr(ctx, 'None of the requested acr values is supported.');
      if (signedIn && reasons.has('elevated_access_requested')) return stepUp.begin(ctx);
      if (signedIn && reasons.has('elevated_access_expired')) return stepUp.fallBack(ctx);
      return pages.login(ctx);
    }
    if (resumed.person.temporaryPassword) return pages.newPassword(ctx, resumed);
    if (resumed.progress.enrolment) return pages.enrolment(ctx, resumed);
    if (resumed.plan.denied) return pages.denied(ctx, resumed);
    return pages.challenge(ctx, resumed);
  };
}

/** POST /verify — the step's input: on to the application (or the enrolment offer), or the same step again. */
export function verifyChallenge(deps: Pick<SignInDependencies, 'accountClientId' | 'factorServices' | 'progress'>, { pages, ends, factorSteps }: Steps) {
  return async (ctx: Context) => {
    const { interaction, resumed, t } = resumedOf(ctx);
    const { progress, person, plan } = resumed;
    if (plan.denied) return pages.denied(ctx, resumed);
    if (!isPermitted(plan, progress.step)) {
      // The plan changed under way (a lock, a new class): start again at its challenge, saying why when the step in use got locked.
      const lock = await factorSteps.lockOf(resumed);
      const restarted = await factorSteps.begin(ctx, person, resumed.policy, progress.context, plan.challenge!);
      return pages.challenge(ctx, { ...resumed, progress: restarted }, lock ? { status: 429, error: lockMessage(t, lock) } : {});
    }
    if (progress.enrolment) throw new InteractionExpiredError();
    const verdict = await factorSteps.verify(ctx, resumed, (ctx.request.body ?? {}) as Record<string, unknown>);
    const next = nextStep(plan, progress, verdict, { offersEnrolment: interaction.params.client_id !== deps.accountClientId });
    if (next.to === 'again') return pages.challenge(ctx, resumed, { status: next.status, error: againMessage(t, next) });
    if (next.to === 'enrol') return offerEnrolment(ctx, deps, interaction, resumed, next.amr);
    // A step-up keeps what the session's own sign-in proved.
    const sessionAmr = interaction.session?.accountId === person._id ? sessionAmrOf(ctx) : undefined;
    // An essential acr was aimed at when the sign-in began: elevated then means the AOD context.
    const request = acrRequestOf(interaction.params);
    const elevated = progress.context === 'AOD' || (!request.essential && request.elevated);
    return ends.finishSignIn(ctx, person, next.amr, { elevated, ...(sessionAmr ? { sessionAmr } : {}) });
  };
}

/** POST /resend — a new code for the step under way. */
export function resendCode({ pages, factorSteps }: Steps) {
  return async (ctx: Context) => {
    const { interaction, resumed, t } = resumedOf(ctx);
    try {
      await factorSteps.resend(ctx, resumed);
    } catch (error) {
      if (!(error instanceof GatehouseError) || !error.expose) throw error;
      return pages.challenge(ctx, resumed, { status: error.status, error: error.messageKey ? t(error.messageKey, error.messageParams) : error.message });
    }
    ctx.status = 303;
    ctx.redirect(`/interaction/${interaction.uid}`);
  };
}
