import type { Context } from 'koa';
import { maskDestination } from '../delivery/maskDestination.ts';
import { GatehouseError } from '../errors/GatehouseError.ts';
import { factorOf } from '../factors/index.ts';
import type { MessageKey } from '../i18n/messages.en.ts';
import { permittedSteps, type StepRef } from '../policy/permittedSteps.ts';
import type { FactorSteps } from './factorSteps.ts';
import { resumedOf } from './loadSignIn.ts';
import { renderSignInPage } from './signInPages.ts';

/** GET /another-way — every step the plan permits now, named for the person (a delivered code says where it goes, masked). */
export function showAnotherWay() {
  return async (ctx: Context) => {
    const { interaction, resumed, t, locale } = resumedOf(ctx);
    const { person, plan } = resumed;
    const label = (step: StepRef) => {
      const name = factorOf(step.factor)?.displayName ?? step.factor;
      if (!step.channel) return t(name as MessageKey);
      const destination = (step.channel === 'sms' ? person.cellPhone : person.email) ?? '';
      return t(`${name}.${step.channel}` as MessageKey, { destination: maskDestination(step.channel, destination) });
    };
    const options = permittedSteps(plan).map((step) => ({ factor: step.factor, channel: step.channel ?? '', label: label(step) }));
    await renderSignInPage(ctx, 'interaction/anotherWay', 200, { title: t('anotherWay.title'), lang: locale, t, uid: interaction.uid, options });
  };
}

/** POST /another-way — start the step the person chose, if the plan permits it. */
export function chooseAnotherWay({ factorSteps }: { factorSteps: FactorSteps }) {
  return async (ctx: Context) => {
    const { interaction, resumed } = resumedOf(ctx);
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const step = permittedSteps(resumed.plan).find((candidate) => candidate.factor === body.factor && (candidate.channel ?? '') === (body.channel ?? ''));
    if (!step) throw new GatehouseError('This way of signing in is not offered to you.', { status: 400, expose: true, messageKey: 'error.factorNotOffered' });
    await factorSteps.begin(ctx, resumed.person, resumed.policy, resumed.progress.context, step);
    ctx.status = 303;
    ctx.redirect(`/interaction/${interaction.uid}`);
  };
}
