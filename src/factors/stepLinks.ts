import { permittedSteps, stepKey, type StepRef } from '../policy/permittedSteps.ts';
import type { Plan } from '../policy/types.ts';
import type { Factor } from './Factor.ts';
import { factorOf } from './index.ts';

/**
 * What a step's page offers besides its own form, at sign-in and in a reset alike: the
 * plan's other steps ("try another way"), and the factors accepted alongside this one
 * (emergency tokens where TOTP is asked) as links of their own.
 */
export function stepLinks(plan: Plan, step: StepRef, factor: Factor): { others: StepRef[]; alongside: { factor: string; label: string }[] } {
  const others = permittedSteps(plan).filter((other) => stepKey(other) !== stepKey(step));
  const alongside = others.flatMap((other) => {
    const offered = factorOf(other.factor);
    return offered?.acceptedWith?.factor === factor.id && offered.useInsteadLabel ? [{ factor: offered.id, label: offered.useInsteadLabel }] : [];
  });
  return { others, alongside };
}
