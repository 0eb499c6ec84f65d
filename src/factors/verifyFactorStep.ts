import { limitAttempts, type AttemptCounter } from './attempts/limitAttempts.ts';
import { retryRuleOf } from './attempts/retryRuleOf.ts';
import type { Factor, FactorContext, StepState } from './Factor.ts';
import type { Verdict } from './Verdict.ts';

/**
 * A factor's verify under the class's retry limits (per person and client address), and
 * what a pass proves afterwards: the one way a step is verified, at sign-in and in a
 * password reset alike, so a reset is never a way around a factor's lock.
 */
export async function verifyFactorStep(attempts: AttemptCounter, factor: Factor, ctx: FactorContext, state: StepState, input: Record<string, unknown>, address: string): Promise<Verdict> {
  const attempt = { personId: ctx.person._id, factor: factor.id, rule: retryRuleOf(ctx.policy), now: ctx.now, origin: { address } };
  const verdict = await limitAttempts(attempts, attempt, () => factor.verify(ctx, state, input));
  if (verdict.outcome === 'success') await factor.afterSuccess?.(ctx, state);
  return verdict;
}
