import type { Context } from 'koa';
import type { FactorContext } from '../factors/Factor.ts';
import { chooseLocale, translator } from '../i18n/translate.ts';
import type { LoadedReset } from './loadReset.ts';
import type { ResetDependencies } from './ResetDependencies.ts';

/** The binding of a reset's codes and steps: never an interaction's uid (those are UUID-like, this is prefixed). */
export const resetBinding = (id: string) => `reset:${id}`;

/**
 * What a factor's step is given in a reset: the person, their class, the step, and a code
 * message that says it is for a password reset — in the person's language (the message
 * goes to them; the pages keep the browser's).
 */
export function resetFactorContext(_ctx: Context, deps: Pick<ResetDependencies, 'factorServices'>, loaded: LoadedReset, now = Date.now()): FactorContext {
  const t = translator(chooseLocale(loaded.person.preferredLanguage ? { preferred: loaded.person.preferredLanguage } : {}));
  const minutes = deps.factorServices.oneTimeCodes.lifetimeMinutes;
  return {
    person: loaded.person,
    policy: loaded.policy,
    step: loaded.record.step ?? { factor: '' },
    interactionUid: resetBinding(loaded.id),
    now,
    services: deps.factorServices,
    codeMessage: (code) => ({ subject: t('resetCode.subject'), text: t('resetCode.text', { code, minutes }) }),
  };
}
