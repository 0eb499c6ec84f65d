import type { Context } from 'koa';
import { signInAllowedFrom } from '../directory/signInAllowedFrom.ts';
import { passwordAttempt } from '../factors/attempts/attemptKey.ts';
import { retryRuleOf } from '../factors/attempts/retryRuleOf.ts';
import { formatWait } from '../i18n/formatWait.ts';
import { factors } from '../factors/index.ts';
import { firstStep, nextStep } from '../policy/nextStep.ts';
import { isPermitted } from '../policy/permittedSteps.ts';
import type { PolicyContext } from '../policy/types.ts';
import type { StoredPerson } from '../store/repositories/personRepository.ts';
import { acrRequestOf, aimOf } from '../oidc/acr.ts';
import type { FactorSteps } from './factorSteps.ts';
import type { SignInEnds } from './finishSignIn.ts';
import { InteractionExpiredError } from './InteractionExpiredError.ts';
import { languageOf, signInOf, type Resumed } from './loadSignIn.ts';
import { againMessage, lockMessage, type SignInPages } from './signInPages.ts';
import type { SignInDependencies } from './SignInDependencies.ts';

type Steps = { pages: SignInPages; ends: SignInEnds; factorSteps: FactorSteps };

/** The factor whose code may be typed on the sign-in page itself, with the password. */
const typedWithPassword = factors.find((factor) => factor.typedWithPassword);

/**
 * POST /login — the user ID and password (and, on one screen, the authenticator code).
 * The person the user ID names — or, for a user ID nobody has, a stand-in of the default
 * class — is planned, checked and counted the same way, so that neither the time taken nor
 * the answers after some failures tell whether the user ID exists. Password failures count
 * per person and address, so failures elsewhere do not lock the person out here.
 */
export function identify(deps: SignInDependencies, { pages, ends, factorSteps }: Steps) {
  const { persons, attempts, ipGroups, logger, unknownUser } = deps;

  /** Outside the person's IP group the answer is the same as for a wrong password: the restriction tells nobody elsewhere that the password was right. */
  const fromAllowedAddress = (ctx: Context) => async (person: StoredPerson) => {
    const allowed = await signInAllowedFrom(person, ctx.ip, ipGroups);
    if (!allowed) logger.info({ sub: person._id, ipGroup: person.ipGroup, ip: ctx.ip }, 'sign-in refused: address outside the person\'s IP group');
    return allowed;
  };

  return async (ctx: Context) => {
    const signIn = signInOf(ctx);
    const { interaction, t } = signIn;
    if (interaction.prompt.name !== 'login') throw new InteractionExpiredError();
    const now = Date.now();
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const username = typeof body.username === 'string' ? body.username.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const code = typeof body.code === 'string' ? body.code.replace(/\s/g, '') : '';

    const known = username ? await persons.findByUserId(username) : null;
    const candidate = known ?? unknownUser(username);
    const candidatePlan = await persons.planFor(candidate, 'MFA', now);
    const passwordRule = retryRuleOf(candidatePlan.policy);
    const passwordKey = passwordAttempt(ctx.ip);
    const origin = { address: ctx.ip };
    const lock = await attempts.status(candidate._id, passwordKey, passwordRule, now, origin);
    if (lock.locked) {
      if (lock.byAddress) ctx.set('Retry-After', String(Math.max(1, Math.ceil((lock.until!.getTime() - now) / 1000))));
      const error = lock.byAddress ? lockMessage(t, { until: lock.until?.getTime(), byAddress: true }) : lock.until ? t('signin.passwordLocked', { wait: formatWait(t, lock.until.getTime(), now) }) : t('signin.passwordLockedAdmin');
      return pages.login(ctx, { status: 429, username, error });
    }
    const person = username && password ? await persons.authenticate(username, password, fromAllowedAddress(ctx), known) : undefined;
    if (!person) {
      await attempts.recordFailure(candidate._id, passwordKey, passwordRule, now, origin);
      return pages.login(ctx, { status: 401, username, error: t('signin.wrongCredentials') });
    }
    // Nothing counted against the password from here: a reset would change nothing.
    if (lock.failures > 0) await attempts.recordSuccess(person._id, passwordKey);

    // Elevated access asked for at sign-in: the AOD factor is the second factor (the MFA one
    // when the class has no AOD factor, unless elevated access is essential). An essential
    // acr the class cannot reach ends here, before any code is sent.
    const request = acrRequestOf(interaction.params);
    const mfa = candidate._id === person._id ? candidatePlan : await persons.planFor(person, 'MFA', now);
    const aod = request.elevated ? await persons.planFor(person, 'AOD', now) : undefined;
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
    if (first.to === 'finish') return ends.finishSignIn(ctx, person, undefined, { elevated, noProgress: true });

    // One screen (second source document): user ID, password and the authenticator code at once.
    const oneScreen = typedWithPassword ? { factor: typedWithPassword.id } : undefined;
    if (code && oneScreen && isPermitted(plan, oneScreen)) {
      const resumed: Resumed = { person, plan, ...(policy ? { policy } : {}), progress: { ...progress, step: oneScreen, state: {} } };
      const verdict = await factorSteps.verify(ctx, resumed, { code }, now);
      if (verdict.outcome === 'success') return ends.finishSignIn(ctx, person, verdict.amr, { elevated, noProgress: true });
      await deps.progress.save(resumed.progress);
      const next = nextStep(plan, resumed.progress, verdict, { offersEnrolment: false });
      if (next.to === 'again') return pages.challenge(ctx, resumed, { status: next.status, error: againMessage(signInOf(ctx).t, next) });
    }

    await factorSteps.begin(ctx, person, policy, context, first.step);
    ctx.status = 303;
    ctx.redirect(`/interaction/${interaction.uid}`);
  };
}
