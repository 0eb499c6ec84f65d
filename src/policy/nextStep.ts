import type { Verdict } from '../factors/Verdict.ts';
import { sameStep, type StepRef } from './permittedSteps.ts';
import type { Plan, PolicyContext } from './types.ts';

/** Where a sign-in goes once the password is passed: refused, done (nothing more is asked), or on to the plan's challenge. */
export type FirstStep = { to: 'denied' } | { to: 'finish' } | { to: 'challenge'; step: StepRef };

/** Where a sign-in goes after a factor's verdict. */
export type NextStep =
  | { to: 'finish'; amr: readonly string[] }
  /** The plan's enrolment: rule 6's stand-in was passed, or a factor ranked below the one offered; the person is offered its set-up, then finishes. */
  | { to: 'enrol'; amr: readonly string[] }
  /** The same step again: with a message key for the person (status 401), or the lock (429). */
  | { to: 'again'; status: 401; message: string }
  | { to: 'again'; status: 429; lock: { until?: number; byAddress?: true } };

export function firstStep(plan: Plan): FirstStep {
  if (plan.denied) return { to: 'denied' };
  if (!plan.secondFactorRequired || !plan.challenge) return { to: 'finish' };
  return { to: 'challenge', step: { factor: plan.challenge.factor, ...(plan.challenge.channel ? { channel: plan.challenge.channel } : {}) } };
}

/**
 * What comes after a verdict (pure). `offersEnrolment`: the sign-in may stop to set up a
 * factor (not into the account page, whose first section offers the same setup).
 */
export function nextStep(plan: Plan, progress: { context: PolicyContext; step: StepRef }, verdict: Verdict, options: { offersEnrolment: boolean }): NextStep {
  switch (verdict.outcome) {
    case 'success': {
      // Rule 6's enrolment follows the challenge (the stand-in); a lower factor's, the steps it names.
      const offeredAfter = plan.enrolment?.after ?? (plan.enrolment && plan.challenge ? [plan.challenge] : []);
      const leadsToEnrolment = offeredAfter.some((step) => sameStep(progress.step, step));
      if (leadsToEnrolment && progress.context === 'MFA' && options.offersEnrolment) return { to: 'enrol', amr: verdict.amr };
      return { to: 'finish', amr: verdict.amr };
    }
    case 'locked':
      return { to: 'again', status: 429, lock: { ...(verdict.until !== undefined ? { until: verdict.until } : {}), ...(verdict.byAddress ? { byAddress: true } : {}) } };
    case 'malformed':
      return { to: 'again', status: 401, message: 'verdict.malformed' };
    case 'retry':
      return { to: 'again', status: 401, message: `verdict.${verdict.reason}` };
    case 'not-applicable':
      return { to: 'again', status: 401, message: 'denied.noFactor' };
  }
}
