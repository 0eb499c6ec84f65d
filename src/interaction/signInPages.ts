import type { Context } from 'koa';
import { mustFactor } from '../factors/index.ts';
import { stepLinks } from '../factors/stepLinks.ts';
import type { FactorContext } from '../factors/Factor.ts';
import { codeMessage } from '../factors/otp/codeMessage.ts';
import { renderPage } from '../http/renderPage.ts';
import { formatWait } from '../i18n/formatWait.ts';
import { lockMessage } from '../i18n/lockMessage.ts';
import type { Translate } from '../i18n/translate.ts';
import type { MessageKey } from '../i18n/messages.en.ts';
import type { NextStep } from '../policy/nextStep.ts';
import { enrollingFactor } from './enrollingFactor.ts';
import { languageOf, signInOf, type Interaction, type Resumed } from './loadSignIn.ts';
import type { SignInDependencies } from './SignInDependencies.ts';

type PageExtra = { error?: string; status?: number };

/** Renders an interaction page, never cached; its forms carry the interaction's CSRF token. */
export async function renderSignInPage(ctx: Context, view: string, status: number, data: Record<string, unknown> & { title: string }) {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = await renderPage(view, { ...data, csrf: ctx.state.csrf as string });
}

export { lockMessage };

/** The sentence for a step asked again: the verdict's message, or the lock's. */
export const againMessage = (t: Translate, next: Extract<NextStep, { to: 'again' }>) => (next.status === 429 ? lockMessage(t, next.lock) : t(next.message as MessageKey));

/** What a factor's step is given: the sign-in's person, class, step and language. */
export function factorContextOf(ctx: Context, deps: Pick<SignInDependencies, 'factorServices'>, interaction: Interaction, resumed: Pick<Resumed, 'person' | 'policy' | 'progress'>, now = Date.now()): FactorContext {
  // The page's language, the person's once known (loadSignIn and the steps that find the person set it).
  const locale = signInOf(ctx).locale as 'en' | 'es';
  return {
    person: resumed.person,
    policy: resumed.policy,
    step: resumed.progress.step,
    interactionUid: interaction.uid,
    now,
    services: deps.factorServices,
    codeMessage: (code) => codeMessage(locale, code, deps.factorServices.oneTimeCodes.lifetimeMinutes),
  };
}

/** The sign-in's pages: what each step shows. */
export function createSignInPages(deps: Pick<SignInDependencies, 'provider' | 'factorServices' | 'persons'>) {
  const clientName = async (interaction: Interaction) => {
    const clientId = interaction.params.client_id as string;
    return (await deps.provider.Client.find(clientId))?.clientName ?? clientId;
  };

  return {
    clientName,

    async login(ctx: Context, extra: PageExtra & { username?: string } = {}) {
      const { interaction } = signInOf(ctx);
      const { t, locale } = languageOf(ctx, interaction);
      await renderSignInPage(ctx, 'interaction/login', extra.status ?? 200, {
        title: t('signin.title'),
        lang: locale,
        t,
        uid: interaction.uid,
        clientName: await clientName(interaction),
        username: extra.username ?? (interaction.params.login_hint as string | undefined) ?? '',
        error: extra.error,
        // "Sign in with a passkey": a challenge bound to this sign-in, nothing stored until it is answered.
        passkeyOptions: JSON.stringify(await deps.factorServices.webauthn.passkeyFirst.options(interaction.uid)),
      });
    },

    /** The step under way: its factor's partial, "try another way", and what is accepted alongside it as links. */
    async challenge(ctx: Context, resumed: Resumed, extra: PageExtra = {}) {
      const { interaction, t, locale } = signInOf(ctx);
      const { person, progress, plan } = resumed;
      const factor = mustFactor(progress.step.factor, 'sign-in');
      const view = await factor.present(factorContextOf(ctx, deps, interaction, resumed), progress.state ?? {});
      const { others, alongside } = stepLinks(plan, progress.step, factor);
      await renderSignInPage(ctx, 'interaction/challenge', extra.status ?? 200, {
        title: t('challenge.title'),
        lang: locale,
        t,
        uid: interaction.uid,
        lead: t('challenge.lead', { name: [person.firstName, person.familyName].filter(Boolean).join(' ') || person.defaultUserId, client: await clientName(interaction) }),
        partial: factor.partial,
        view,
        // Where the factor's own forms post (its partial serves the password reset too).
        base: `/interaction/${interaction.uid}`,
        error: extra.error,
        anotherWay: others.length > 0,
        alongside,
      });
    },

    /** The plan refuses sign-in: why, and (for a timed lock) the way back. No result reaches the provider. */
    async denied(ctx: Context, resumed: Pick<Resumed, 'plan'>) {
      const { interaction, t, locale } = signInOf(ctx);
      const denied = resumed.plan.denied!;
      const message =
        denied.reason === 'locked' ? (denied.lockedUntil ? t('denied.locked', { wait: formatWait(t, denied.lockedUntil, Date.now()) }) : t('denied.lockedAdmin')) : t('denied.noFactor');
      // A timed lock ends: the person may come back to this page and try again.
      const retry = denied.reason === 'locked' && denied.lockedUntil !== undefined;
      await renderSignInPage(ctx, 'interaction/denied', 403, { title: t('denied.title'), lang: locale, t, uid: interaction.uid, message, retry });
    },

    /** The person signed in with a temporary password: their own, typed twice, before anything else. */
    async newPassword(ctx: Context, resumed: Pick<Resumed, 'person'>, extra: PageExtra = {}) {
      const { interaction, t, locale } = signInOf(ctx);
      await renderSignInPage(ctx, 'interaction/newPassword', extra.status ?? 200, {
        title: t('signin.newPassword.title'),
        lang: locale,
        t,
        uid: interaction.uid,
        clientName: await clientName(interaction),
        username: resumed.person.defaultUserId,
        minimumLength: deps.persons.passwordRules.minimumLength,
        error: extra.error,
      });
    },

    /** The plan's enrolment offer (rule 6, or a factor ranked above the one passed): the factor's set-up (for TOTP: the QR code, the key; for a passkey: its name) and what confirms it, or go on without it. */
    async enrolment(ctx: Context, resumed: Resumed, extra: PageExtra = {}) {
      const { interaction, t, locale } = signInOf(ctx);
      const factor = enrollingFactor(resumed);
      const view = await factor.enrolment.present(factorContextOf(ctx, deps, interaction, resumed), resumed.progress.enrolment!.candidate);
      const { messages } = factor.enrolment;
      await renderSignInPage(ctx, 'interaction/enrol', extra.status ?? 200, {
        title: t(messages.title as MessageKey),
        lead: t(messages.lead as MessageKey),
        lang: locale,
        t,
        uid: interaction.uid,
        partial: factor.enrolment.partial,
        view,
        client: await clientName(interaction),
        error: extra.error,
      });
    },
  };
}

export type SignInPages = ReturnType<typeof createSignInPages>;
