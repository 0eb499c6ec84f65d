import type { Context } from 'koa';
import { signInAllowedFrom } from '../directory/signInAllowedFrom.ts';
import { passwordAttempt } from '../factors/attempts/attemptKey.ts';
import { limitAttempts } from '../factors/attempts/limitAttempts.ts';
import { retryRuleOf } from '../factors/attempts/retryRuleOf.ts';
import type { MessageKey } from '../i18n/messages.en.ts';
import { acrRequestOf, aimOf } from '../oidc/acr.ts';
import { isPermitted } from '../policy/permittedSteps.ts';
import type { SignInEnds } from './finishSignIn.ts';
import { InteractionExpiredError } from './InteractionExpiredError.ts';
import { languageOf, signInOf } from './loadSignIn.ts';
import { lockMessage, type SignInPages } from './signInPages.ts';
import type { SignInDependencies } from './SignInDependencies.ts';

const passkeyStep = { factor: 'DeviceAuth' };

/**
 * POST /passkey — "Sign in with a passkey": the browser's discoverable credential, with
 * user verification, stands for the password and the second factor of a class whose plan
 * asks for Device Auth in the context this sign-in aims at (MFA, or AOD when elevated
 * access is asked for). The person it names must be enabled, inside their IP group, not
 * locked out of the password or Device Auth, and have no temporary password to replace.
 * An unknown passkey, another person's, a disabled person and an address outside the IP
 * group all get one answer; failures count on Device Auth under the class's retry limits.
 */
export function passkeySignIn(deps: Pick<SignInDependencies, 'persons' | 'attempts' | 'ipGroups' | 'factorServices' | 'logger'>, { pages, ends }: { pages: SignInPages; ends: SignInEnds }) {
  const { persons, attempts, ipGroups, logger } = deps;
  const { passkeyFirst } = deps.factorServices.webauthn;

  return async (ctx: Context) => {
    const signIn = signInOf(ctx);
    const { interaction, t } = signIn;
    if (interaction.prompt.name !== 'login') throw new InteractionExpiredError();
    const now = Date.now();
    const refuse = (status: number, key: MessageKey) => pages.login(ctx, { status, error: t(key) });
    const locked = (lock: { until?: number; byAddress?: true }) => pages.login(ctx, { status: 429, error: lockMessage(t, lock) });
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;

    const offered = await passkeyFirst.offered(typeof body.webauthnResponse === 'string' ? body.webauthnResponse : '');
    if (offered === 'malformed') return refuse(400, 'signin.passkey.malformed');
    const person = offered ? await persons.findBySub(offered.personId) : null;
    if (!offered || !person || !person.enabled || !(await signInAllowedFrom(person, ctx.ip, ipGroups))) {
      logger.info({ uid: interaction.uid, ...(person ? { sub: person._id } : {}) }, 'passkey sign-in refused: unknown passkey, disabled person or address outside the IP group');
      return refuse(401, 'signin.passkey.refused');
    }
    if (person.temporaryPassword) return refuse(403, 'signin.passkey.temporaryPassword');

    const mfa = await persons.planFor(person, 'MFA', now);
    // The passkey stands for the password, not around its lock.
    const passwordLock = await attempts.status(person._id, passwordAttempt(ctx.ip), retryRuleOf(mfa.policy), now, { address: ctx.ip });
    if (passwordLock.locked) return locked({ ...(passwordLock.until ? { until: passwordLock.until.getTime() } : {}), ...(passwordLock.byAddress ? { byAddress: true as const } : {}) });

    const request = acrRequestOf(interaction.params);
    const aod = request.elevated ? await persons.planFor(person, 'AOD', now) : undefined;
    const aim = aimOf(request, { mfa: mfa.plan.secondFactorRequired, aod: aod?.plan.secondFactorRequired ?? false });
    if ('unmet' in aim) return ends.unmetAcr(ctx, aim.unmet);
    const { plan, policy } = aim.elevated && aod?.plan.secondFactorRequired ? aod : mfa;
    if (!isPermitted(plan, passkeyStep)) {
      const lock = plan.skipped.find((skipped) => skipped.factor === passkeyStep.factor && skipped.reason === 'locked');
      return lock ? locked(lock.lockedUntil ? { until: lock.lockedUntil } : {}) : refuse(403, 'signin.passkey.notEnough');
    }

    const attempt = { personId: person._id, factor: passkeyStep.factor, rule: retryRuleOf(policy), now, origin: { address: ctx.ip } };
    const verdict = await limitAttempts(attempts, attempt, () => passkeyFirst.verify(person, offered, interaction.uid, interaction.exp * 1000, now));
    if (verdict.outcome === 'locked') return locked(verdict);
    if (verdict.outcome !== 'success') return refuse(401, 'signin.passkey.refused');
    ctx.state.signIn = { ...signIn, ...languageOf(ctx, interaction, person) };
    logger.info({ sub: person._id, uid: interaction.uid }, 'signed in with a passkey');
    await ends.finishSignIn(ctx, person, verdict.amr, { elevated: aim.elevated, noProgress: true, withoutPassword: true });
  };
}
