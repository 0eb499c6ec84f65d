import { formatUntil } from '../../i18n/formatUntil.ts';
import { isMessageKey, type Translate } from '../../i18n/translate.ts';
import { deniedMessage, explainPlan, skippedMessage } from '../../policy/explainPlan.ts';
import { stepWords, type PlanWords, type WordParam } from '../../policy/planWords.ts';
import type { Plan } from '../../policy/types.ts';
import type { FactorLock } from './personFactorState.ts';

/** The planner's times said as a lock's end is told to persons ("14:04 UTC"), not as ISO timestamps, wherever a sentence nests them. */
function withTimesShown(sentence: PlanWords, now: number): PlanWords {
  const shown = (value: WordParam): WordParam => {
    if (typeof value !== 'object') return value;
    if ('time' in value) return formatUntil(value.time, now);
    if ('words' in value) return { words: withTimesShown(value.words, now) };
    if ('all' in value) return { all: value.all.map((each) => withTimesShown(each, now)) };
    return value;
  };
  return sentence.params ? { ...sentence, params: Object.fromEntries(Object.entries(sentence.params).map(([name, value]) => [name, shown(value)])) } : sentence;
}

/** A counted factor's name as a row of the locks table ("Private questions (Qstn)"); a factor without one of its own is said as its step. */
function factorName(t: Translate, factor: string): string {
  const key = `admin.persons.mfa.factor.${factor}`;
  if (isMessageKey(key)) return t(key);
  const words = stepWords(t, { factor });
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Option 9: a context's plan in the page's language, from the planner's codes (the words
 * of `gatehouse person plan` and the API, planMessages.*, said in the admin's language):
 * what is asked first, what else is offered, emergency tokens, enrolment, a denial as the
 * person sees it, what was skipped and why.
 */
export function personPlanShown(t: Translate, plan: Plan, now: number) {
  const step = (each: Parameters<typeof stepWords>[1]) => stepWords(t, each);
  const none = t('admin.none');
  const rows = [{ label: t('admin.persons.plan.required'), value: t(plan.secondFactorRequired ? 'admin.persons.plan.yes' : 'admin.persons.plan.no') }];
  if (plan.secondFactorRequired) {
    const left = plan.emergencyTokensLeft ?? 0;
    rows.push(
      { label: t('admin.persons.plan.challenge'), value: plan.challenge ? step(plan.challenge) : none },
      { label: t('admin.persons.plan.alternatives'), value: plan.alternatives.length > 0 ? plan.alternatives.map(step).join('; ') : none },
      { label: t('admin.persons.plan.emergency'), value: plan.emergencyTokensAccepted ? t('admin.persons.plan.emergencyAccepted', { count: left }) : t('admin.persons.plan.emergencyNot') },
    );
    const { enrolment } = plan;
    if (enrolment) {
      const value = enrolment.after
        ? t('admin.persons.plan.enrolmentAfterLower', { factor: enrolment.factor, steps: enrolment.after.map(step).join('; ') })
        : t('admin.persons.plan.enrolmentOffered', { factor: enrolment.factor });
      rows.push({ label: t('admin.persons.plan.enrolment'), value });
    }
  }
  return {
    id: `plan-${plan.context.replace('-', '').toLowerCase()}`,
    heading: `${plan.context} — ${t(`context.${plan.context}`)}`,
    rows,
    denied: deniedMessage(plan, t),
    skipped: plan.skipped.map((entry) => skippedMessage({ ...entry, why: withTimesShown(entry.why, now) }, t)),
    why: explainPlan({ notes: plan.notes.map((note) => withTimesShown(note, now)) }, t),
  };
}

/** A factor's lock in words: locked until when, until an admin unlocks, or the failures counted so far. */
export function lockShown(t: Translate, { factor, status }: FactorLock, now: number) {
  const name = factorName(t, factor);
  if (status.locked) {
    const text = status.until === undefined ? t('admin.persons.mfa.lockedAdmin') : t('admin.persons.mfa.lockedUntil', { time: formatUntil(status.until.getTime(), now) });
    return { factor, name, text, tone: 'danger', unlock: true };
  }
  if (status.failures === 0) return { factor, name, text: t('admin.persons.mfa.noFailures'), tone: 'ok', unlock: false };
  const text = status.remaining === null ? t('admin.persons.mfa.failuresNoMax', { count: status.failures }) : t('admin.persons.mfa.failures', { count: status.failures, remaining: status.remaining });
  return { factor, name, text, tone: 'warn', unlock: true };
}
