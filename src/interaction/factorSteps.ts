import type { Context } from 'koa';
import { retryRuleOf } from '../factors/attempts/retryRuleOf.ts';
import { mustFactor } from '../factors/index.ts';
import { verifyFactorStep } from '../factors/verifyFactorStep.ts';
import { resendsCode } from '../factors/Factor.ts';
import type { Verdict } from '../factors/Verdict.ts';
import type { StepRef } from '../policy/permittedSteps.ts';
import type { PolicyContext } from '../policy/types.ts';
import type { SignInProgress } from '../store/signInProgress.ts';
import { signInOf, type Resumed } from './loadSignIn.ts';
import { factorContextOf } from './signInPages.ts';
import type { SignInDependencies } from './SignInDependencies.ts';

/** Starting, verifying and resending a factor's step: the factor decides, limitAttempts counts, the progress remembers. */
export function createFactorSteps(deps: Pick<SignInDependencies, 'factorServices' | 'attempts' | 'progress'>) {
  return {
    /** Starts `step` for the person (sends its code, chooses its questions) and saves where the sign-in stands. */
    async begin(ctx: Context, person: Resumed['person'], policy: Resumed['policy'], context: PolicyContext, step: StepRef): Promise<SignInProgress> {
      const { interaction } = signInOf(ctx);
      const base: SignInProgress = { _id: interaction.uid, context: context as SignInProgress['context'], expiresAt: new Date(interaction.exp * 1000), personId: person._id, step };
      const state = await mustFactor(step.factor, 'sign-in').challenge(factorContextOf(ctx, deps, interaction, { person, policy, progress: base }));
      const progress = { ...base, state };
      await deps.progress.save(progress);
      return progress;
    },

    /** The person's input against the step under way, under the class's retry limits (per person and client address). */
    async verify(ctx: Context, resumed: Pick<Resumed, 'person' | 'policy' | 'progress'>, input: Record<string, unknown>, now = Date.now()): Promise<Verdict> {
      const { interaction } = signInOf(ctx);
      const factor = mustFactor(resumed.progress.step.factor, 'sign-in');
      const factorContext = factorContextOf(ctx, deps, interaction, resumed, now);
      return verifyFactorStep(deps.attempts, factor, factorContext, resumed.progress.state ?? {}, input, ctx.ip);
    },

    /** A new code for the step under way, when its factor sends one (throttled by the factor). */
    async resend(ctx: Context, resumed: Resumed): Promise<void> {
      const { interaction } = signInOf(ctx);
      const factor = mustFactor(resumed.progress.step.factor, 'sign-in');
      if (!resendsCode(factor)) return;
      const state = await factor.resend(factorContextOf(ctx, deps, interaction, resumed), resumed.progress.state ?? {});
      await deps.progress.save({ ...resumed.progress, state });
    },

    /** Whether the step's factor is locked now for the person (the plan left it out). */
    async lockOf(resumed: Resumed, now = Date.now()): Promise<{ until?: number } | undefined> {
      const status = await deps.attempts.status(resumed.person._id, resumed.progress.step.factor, retryRuleOf(resumed.policy), now);
      if (!status.locked) return undefined;
      return status.until ? { until: status.until.getTime() } : {};
    },
  };
}

export type FactorSteps = ReturnType<typeof createFactorSteps>;
