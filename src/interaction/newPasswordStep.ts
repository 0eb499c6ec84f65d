import type { Context, Next } from 'koa';
import { temporaryPasswordExpired } from '../directory/temporaryPasswordExpired.ts';
import { GatehouseError } from '../errors/GatehouseError.ts';
import type { AfterPassword } from './afterPassword.ts';
import { InteractionExpiredError } from './InteractionExpiredError.ts';
import { resumedOf, signInOf } from './loadSignIn.ts';
import type { SignInPages } from './signInPages.ts';
import type { SignInDependencies } from './SignInDependencies.ts';

type Steps = { pages: SignInPages; afterPassword: AfterPassword };

/**
 * While the person's password is a temporary one, no step of the sign-in but the new
 * password's is taken: any other form of it leads back to the page (where the person
 * chooses their own), so no code is sent and no token issued on a temporary password.
 */
export async function ownPasswordFirst(ctx: Context, next: Next) {
  const { interaction, resumed } = signInOf(ctx);
  if (resumed?.person.temporaryPassword) {
    ctx.status = 303;
    return ctx.redirect(`/interaction/${interaction.uid}`);
  }
  await next();
}

/**
 * POST /password — the person signed in with a temporary password (an admin's, or a
 * reset's sent by SMS or email) and types their own, twice, under the password rules.
 * Then the sign-in goes on as after any password: the class's factors, then the app.
 */
export function chooseOwnPassword(deps: Pick<SignInDependencies, 'persons' | 'temporaryPasswords' | 'progress'>, { pages, afterPassword }: Steps) {
  return async (ctx: Context) => {
    const { interaction, resumed, t } = resumedOf(ctx);
    const { person } = resumed;
    if (!person.temporaryPassword) {
      ctx.status = 303;
      return ctx.redirect(`/interaction/${interaction.uid}`);
    }
    const now = Date.now();
    if (temporaryPasswordExpired(person, now)) {
      await deps.progress.end(interaction.uid);
      return pages.login(ctx, { status: 401, username: person.defaultUserId, error: t('signin.newPassword.expired') });
    }
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const password = typeof body.password === 'string' ? body.password : '';
    const confirm = typeof body.confirm === 'string' ? body.confirm : '';
    if (password !== confirm) return pages.newPassword(ctx, resumed, { status: 422, error: t('reset.password.mismatch') });
    try {
      await deps.temporaryPasswords.setOwn(person, password, { actor: { kind: 'person', id: person._id, name: person.name }, reason: 'forced-change', now });
    } catch (error) {
      if (error instanceof GatehouseError && error.expose && error.status === 400) {
        return pages.newPassword(ctx, resumed, { status: 422, error: error.messageKey ? t(error.messageKey, error.messageParams) : error.message });
      }
      throw error;
    }
    const updated = await deps.persons.findBySub(person._id);
    if (!updated?.enabled) throw new InteractionExpiredError();
    return afterPassword(ctx, updated, { now, hasProgress: true });
  };
}
