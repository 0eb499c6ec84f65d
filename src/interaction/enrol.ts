import type { Context } from 'koa';
import { retryMessageKey } from '../factors/Verdict.ts';
import type { MessageKey } from '../i18n/messages.en.ts';
import type { SignInEnds } from './finishSignIn.ts';
import { InteractionExpiredError } from './InteractionExpiredError.ts';
import { enrollingFactor } from './enrollingFactor.ts';
import { resumedOf } from './loadSignIn.ts';
import { factorContextOf, lockMessage, renderSignInPage, type SignInPages } from './signInPages.ts';
import type { SignInDependencies } from './SignInDependencies.ts';

/** The sign-in in its enrolment step (the second factor is passed), or an expired page. */
const enrolling = (ctx: Context) => {
  const signIn = resumedOf(ctx);
  const enrolment = signIn.resumed.progress.enrolment;
  if (!enrolment) throw new InteractionExpiredError();
  return { ...signIn, enrolment, factor: enrollingFactor(signIn.resumed) };
};

/** POST /enrol — the person confirms the set-up offered (rule 6, or a factor ranked above the one passed); what it makes (new emergency tokens) is shown once. */
export function confirmEnrolment(deps: Pick<SignInDependencies, 'progress' | 'logger' | 'factorServices'>, { pages, ends }: { pages: SignInPages; ends: SignInEnds }) {
  return async (ctx: Context) => {
    const { interaction, resumed, enrolment, factor, t, locale } = enrolling(ctx);
    const { person, progress } = resumed;
    if (enrolment.confirmed) return ends.finishSignIn(ctx, person, enrolment.amr);
    const outcome = await factor.enrolment.confirm(factorContextOf(ctx, deps, interaction, resumed), enrolment.candidate, (ctx.request.body ?? {}) as Record<string, unknown>, ctx.ip);
    if (outcome.outcome !== 'success') {
      const error = outcome.outcome === 'stale' ? t(factor.enrolment.messages.stale as MessageKey) : outcome.outcome === 'locked' ? lockMessage(t, outcome) : t(retryMessageKey(outcome));
      return pages.enrolment(ctx, resumed, { status: outcome.outcome === 'locked' ? 429 : outcome.outcome === 'stale' ? 409 : 422, error });
    }
    await deps.progress.save({ ...progress, enrolment: { ...enrolment, confirmed: true } });
    deps.logger.info({ sub: person._id, factor: factor.id }, 'factor set up during sign-in');
    // What the set-up made is shown here once (never stored plain); the person then goes on to the application.
    await renderSignInPage(ctx, 'interaction/enrolled', 200, {
      title: t(factor.enrolment.messages.doneTitle as MessageKey),
      lead: t(factor.enrolment.messages.doneLead as MessageKey),
      lang: locale,
      t,
      uid: interaction.uid,
      partial: factor.enrolment.donePartial,
      view: outcome.shownOnce,
      client: await pages.clientName(interaction),
    });
  };
}

/** POST /enrol/continue — on to the application, with or without the set-up. */
export function continueAfterEnrolment({ logger }: Pick<SignInDependencies, 'logger'>, { ends }: { ends: SignInEnds }) {
  return async (ctx: Context) => {
    const { resumed, enrolment, factor } = enrolling(ctx);
    logger.info({ sub: resumed.person._id, factor: factor.id }, enrolment.confirmed ? 'sign-in continues after enrolment' : 'enrolment skipped at sign-in');
    await ends.finishSignIn(ctx, resumed.person, enrolment.amr);
  };
}
