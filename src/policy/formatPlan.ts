import { translator, type Translate } from '../i18n/translate.ts';
import { deniedMessage, explainPlan } from './explainPlan.ts';
import { stepWords, wordsOf } from './planWords.ts';
import type { Plan } from './types.ts';

/**
 * The plan in words for admins (`gatehouse person plan`, option 9 of the admin view): one
 * fact per line, then the planner's explanation. Times are ISO timestamps in UTC.
 */
export function formatPlan(plan: Plan, t: Translate = translator('en')): string {
  const describeStep = (step: Parameters<typeof stepWords>[1]) => stepWords(t, step);
  const lines = [`Context ${plan.context} (${t(`context.${plan.context}`)}) — ${describeClass(plan)}`];

  if (!plan.secondFactorRequired) {
    lines.push('Second factor: not required');
  } else {
    lines.push(`Challenge: ${plan.challenge === undefined ? '(none)' : describeStep(plan.challenge)}`);
    lines.push(`Try another way: ${plan.alternatives.length === 0 ? '(none)' : plan.alternatives.map(describeStep).join('; ')}`);
    lines.push(`Emergency tokens: ${describeEmergencyTokens(plan)}`);
    lines.push(`Enrolment: ${describeEnrolment(plan, describeStep)}`);
    if (plan.denied !== undefined) {
      const until =
        plan.denied.reason !== 'locked'
          ? ''
          : plan.denied.lockedUntil === undefined
            ? ' until an administrator unlocks'
            : ` until ${new Date(plan.denied.lockedUntil).toISOString()}`;
      lines.push(`Denied: ${plan.denied.reason}${until} — the person sees "${deniedMessage(plan, t)}"`);
    }
  }
  if (plan.skipped.length === 0) lines.push('Skipped: (none)');
  for (const skipped of plan.skipped) lines.push(`Skipped: ${skipped.factor} (priority ${skipped.priority}) — ${wordsOf(t, skipped.why)}`);
  for (const sentence of explainPlan(plan, t)) lines.push(`Why: ${sentence}`);
  return lines.join('\n');
}

function describeClass(plan: Plan): string {
  switch (plan.classSource) {
    case 'never':
      return 'class *NEVER';
    case 'no-default':
      return 'class *DFT (the default class is not set)';
    case 'missing':
      return 'a class that does not exist';
    case 'default':
      return `default class ${plan.className ?? '(unnamed)'} (*DFT)`;
    default:
      return plan.className === undefined ? 'class (unknown)' : `class ${plan.className}`;
  }
}

function describeEmergencyTokens(plan: Plan): string {
  const left = plan.emergencyTokensLeft === undefined ? '' : ` (${plan.emergencyTokensLeft} left)`;
  if (plan.emergencyTokensAccepted) return `accepted${left}`;
  const totpAsked = plan.challenge?.factor === 'TOTP' || plan.alternatives.some((s) => s.factor === 'TOTP');
  if (totpAsked) return `not accepted (none left)`;
  return 'not accepted (TOTP is not asked)';
}

/** Rule 6's offer follows the one-time code; a lower factor's, the steps it names. */
function describeEnrolment(plan: Plan, describeStep: (step: NonNullable<Plan['challenge']>) => string): string {
  const { enrolment } = plan;
  if (enrolment === undefined) return '(none)';
  if (enrolment.after === undefined) return `${enrolment.factor} offered after the one-time code`;
  return `${enrolment.factor} offered after ${enrolment.after.map((step) => describeStep({ ...step, amr: [] })).join(' or ')} (ranked below it; the person has none)`;
}
