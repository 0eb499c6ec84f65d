import type { Context } from 'koa';
import { maskDestination } from '../delivery/maskDestination.ts';
import { factorOf, mustFactor } from '../factors/index.ts';
import { stepLinks } from '../factors/stepLinks.ts';
import { renderPage } from '../http/renderPage.ts';
import { formatWait } from '../i18n/formatWait.ts';
import type { MessageKey } from '../i18n/messages.en.ts';
import { permittedSteps } from '../policy/permittedSteps.ts';
import { resetFactorContext } from './resetFactorContext.ts';
import { loadedResetOf, resetVisitOf } from './loadReset.ts';
import type { ResetDependencies } from './ResetDependencies.ts';

type PageExtra = { error?: string; status?: number };

/** Where "Sign in" leads when a reset is done or cancelled: the sign-in it came from, or the account page. */
export const signInPathOf = (record: { interactionUid?: string } | undefined) => (record?.interactionUid ? `/interaction/${record.interactionUid}` : '/account');

/** A reset page, never cached; its forms carry the reset's CSRF token. */
export async function renderResetPage(ctx: Context, deps: Pick<ResetDependencies, 'formTokens'>, view: string, status: number, data: Record<string, unknown> & { title: string }) {
  const { t, locale, id } = resetVisitOf(ctx);
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = await renderPage(`reset/${view}`, { lang: locale, t, csrf: id ? deps.formTokens.tokenFor(`reset:${id}`) : '', base: '/reset', ...data });
}

/** The reset's pages: what each stage shows. */
export function createResetPages(deps: Pick<ResetDependencies, 'formTokens' | 'factorServices' | 'keepCurrentDevice'>) {
  return {
    async start(ctx: Context, extra: PageExtra & { username?: string; interactionUid?: string } = {}) {
      const { t } = resetVisitOf(ctx);
      await renderResetPage(ctx, deps, 'start', extra.status ?? 200, { title: t('reset.title'), error: extra.error, username: extra.username ?? '', interactionUid: extra.interactionUid ?? '' });
    },

    /** A page that only says something: the reset is not offered, or cannot be verified. */
    async message(ctx: Context, message: string, status = 200) {
      const { t } = resetVisitOf(ctx);
      const record = resetVisitOf(ctx).loaded?.record;
      await renderResetPage(ctx, deps, 'message', status, { title: t('reset.title'), message, signIn: signInPathOf(record) });
    },

    /** The verification under way: a code sent to the channel on file, or the P-R factor's own partial with "try another way". */
    async challenge(ctx: Context, extra: PageExtra = {}) {
      const { t, loaded } = loadedResetOf(ctx);
      const { record, plan } = loaded;
      const step = record.step!;
      const common = { title: t('reset.verify.title'), error: extra.error, signIn: signInPathOf(record) };
      if (loaded.reset.verification.by === 'code') {
        return renderResetPage(ctx, deps, 'code', extra.status ?? 200, { ...common, channel: step.channel ?? 'email', minutes: deps.factorServices.oneTimeCodes.lifetimeMinutes });
      }
      const factor = mustFactor(step.factor, 'reset');
      const view = await factor.present(resetFactorContext(ctx, deps, loaded), record.state ?? {});
      const { others, alongside } = stepLinks(plan, step, factor);
      await renderResetPage(ctx, deps, 'challenge', extra.status ?? 200, { ...common, partial: factor.partial, view, anotherWay: others.length > 0, alongside });
    },

    /** The P-R plan refuses (nothing usable, or locked): why, and the way to the administrator. */
    async denied(ctx: Context) {
      const { t, loaded } = loadedResetOf(ctx);
      const denied = loaded.plan.denied;
      const message = denied?.reason === 'locked' ? (denied.lockedUntil ? t('reset.deniedLocked', { wait: formatWait(t, denied.lockedUntil, Date.now()) }) : t('reset.deniedLockedAdmin')) : t('reset.denied');
      await this.message(ctx, message, 403);
    },

    async anotherWay(ctx: Context) {
      const { t, loaded } = loadedResetOf(ctx);
      const options = permittedSteps(loaded.plan).map((step) => {
        const name = factorOf(step.factor)?.displayName ?? step.factor;
        const destination = (step.channel === 'sms' ? loaded.person.cellPhone : loaded.person.email) ?? '';
        return { factor: step.factor, channel: step.channel ?? '', label: step.channel ? t(`${name}.${step.channel}` as MessageKey, { destination: maskDestination(step.channel, destination) }) : t(name as MessageKey) };
      });
      await renderResetPage(ctx, deps, 'anotherWay', 200, { title: t('anotherWay.title'), options });
    },

    async choose(ctx: Context) {
      const { t, loaded } = loadedResetOf(ctx);
      await renderResetPage(ctx, deps, 'choose', 200, { title: t('reset.choose.title'), signIn: signInPathOf(loaded.record) });
    },

    async password(ctx: Context, extra: PageExtra & { minimumLength: number }) {
      const { t, loaded } = loadedResetOf(ctx);
      await renderResetPage(ctx, deps, 'password', extra.status ?? 200, { title: t('reset.password.title'), error: extra.error, minimumLength: extra.minimumLength, signIn: signInPathOf(loaded.record) });
    },

    /** The end: what was done (a temporary password shown here once), and the way to sign in. */
    async done(ctx: Context, shown?: { password: string; until?: string }) {
      const { t, loaded } = loadedResetOf(ctx);
      await renderResetPage(ctx, deps, 'done', 200, { title: t('reset.done.title'), result: loaded.record.result, shown, keptThisDevice: deps.keepCurrentDevice, signIn: signInPathOf(loaded.record) });
    },
  };
}

export type ResetPages = ReturnType<typeof createResetPages>;
