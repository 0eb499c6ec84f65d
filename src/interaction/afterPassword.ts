import type { Context } from 'koa';
import { factors } from '../factors/index.ts';
import { acrRequestOf, aimOf } from '../oidc/acr.ts';
import { firstStep, nextStep } from '../policy/nextStep.ts';
import { isPermitted } from '../policy/permittedSteps.ts';
import type { ClassPolicy, Plan, PolicyContext } from '../policy/types.ts';
import type { StoredPerson } from '../store/repositories/personRepository.ts';
import type { FactorSteps } from './factorSteps.ts';
import { offerEnrolment } from './offerEnrolment.ts';
import type { SignInEnds } from './finishSignIn.ts';
import { languageOf, signInOf, type Resumed } from './loadSignIn.ts';
import { againMessage, type SignInPages } from './signInPages.ts';
import type { SignInDependencies } from './SignInDependencies.ts';

type Steps = { pages: SignInPages; ends: SignInEnds; factorSteps: FactorSteps };

/** The factor whose code may be typed on the sign-in page itself, with the password. */
const typedWithPassword = factors.find((factor) => factor.typedWithPassword);

export type AfterPassword = (
  ctx: Context,
  person: StoredPerson,
  options: { now: number; /** The MFA plan the password step made for this person already. */ plan?: { plan: Plan; policy?: ClassPolicy }; /** Typed with the password (one screen). */ code?: string; /** A progress record is there to end (the forced password change saved one). */ hasProgress?: boolean },
) => Promise<void>;

/**
 * The password is passed (and, for a temporary one, replaced by the person's own): the
 * plan for this sign-in, then straight to the application, to the denial, or to the first
 * factor's page — with the code typed on the sign-in page tried first, when one was.
 */
export function afterPassword(deps: Pick<SignInDependencies, 'persons' | 'progress' | 'accountClientId' | 'factorServices'>, { pages, ends, factorSteps }: Steps): AfterPassword {
  return async (ctx, person, { now, plan: mfaPlan, code, hasProgress = false }) => {
    const signIn = signInOf(ctx);
    const { interaction } = signIn;
    // Elevated access asked for at sign-in: the AOD factor is the second factor (the MFA one
    // when the class has no AOD factor, unless elevated access is essential). An essential
    // acr the class cannot reach ends here, before any code is sent.
    const request = acrRequestOf(interaction.params);
    const mfa = mfaPlan ?? (await deps.persons.planFor(person, 'MFA', now));
    const aod = request.elevated ? await deps.persons.planFor(person, 'AOD', now) : undefined;
    const aim = aimOf(request, { mfa: mfa.plan.secondFactorRequired, aod: aod?.plan.secondFactorRequired ?? false });
    if ('unmet' in aim) return ends.unmetAcr(ctx, aim.unmet);
    const { elevated } = aim;
    const context: PolicyContext = elevated && aod?.plan.secondFactorRequired ? 'AOD' : 'MFA';
    const { plan, policy } = context === 'AOD' ? aod! : mfa;
    // From here the pages speak of this person, in their language.
    const progress = { _id: interaction.uid, context, expiresAt: new Date(interaction.exp * 1000), personId: person._id, step: { factor: '' } } as Resumed['progress'];
    ctx.state.signIn = { ...signIn, ...languageOf(ctx, interaction, person) };
    const first = firstStep(plan);
    if (first.to === 'denied') return pages.denied(ctx, { plan });
    if (first.to === 'finish') return ends.finishSignIn(ctx, person, undefined, { elevated, noProgress: !hasProgress });

    // One screen (second source document): user ID, password and the authenticator code at once.
    const oneScreen = typedWithPassword ? { factor: typedWithPassword.id } : undefined;
    if (code && oneScreen && isPermitted(plan, oneScreen)) {
      const resumed: Resumed = { person, plan, ...(policy ? { policy } : {}), progress: { ...progress, step: oneScreen, state: {} } };
      const verdict = await factorSteps.verify(ctx, resumed, { code }, now);
      const next = nextStep(plan, resumed.progress, verdict, { offersEnrolment: interaction.params.client_id !== deps.accountClientId });
      // The code passed on one screen may lead to the plan's set-up offer, as on the factor's own page.
      if (next.to === 'enrol') return offerEnrolment(ctx, deps, interaction, resumed, next.amr);
      if (next.to === 'finish') return ends.finishSignIn(ctx, person, next.amr, { elevated, noProgress: !hasProgress });
      await deps.progress.save(resumed.progress);
      if (next.to === 'again') return pages.challenge(ctx, resumed, { status: next.status, error: againMessage(signInOf(ctx).t, next) });
    }

    await factorSteps.begin(ctx, person, policy, context, first.step);
    ctx.status = 303;
    ctx.redirect(`/interaction/${interaction.uid}`);
  };
}
