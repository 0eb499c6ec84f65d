import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { factorOf } from '../factors/index.ts';
import { setPageCookie } from '../http/pageCookie.ts';
import { planReset } from '../policy/resetPlan.ts';
import type { PasswordReset } from '../store/passwordResets.ts';
import { afterAnswer } from './afterAnswer.ts';
import type { ResetFlow } from './completeReset.ts';
import { codeReaches } from './codeReaches.ts';
import { resetCookie, resetVisitOf, type LoadedReset } from './loadReset.ts';
import { resetFactorContext } from './resetFactorContext.ts';
import type { ResetPages } from './resetPages.ts';
import type { ResetDependencies } from './ResetDependencies.ts';
import { ResetExpiredError } from './ResetExpiredError.ts';

/** The sign-in a reset was started from, when it is still under way (its uid is already in the sign-in page's own path). */
async function liveInteraction(provider: ResetDependencies['provider'], uid: unknown): Promise<string | undefined> {
  if (typeof uid !== 'string' || !/^[\w-]{10,64}$/.test(uid)) return undefined;
  const interaction = await provider.Interaction.find(uid);
  return interaction && interaction.prompt?.name === 'login' ? uid : undefined;
}

/**
 * GET and POST /reset — the user ID. The answer depends only on the class the user ID
 * names (an unknown one is answered as the default class, as at sign-in): a disabled
 * person, one without the channel, and an unknown user ID see the same pages in the
 * same time, and have the same attempts, as anyone of their class. Messages go out in
 * the background, so the time taken does not tell either; at most one per person per
 * resend interval, so a reset cannot be used to flood someone.
 */
export function startReset(deps: ResetDependencies, { pages, flow }: { pages: ResetPages; flow: ResetFlow }) {
  const cookieOptions = { path: '/reset', maxAgeSeconds: deps.lifetimeSeconds, secure: new URL(deps.issuer).protocol === 'https:' };

  return {
    async show(ctx: Context) {
      const id = randomBytes(32).toString('base64url');
      setPageCookie(ctx, resetCookie, id, cookieOptions);
      resetVisitOf(ctx).id = id;
      const interactionUid = await liveInteraction(deps.provider, ctx.query.interaction);
      await pages.start(ctx, interactionUid ? { interactionUid } : {});
    },

    async start(ctx: Context) {
      const visit = resetVisitOf(ctx);
      if (!visit.id) throw new ResetExpiredError();
      const { t } = visit;
      const body = (ctx.request.body ?? {}) as Record<string, unknown>;
      const username = typeof body.username === 'string' ? body.username.trim().slice(0, 256) : '';
      const interactionUid = await liveInteraction(deps.provider, body.interaction);
      if (!username) return pages.start(ctx, { status: 422, error: t('reset.userIdMissing'), ...(interactionUid ? { interactionUid } : {}) });

      const now = Date.now();
      const known = await deps.persons.findByUserId(username);
      const person = known ?? deps.unknownUser(username);
      const { plan, policy } = await deps.persons.planFor(person, 'P-R', now);
      const reset = planReset(policy);
      const record: PasswordReset = { _id: visit.id, personId: person._id, stage: 'verify', expiresAt: new Date(now + deps.lifetimeSeconds * 1000), ...(interactionUid ? { interactionUid } : {}) };
      const loaded: LoadedReset = { id: visit.id, record, person, genuine: Boolean(known?.enabled), plan, ...(policy ? { policy } : {}), reset };
      visit.loaded = loaded;
      deps.logger.info({ sub: known ? person._id : undefined, verification: reset.verification.by }, 'password reset started');

      const { verification } = reset;
      if (verification.by === 'unavailable') return pages.message(ctx, t('reset.unavailable'));
      if (verification.by === 'none') {
        await deps.resets.save(record);
        return flow.afterVerified(ctx, 'none');
      }
      if (verification.by === 'code') {
        record.step = { factor: 'OTP', channel: verification.channel };
        await deps.resets.save(record);
        // The window is claimed for every start, so that a known user ID takes no more time than another.
        const first = await firstMessageInWindow(deps, person._id, now);
        if (first && loaded.genuine && codeReaches(loaded, verification.channel)) {
          const otp = factorOf('OTP')!;
          afterAnswer(ctx, deps.logger, { message: 'password reset code could not be sent', sub: person._id }, () => otp.challenge(resetFactorContext(ctx, deps, loaded, now)));
        }
        // The code page itself, not a redirect to it: the code is sent once this answer is out, not while the next page loads.
        return pages.challenge(ctx);
      }
      // Verify M: the class's P-R factors, planned like a sign-in's (never none: a reset must verify).
      // The steps follow the person's own factors, so a known person with factors and an unknown
      // user ID (whose stand-in has none: the denied page) can be told apart here — the price of M.
      if (plan.denied || !plan.challenge) {
        await deps.resets.save(record);
        return pages.denied(ctx);
      }
      record.step = { factor: plan.challenge.factor, ...(plan.challenge.channel ? { channel: plan.challenge.channel } : {}) };
      record.state = await factorOf(record.step.factor)!.challenge(resetFactorContext(ctx, deps, loaded, now));
      await deps.resets.save(record);
      ctx.status = 303;
      ctx.redirect('/reset/step');
    },
  };
}

/** One message per person per resend interval: the first start in the window claims it. */
function firstMessageInWindow(deps: Pick<ResetDependencies, 'resets' | 'resendAfterSeconds'>, personId: string, now: number): Promise<boolean> {
  const window = Math.floor(now / (Math.max(1, deps.resendAfterSeconds) * 1000));
  return deps.resets.claim(`start:${personId}`, String(window));
}
