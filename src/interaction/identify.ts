import type { Context } from 'koa';
import { signInAllowedFrom } from '../directory/signInAllowedFrom.ts';
import { passwordAttempt } from '../factors/attempts/attemptKey.ts';
import { retryRuleOf } from '../factors/attempts/retryRuleOf.ts';
import { formatWait } from '../i18n/formatWait.ts';
import type { StoredPerson } from '../store/repositories/personRepository.ts';
import type { AfterPassword } from './afterPassword.ts';
import { InteractionExpiredError } from './InteractionExpiredError.ts';
import { signInOf } from './loadSignIn.ts';
import { lockMessage, type SignInPages } from './signInPages.ts';
import type { SignInDependencies } from './SignInDependencies.ts';

type Steps = { pages: SignInPages; afterPassword: AfterPassword };

/**
 * POST /login — the user ID and password (and, on one screen, the authenticator code).
 * The person the user ID names — or, for a user ID nobody has, a stand-in of the default
 * class — is planned, checked and counted the same way, so that neither the time taken nor
 * the answers after some failures tell whether the user ID exists. Password failures count
 * per person and address, so failures elsewhere do not lock the person out here.
 */
export function identify(deps: SignInDependencies, { pages, afterPassword }: Steps) {
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

    // A temporary password (admin, reset): the person's own is chosen first, before any code is sent or token issued.
    if (person.temporaryPassword) {
      await deps.progress.save({ _id: interaction.uid, context: 'MFA', expiresAt: new Date(interaction.exp * 1000), personId: person._id, step: { factor: '' } });
      ctx.status = 303;
      return ctx.redirect(`/interaction/${interaction.uid}`);
    }
    return afterPassword(ctx, person, { plan: candidate._id === person._id ? candidatePlan : undefined, code, now });
  };
}
