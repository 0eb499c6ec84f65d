import type { Plan, PlanStep } from './types.ts';

/** A step of a sign-in: a factor, and the channel of a delivered code. */
export type StepRef = { factor: string; channel?: 'sms' | 'email' };

export const sameStep = (a: StepRef, b: StepRef): boolean => a.factor === b.factor && (a.channel ?? '') === (b.channel ?? '');

/** A step's name in forms and comparisons: "OTP.sms", "TOTP". */
export const stepKey = (step: StepRef): string => (step.channel ? `${step.factor}.${step.channel}` : step.factor);

const asRef = (step: PlanStep): StepRef => ({ factor: step.factor, ...(step.channel ? { channel: step.channel } : {}) });

/** The steps the plan lets the person take now: the challenge, "try another way", and what is accepted alongside. */
export function permittedSteps(plan: Plan): StepRef[] {
  return [plan.challenge, ...plan.alternatives, ...(plan.acceptedAlongside ?? [])].filter((step): step is PlanStep => step !== undefined).map(asRef);
}

export const isPermitted = (plan: Plan, step: StepRef): boolean => permittedSteps(plan).some((permitted) => sameStep(permitted, step));
