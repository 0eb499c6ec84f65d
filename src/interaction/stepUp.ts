import type { Context } from 'koa';
import { firstStep } from '../policy/nextStep.ts';
import { acrRequestOf, acrValues, aimOf } from '../oidc/acr.ts';
import type { FactorSteps } from './factorSteps.ts';
import { sessionAmrOf, type SignInEnds } from './finishSignIn.ts';
import { InteractionExpiredError } from './InteractionExpiredError.ts';
import { languageOf, signInOf } from './loadSignIn.ts';
import type { SignInPages } from './signInPages.ts';
import type { SignInDependencies } from './SignInDependencies.ts';

/** Elevated access inside a signed-in session: the AOD plan without the password, or back to the sign-in level. */
export function createStepUp({ persons }: Pick<SignInDependencies, 'persons'>, { pages, ends, factorSteps }: { pages: SignInPages; ends: SignInEnds; factorSteps: FactorSteps }) {
  const sessionPerson = async (ctx: Context) => {
    const person = await persons.findBySub(signInOf(ctx).interaction.session!.accountId);
    if (!person || !person.enabled) throw new InteractionExpiredError();
    return person;
  };

  return {
    /** A step-up: the AOD plan's factor, without asking the password again. */
    async begin(ctx: Context) {
      const signIn = signInOf(ctx);
      const { interaction } = signIn;
      const person = await sessionPerson(ctx);
      const now = Date.now();
      const { plan, policy } = await persons.planFor(person, 'AOD', now);
      const request = acrRequestOf(interaction.params);
      if (request.essential) {
        const aim = aimOf(request, { mfa: (await persons.planFor(person, 'MFA', now)).plan.secondFactorRequired, aod: plan.secondFactorRequired });
        if ('unmet' in aim) return ends.unmetAcr(ctx, aim.unmet);
        // An essential value below elevated access that the session lacks: the whole sign-in again.
        if (!aim.elevated) return pages.login(ctx);
      }
      ctx.state.signIn = { ...signIn, ...languageOf(ctx, interaction, person) };
      const first = firstStep(plan);
      if (first.to === 'denied') return pages.denied(ctx, { plan });
      // A class with no AOD factor asks nothing more for elevated access (unless it is essential, above).
      if (first.to === 'finish') return ends.finishSignIn(ctx, person, undefined, { elevated: true, sessionAmr: sessionAmrOf(ctx) });
      const progress = await factorSteps.begin(ctx, person, policy, 'AOD', first.step);
      return pages.challenge(ctx, { person, plan, ...(policy ? { policy } : {}), progress });
    },

    /** The session's elevated access ran out: the same sign-in again, at the sign-in level. */
    async fallBack(ctx: Context) {
      const person = await sessionPerson(ctx);
      const amr = sessionAmrOf(ctx);
      await ends.finish(ctx, { login: { accountId: person._id, amr, acr: amr.includes('mfa') ? acrValues.mfa : acrValues.password } });
    },
  };
}

export type StepUp = ReturnType<typeof createStepUp>;
