import type { Context } from 'koa';
import { emergencyTokensDownload } from '../factors/emergency/emergencyTokensFile.ts';
import { otpauthIssuerFor } from '../factors/totp/otpauthUri.ts';
import { retryMessageKey } from '../factors/Verdict.ts';
import type { SignInEnds } from './finishSignIn.ts';
import { InteractionExpiredError } from './InteractionExpiredError.ts';
import { resumedOf } from './loadSignIn.ts';
import { lockMessage, renderSignInPage, type SignInPages } from './signInPages.ts';
import type { SignInDependencies } from './SignInDependencies.ts';

/** The sign-in in its enrolment step (the second factor is passed), or an expired page. */
const enrolling = (ctx: Context) => {
  const signIn = resumedOf(ctx);
  const enrolment = signIn.resumed.progress.enrolment;
  if (!enrolment) throw new InteractionExpiredError();
  return { ...signIn, enrolment };
};

/** POST /enrol — rule 6: one code from the app just set up confirms the key; the new emergency tokens are shown once. */
export function confirmEnrolment(deps: Pick<SignInDependencies, 'totpSelfService' | 'progress' | 'logger' | 'issuer'>, { pages, ends }: { pages: SignInPages; ends: SignInEnds }) {
  return async (ctx: Context) => {
    const { interaction, resumed, enrolment, t, locale } = enrolling(ctx);
    const { person, progress, policy } = resumed;
    if (enrolment.confirmed) return ends.finishSignIn(ctx, person, enrolment.amr);
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const outcome = await deps.totpSelfService.confirm(person, enrolment.candidate, typeof body.code === 'string' ? body.code : '', policy, Date.now(), { address: ctx.ip });
    if (outcome.outcome !== 'success') {
      const error = outcome.outcome === 'stale' ? t('enrol.keyChanged') : outcome.outcome === 'locked' ? lockMessage(t, outcome) : t(retryMessageKey(outcome));
      return pages.enrolment(ctx, resumed, { status: outcome.outcome === 'locked' ? 429 : outcome.outcome === 'stale' ? 409 : 422, error });
    }
    await deps.progress.save({ ...progress, enrolment: { ...enrolment, confirmed: true } });
    deps.logger.info({ sub: person._id, newTokens: outcome.newTokens.length }, 'authenticator app set up during sign-in');
    // The new emergency tokens are shown here once (never stored plain); the person then goes on to the application.
    await renderSignInPage(ctx, 'interaction/enrolled', 200, {
      title: t('enrol.done.title'),
      lang: locale,
      t,
      uid: interaction.uid,
      tokens: outcome.newTokens,
      download: emergencyTokensDownload(otpauthIssuerFor(deps.issuer), person.defaultUserId, outcome.newTokens),
      client: await pages.clientName(interaction),
    });
  };
}

/** POST /enrol/continue — on to the application, with or without the new key. */
export function continueAfterEnrolment({ logger }: Pick<SignInDependencies, 'logger'>, { ends }: { ends: SignInEnds }) {
  return async (ctx: Context) => {
    const { resumed, enrolment } = enrolling(ctx);
    logger.info({ sub: resumed.person._id }, enrolment.confirmed ? 'sign-in continues after enrolment' : 'TOTP enrolment skipped at sign-in');
    await ends.finishSignIn(ctx, resumed.person, enrolment.amr);
  };
}
