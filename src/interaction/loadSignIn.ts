import type { Context, Next } from 'koa';
import { errors } from 'oidc-provider';
import type Provider from 'oidc-provider';
import { chooseLocale, translator, type Translate } from '../i18n/translate.ts';
import type { ClassPolicy, Plan } from '../policy/types.ts';
import type { StoredPerson } from '../store/repositories/personRepository.ts';
import type { SignInProgress } from '../store/signInProgress.ts';
import { InteractionExpiredError } from './InteractionExpiredError.ts';
import type { SignInDependencies } from './SignInDependencies.ts';

export type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

/** A sign-in whose password step is done: where it stands, whose it is, and the plan for it now. */
export type Resumed = { progress: SignInProgress; person: StoredPerson; plan: Plan; policy?: ClassPolicy };

/** What every step of a request finds on ctx.state.signIn, loaded once. */
export type SignIn = {
  interaction: Interaction;
  /** Absent before the password step, or when the person was disabled or deleted meanwhile. */
  resumed?: Resumed;
  /** The page's language: the person's, else ui_locales, else Accept-Language. */
  t: Translate;
  locale: string;
};

/** The language of a sign-in page (chooseLocale's order). */
export function languageOf(ctx: Context, interaction: Interaction, person?: StoredPerson | null): { t: Translate; locale: string } {
  const locale = chooseLocale({
    ...(person?.preferredLanguage ? { preferred: person.preferredLanguage } : {}),
    ...(typeof interaction.params.ui_locales === 'string' ? { uiLocales: interaction.params.ui_locales } : {}),
    acceptLanguage: ctx.get('accept-language'),
  });
  return { t: translator(locale), locale };
}

/** A step stored before the factors kept their own state carries it on the progress itself. */
const withStepState = (progress: SignInProgress): SignInProgress => {
  if (progress.state) return progress;
  const { questionIds, sentTo, ...rest } = progress;
  return { ...rest, state: { ...(questionIds ? { questionIds } : {}), ...(sentTo ? { sentTo } : {}) } };
};

/**
 * The preamble of every sign-in request: the interaction (an ended or foreign one is an
 * expired page), and for the login prompt the progress, its person and their plan — one
 * plan per request, which every step then reads from ctx.state.signIn. The password step
 * (`resume: false`) starts a sign-in afresh and reads no progress.
 */
export function loadSignIn({ provider, progress: progressStore, persons }: Pick<SignInDependencies, 'provider' | 'progress' | 'persons'>, options: { resume: boolean } = { resume: true }) {
  return async (ctx: Context, next: Next) => {
    let interaction: Interaction;
    try {
      interaction = await provider.interactionDetails(ctx.req, ctx.res);
    } catch (error) {
      if (error instanceof errors.SessionNotFound) throw new InteractionExpiredError();
      throw error;
    }
    if (interaction.uid !== ctx.params.uid) throw new InteractionExpiredError();
    let resumed: Resumed | undefined;
    if (options.resume && interaction.prompt.name === 'login') {
      const progress = await progressStore.find(interaction.uid);
      const person = progress ? await persons.findBySub(progress.personId) : undefined;
      if (progress && person?.enabled) {
        const { plan, policy } = await persons.planFor(person, progress.context, Date.now());
        resumed = { progress: withStepState(progress), person, plan, ...(policy ? { policy } : {}) };
      }
    }
    const signIn: SignIn = { interaction, ...(resumed ? { resumed } : {}), ...languageOf(ctx, interaction, resumed?.person) };
    ctx.state.signIn = signIn;
    await next();
  };
}

export const signInOf = (ctx: Context): SignIn => ctx.state.signIn as SignIn;

/** The resumed sign-in of a step that needs one (the login prompt, the password passed), or an expired page. */
export function resumedOf(ctx: Context): SignIn & { resumed: Resumed } {
  const signIn = signInOf(ctx);
  if (signIn.interaction.prompt.name !== 'login' || !signIn.resumed) throw new InteractionExpiredError();
  return signIn as SignIn & { resumed: Resumed };
}
