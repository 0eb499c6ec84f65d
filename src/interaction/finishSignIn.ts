import type { Context } from 'koa';
import type { InteractionResults } from 'oidc-provider';
import type { StoredPerson } from '../store/repositories/personRepository.ts';
import { acrRequestOf, acrValues, meetsAcrRequest, signInAmr } from '../oidc/acr.ts';
import { signInOf } from './loadSignIn.ts';
import { InteractionExpiredError } from './InteractionExpiredError.ts';
import type { SignInDependencies } from './SignInDependencies.ts';

/** The sign-in's ends: the only ways a result reaches the provider. */
export function createSignInEnds({ provider, progress, logger, signIns }: Pick<SignInDependencies, 'provider' | 'progress' | 'logger' | 'signIns'>) {
  async function finish(ctx: Context, result: InteractionResults) {
    const redirectTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(redirectTo);
  }

  /**
   * An essential acr that this sign-in cannot meet goes back to the relying party as an
   * error (OIDC Core 3.1.2.6): finishing with another acr would make the provider ask for
   * the sign-in again, forever.
   */
  async function unmetAcr(ctx: Context, description: string) {
    const { interaction } = signInOf(ctx);
    logger.info({ uid: interaction.uid, clientId: interaction.params.client_id }, 'sign-in ended: essential acr cannot be met');
    await endWithError(ctx, 'unmet_authentication_requirements', description);
  }

  /**
   * The password (or, for a step-up, the session's own sign-in) and the planned factor
   * were passed. With elevated access asked for, the acr is the elevated one; otherwise it
   * says whether a second factor was passed.
   */
  async function finishSignIn(
    ctx: Context,
    person: StoredPerson,
    factorAmr: readonly string[] | undefined,
    options: {
      elevated?: boolean;
      sessionAmr?: readonly string[];
      /** The password step saved no progress: nothing to end (a leftover of an earlier try expires with the interaction). */
      noProgress?: boolean;
      /** A passkey with user verification stood for the password and the second factor: no `pwd` in amr. */
      withoutPassword?: boolean;
    } = {},
  ) {
    const { interaction } = signInOf(ctx);
    // No token on a temporary password: its page comes first (interaction/newPasswordStep.ts).
    if (person.temporaryPassword) throw new InteractionExpiredError();
    const passed = options.withoutPassword && factorAmr ? [...factorAmr, 'mfa'] : signInAmr(factorAmr);
    const amr = [...new Set([...(options.sessionAmr ?? []), ...passed])];
    const acr = options.elevated ? acrValues.elevated : amr.includes('mfa') ? acrValues.mfa : acrValues.password;
    // The plan was aimed at the essential acr (aimOf); should the class have changed under way, the result still never loops.
    if (!meetsAcrRequest(acrRequestOf(interaction.params), acr)) return unmetAcr(ctx, 'The sign-in could not reach any of the requested acr values.');
    if (!options.noProgress) await progress.end(interaction.uid);
    await finish(ctx, { login: { accountId: person._id, amr, acr } });
    signIns.countSignIn();
  }

  /** The sign-in ends without a sign-in (cancelled, or an error for the relying party): the progress goes too. */
  async function endWithError(ctx: Context, error: string, description: string) {
    await progress.end(signInOf(ctx).interaction.uid);
    await finish(ctx, { error, error_description: description });
  }

  return { finish, unmetAcr, finishSignIn, endWithError };
}

export type SignInEnds = ReturnType<typeof createSignInEnds>;

/** The amr of the session a step-up happens in. */
export const sessionAmrOf = (ctx: Context): string[] => (signInOf(ctx).interaction.session as { amr?: string[] } | undefined)?.amr ?? ['pwd'];
