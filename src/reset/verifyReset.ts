import type { Context } from 'koa';
import { GatehouseError } from '../errors/GatehouseError.ts';
import { resendsCode } from '../factors/Factor.ts';
import { mustFactor } from '../factors/index.ts';
import { verifyFactorStep } from '../factors/verifyFactorStep.ts';
import { retryMessageKey, type Verdict } from '../factors/Verdict.ts';
import { lockMessage } from '../i18n/lockMessage.ts';
import type { Translate } from '../i18n/translate.ts';
import { isPermitted, permittedSteps } from '../policy/permittedSteps.ts';
import type { ResetFlow } from './completeReset.ts';
import { loadedResetOf, type LoadedReset } from './loadReset.ts';
import { resetFactorContext } from './resetFactorContext.ts';
import type { ResetPages } from './resetPages.ts';
import type { ResetDependencies } from './ResetDependencies.ts';
import { codeReaches } from './codeReaches.ts';
import { redirectToStep } from './redirectToStep.ts';
import { afterAnswer } from './afterAnswer.ts';

/**
 * A failed verify's sentence. A code's reasons are one sentence: "expired" or "none sent"
 * would tell that a code went to someone, so that the user ID is known.
 */
function failureMessage(t: Translate, loaded: LoadedReset, verdict: Exclude<Verdict, { outcome: 'success' }>): string {
  if (verdict.outcome === 'locked') return lockMessage(t, verdict);
  if (loaded.reset.verification.by === 'code' || verdict.outcome === 'not-applicable') return t('reset.wrongCode');
  return t(retryMessageKey(verdict));
}

/** The verification steps of a reset: the page of the step under way, its verify, a new code, and "try another way" (verify M). */
export function verifyReset(deps: ResetDependencies, { pages, flow }: { pages: ResetPages; flow: ResetFlow }) {
  const begin = async (ctx: Context, loaded: LoadedReset, step: { factor: string; channel?: 'sms' | 'email' }) => {
    loaded.record.step = step;
    loaded.record.state = await mustFactor(step.factor, 'reset').challenge(resetFactorContext(ctx, deps, loaded));
    await deps.resets.save(loaded.record);
  };

  return {
    /** GET /reset/step — wherever the reset stands. */
    async show(ctx: Context) {
      const { loaded } = loadedResetOf(ctx);
      const { stage } = loaded.record;
      if (stage === 'done') return pages.done(ctx);
      if (stage === 'choose') return pages.choose(ctx);
      if (stage === 'password') return pages.password(ctx, { minimumLength: deps.passwordMinLength });
      if (loaded.reset.verification.by === 'factors' && (loaded.plan.denied || !loaded.record.step)) return pages.denied(ctx);
      if (!loaded.record.step) return pages.message(ctx, loadedResetOf(ctx).t('reset.unavailable'));
      return pages.challenge(ctx);
    },

    /** POST /reset/verify — the code or the factor's answer, under the class's retry limits (the sign-in's own counters). */
    async verify(ctx: Context) {
      const { loaded, t } = loadedResetOf(ctx);
      const { record, plan } = loaded;
      if (record.stage !== 'verify' || !record.step) return redirectToStep(ctx);
      if (loaded.reset.verification.by === 'factors') {
        if (plan.denied) return pages.denied(ctx);
        // The plan changed under way (a lock, a new class): start again at its challenge.
        if (!isPermitted(plan, record.step)) {
          await begin(ctx, loaded, plan.challenge!);
          return pages.challenge(ctx, { status: 409, error: t('reset.planChanged') });
        }
      }
      const factor = mustFactor(record.step.factor, 'reset');
      const verdict = await verifyFactorStep(deps.attempts, factor, resetFactorContext(ctx, deps, loaded), record.state ?? {}, (ctx.request.body ?? {}) as Record<string, unknown>, ctx.ip);
      if (verdict.outcome !== 'success') return pages.challenge(ctx, { status: verdict.outcome === 'locked' ? 429 : 401, error: failureMessage(t, loaded, verdict) });
      const verifiedBy = loaded.reset.verification.by === 'code' ? (record.step.channel === 'sms' ? 'sms-code' : 'email-code') : 'factors';
      return flow.afterVerified(ctx, verifiedBy);
    },

    /** POST /reset/resend — a new code: in the background for a code to the channel on file (the page says the same either way). */
    async resend(ctx: Context) {
      const { loaded, t } = loadedResetOf(ctx);
      const { record } = loaded;
      if (record.stage !== 'verify' || !record.step) return redirectToStep(ctx);
      const factor = mustFactor(record.step.factor, 'reset');
      if (!resendsCode(factor)) return redirectToStep(ctx);
      const factorContext = resetFactorContext(ctx, deps, loaded);
      if (loaded.reset.verification.by === 'code') {
        if (loaded.genuine && codeReaches(loaded, record.step.channel ?? 'email')) {
          // A resend too soon (429) is the factor's own throttle: nothing to log.
          const resend = () => factor.resend(factorContext, record.state ?? {}).catch((error: unknown) => {
            if (!(error instanceof GatehouseError && error.status === 429)) throw error;
          });
          afterAnswer(ctx, deps.logger, { message: 'password reset code could not be sent again', sub: loaded.person._id }, resend);
        }
        return pages.challenge(ctx, { error: t('reset.codeSentAgain') });
      }
      try {
        record.state = await factor.resend(factorContext, record.state ?? {});
        await deps.resets.save(record);
      } catch (error) {
        if (!(error instanceof GatehouseError) || !error.expose) throw error;
        return pages.challenge(ctx, { status: error.status, error: error.messageKey ? t(error.messageKey, error.messageParams) : error.message });
      }
      return redirectToStep(ctx);
    },

    /** GET /reset/another-way — the other steps the P-R plan permits. */
    async anotherWay(ctx: Context) {
      const { loaded } = loadedResetOf(ctx);
      if (loaded.record.stage !== 'verify' || loaded.reset.verification.by !== 'factors') return redirectToStep(ctx);
      return pages.anotherWay(ctx);
    },

    /** POST /reset/another-way — start the step chosen, if the plan permits it. */
    async chooseAnotherWay(ctx: Context) {
      const { loaded } = loadedResetOf(ctx);
      if (loaded.record.stage !== 'verify' || loaded.reset.verification.by !== 'factors') return redirectToStep(ctx);
      const body = (ctx.request.body ?? {}) as Record<string, unknown>;
      const step = permittedSteps(loaded.plan).find((candidate) => candidate.factor === body.factor && (candidate.channel ?? '') === (body.channel ?? ''));
      if (!step) throw new GatehouseError('This way of verifying is not offered to you.', { status: 400, expose: true, messageKey: 'error.factorNotOffered' });
      await begin(ctx, loaded, step);
      return redirectToStep(ctx);
    },
  };
}
