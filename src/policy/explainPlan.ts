import { formatWait } from '../i18n/formatWait.ts';
import type { Translate } from '../i18n/translate.ts';
import { wordsOf } from './planWords.ts';
import type { Plan, SkippedFactor } from './types.ts';

/** The planner's notes, one sentence each. */
export const explainPlan = (plan: Pick<Plan, 'notes'>, t: Translate): string[] => plan.notes.map((note) => wordsOf(t, note));

/** A skipped factor's reason: "TOTP: the person has no TOTP key". */
export const skippedMessage = (skipped: SkippedFactor, t: Translate): string => `${skipped.factor}: ${wordsOf(t, skipped.why)}`;

/** What a denied person is told (the sign-in page says the same in their language). */
export function deniedMessage(plan: Pick<Plan, 'denied' | 'classSource' | 'plannedAt'>, t: Translate): string | undefined {
  const { denied } = plan;
  if (!denied) return undefined;
  if (denied.reason === 'locked') return denied.lockedUntil === undefined ? t('plan.person.lockedAdmin') : t('denied.locked', { wait: formatWait(t, denied.lockedUntil, plan.plannedAt ?? Date.now()) });
  return plan.classSource === 'missing' ? t('plan.person.missingClass') : t('denied.noFactor');
}

/**
 * The plan as the admin API and `gatehouse person plan --json` give it: the codes said in
 * one language (`explanation`, each skipped factor's and the denial's `message`).
 */
export function planInWords(plan: Plan, t: Translate) {
  const { notes: _notes, plannedAt: _plannedAt, skipped, denied, ...rest } = plan;
  const message = deniedMessage(plan, t);
  return {
    ...rest,
    skipped: skipped.map((entry) => {
      const { why: _why, ...shown } = entry;
      return { ...shown, message: skippedMessage(entry, t) };
    }),
    ...(denied ? { denied: { ...denied, message: message! } } : {}),
    explanation: explainPlan(plan, t),
  };
}

export type PlanInWords = ReturnType<typeof planInWords>;
