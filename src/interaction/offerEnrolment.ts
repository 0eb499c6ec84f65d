import type { Context } from 'koa';
import { enrollingFactor } from './enrollingFactor.ts';
import type { Interaction, Resumed } from './loadSignIn.ts';
import { factorContextOf } from './signInPages.ts';
import type { SignInDependencies } from './SignInDependencies.ts';

/**
 * The second factor is passed and the plan offers a set-up (nextStep said `enrol`): the
 * factor's offer is kept with the progress, with the amr already earned, and the page
 * shows it (the sign-in finishes from there, with or without the set-up).
 */
export async function offerEnrolment(ctx: Context, deps: Pick<SignInDependencies, 'factorServices' | 'progress'>, interaction: Interaction, resumed: Resumed, amr: readonly string[]): Promise<void> {
  const factor = enrollingFactor(resumed);
  const candidate = await factor.enrolment.offer(factorContextOf(ctx, deps, interaction, resumed));
  await deps.progress.save({ ...resumed.progress, enrolment: { factor: factor.id, candidate, amr: [...amr] } });
  ctx.status = 303;
  ctx.redirect(`/interaction/${interaction.uid}`);
}
