import { describeContext } from './describeContext.ts';
import { describeStep } from './describeStep.ts';
import { lockInForce, lockedUntilOf } from './lockInForce.ts';
import { factorIds, type ClassPolicy, type FactorId, type PlannableFactor, type Plan, type PlanInput, type PlanStep, type SkippedFactor } from './types.ts';
import { formatWait } from '../i18n/formatWait.ts';
import { translator } from '../i18n/translate.ts';

/** The sentence a denied person sees, for admins (the sign-in page says it in the person's language). */
const english = translator('en');

type Candidate = { factor: FactorId; priority: number };


/**
 * The factor plan (product.md "The factor plan"): for one person, context and resolved
 * class, which step is asked first, what "try another way" offers, whether emergency
 * tokens count, and why anything was skipped or denied. Pure: time is `input.now`.
 */
export function planFactors(input: PlanInput): Plan {
  const { context, classSource, policy, person, now } = input;
  const contextName = `${context} (${describeContext(context)})`;
  const base = { context, classSource, emergencyTokensLeft: person.emergencyTokensLeft, alternatives: [], emergencyTokensAccepted: false, skipped: [] };

  if (classSource === 'never') {
    return { ...base, secondFactorRequired: false, explanation: ['The person\'s class is *NEVER: no second factor is asked in any context.'] };
  }
  if (classSource === 'no-default') {
    return {
      ...base,
      secondFactorRequired: false,
      explanation: ['The person\'s class is *DFT but the default class is not set: no second factor is asked until a default class is configured.'],
    };
  }
  if (classSource === 'missing') {
    return {
      ...base,
      secondFactorRequired: true,
      denied: { reason: 'no-usable-factor', message: 'Your account is not set up for sign-in. Please contact your administrator.' },
      explanation: [`The person's class ${input.missingClassName ?? ''} does not exist: sign-in is refused until the class is created or the person's class is changed.`.replace('  ', ' ')],
    };
  }
  if (policy === undefined) {
    throw new TypeError(`planFactors: classSource '${classSource}' needs the resolved class policy`);
  }

  const explanation = [
    classSource === 'default'
      ? `The person's class is *DFT: the default class ${policy.name} applies.`
      : `The person's class ${policy.name} applies.`,
  ];
  const withClass = { ...base, className: policy.name };

  if (policy.mfaDevice === 'N' && context === 'MFA') {
    explanation.push(`Class ${policy.name} has MFA preferred device N: no second factor at sign-in.`);
    return { ...withClass, secondFactorRequired: false, explanation };
  }

  const candidates = candidatesFor(policy, context);
  if (candidates.length === 0) {
    explanation.push(`Class ${policy.name} uses no factor for ${contextName}: no second factor is required there.`);
    return { ...withClass, secondFactorRequired: false, explanation };
  }
  explanation.push(`Candidates for ${contextName}, by priority: ${candidates.map((c) => `${c.factor} (${c.priority})`).join(', ')}.`);
  if (context === 'P-R' && policy.passwordReset.verifyBy !== 'M') {
    explanation.push(`Note: "Verify user by" is ${policy.passwordReset.verifyBy}, so password reset does not use these factors unless it is M.`);
  }

  const steps: PlanStep[] = [];
  const skipped: SkippedFactor[] = [];
  for (const candidate of candidates) {
    const outcome = assess(candidate, policy, input);
    if ('step' in outcome) steps.push(outcome.step);
    else skipped.push(outcome.skipped);
  }

  // Rule 5: a factor that may stand in for another (a one-time code for TOTP), where the class allows it.
  const standIns = input.factors.flatMap((factor) => (factor.standsInFor ? [standInOf(factor, factor.standsInFor, policy, input)] : []));
  const usableStandIn = standIns.find((standIn) => standIn.step !== undefined)?.step;

  const [challenge, ...others] = steps;
  if (challenge !== undefined) {
    const alternatives = [...others];
    for (const standIn of standIns) {
      const { factor, target, classField } = standIn;
      if (!steps.some((s) => s.factor === target) || steps.some((s) => s.factor === factor.id)) continue;
      const noun = describeStep({ factor: factor.id, amr: [] });
      if (!standIn.allowed) {
        explanation.push(`A ${noun} is not offered instead of ${target}: "${classField}" is N.`);
      } else if (standIn.step !== undefined) {
        alternatives.push(standIn.step);
        explanation.push(`A ${describeStep(standIn.step)} is offered instead of ${target} under "try another way" ("${classField}" is Y).`);
      } else {
        explanation.push(`A ${noun} cannot stand in for ${target}: ${standIn.why}.`);
      }
    }
    // Rule 5: what is accepted wherever its factor is asked (emergency tokens where TOTP is), while the person has some.
    const acceptedAlongside = input.factors.flatMap((factor) =>
      factor.acceptedWith && steps.some((s) => s.factor === factor.acceptedWith!.factor) && factor.acceptedWith.available(person) ? [{ factor: factor.id, amr: factor.amr() }] : [],
    );
    return { ...withClass, secondFactorRequired: true, challenge, alternatives, emergencyTokensAccepted: acceptedAlongside.length > 0, acceptedAlongside, skipped, explanation };
  }

  // Rule 6: nothing is usable.
  if (usableStandIn !== undefined) {
    const target = input.factors.find((factor) => factor.id === usableStandIn.factor)?.standsInFor?.factor;
    const enrollable = input.factors.find((factor) => factor.id === target && factor.enrollableDuringSignIn);
    const offerEnrolment = enrollable !== undefined && candidates.some((c) => c.factor === enrollable.id) && !enrollable.configuredFor(person, policy).usable;
    const classField = standIns.find((standIn) => standIn.step === usableStandIn)?.classField ?? '';
    explanation.push(`No candidate is usable now; because "${classField}" is Y, a ${describeStep(usableStandIn)} is the challenge.`);
    if (offerEnrolment) explanation.push(`After the code, the person is offered ${enrollable.id} enrolment (self-service).`);
    return {
      ...withClass,
      secondFactorRequired: true,
      challenge: usableStandIn,
      ...(offerEnrolment ? { enrolment: { factor: enrollable.id } } : {}),
      skipped,
      explanation,
    };
  }

  const locked = skipped.filter((s) => s.reason === 'locked');
  const why = standIns.length === 0 ? 'nothing may stand in' : standIns.map((standIn) => `a ${describeStep({ factor: standIn.factor.id, amr: [] })} cannot stand in (${standIn.allowed ? standIn.why : `"${standIn.classField}" is N`})`).join(', ');
  if (locked.length > 0) {
    const times = locked.map((s) => s.lockedUntil).filter((t): t is number => t !== undefined);
    const lockedUntil = times.length > 0 ? Math.min(...times) : undefined;
    explanation.push(
      lockedUntil === undefined
        ? `Denied: every usable factor is locked until an administrator unlocks it, and ${why}.`
        : `Denied: every usable factor is locked; the earliest lock ends at ${new Date(lockedUntil).toISOString()}, and ${why}.`,
    );
    const message =
      lockedUntil === undefined
        ? 'Too many failed attempts. Your second factor is locked until an administrator unlocks it.'
        : english('denied.locked', { wait: formatWait(english, lockedUntil, now) });
    return {
      ...withClass,
      secondFactorRequired: true,
      denied: lockedUntil === undefined ? { reason: 'locked', message } : { reason: 'locked', message, lockedUntil },
      skipped,
      explanation,
    };
  }
  explanation.push(`Denied: no candidate is usable and ${why}.`);
  return {
    ...withClass,
    secondFactorRequired: true,
    denied: {
      reason: 'no-usable-factor',
      message: 'Your account needs a second factor that is not set up. Please contact your administrator.',
    },
    skipped,
    explanation,
  };
}

/** The class's factors for a context with a priority 1–9, highest first; ties keep the screen's column order. */
function candidatesFor(policy: ClassPolicy, context: PlanInput['context']): Candidate[] {
  const row = policy.priorities[context];
  return factorIds
    .flatMap((factor) => {
      const priority = row[factor];
      return priority !== undefined && Number.isInteger(priority) && priority >= 1 && priority <= 9 ? [{ factor, priority }] : [];
    })
    .toSorted((a, b) => a.priority - b.priority);
}

/** A stand-in factor for this person and class: its step when usable, or why not. */
function standInOf(factor: PlannableFactor, standsIn: NonNullable<PlannableFactor['standsInFor']>, policy: ClassPolicy, input: PlanInput) {
  const allowed = standsIn.allowedBy(policy);
  const configured = factor.configuredFor(input.person, policy);
  const base = { factor, target: standsIn.factor, classField: standsIn.classField, allowed };
  if (!configured.usable) return { ...base, why: configured.why, step: undefined };
  if (lockInForce(input.person.locks[factor.id as FactorId], input.now)) return { ...base, why: `${factor.id} is locked`, step: undefined };
  const step: PlanStep = { factor: factor.id, ...(configured.channel ? { channel: configured.channel } : {}), amr: factor.amr(configured.channel) };
  return { ...base, why: '', step: allowed ? step : undefined };
}

function assess(candidate: Candidate, policy: ClassPolicy, input: PlanInput): { step: PlanStep } | { skipped: SkippedFactor } {
  const { factor, priority } = candidate;
  const { person, now } = input;
  const known = input.factors.find((f) => f.id === factor && f.autoSelectable);
  if (!known) return { skipped: { factor, priority, reason: 'not-available-yet', message: `${factor}: this factor is not available yet` } };
  const configured = known.configuredFor(person, policy);
  if (!configured.usable) return { skipped: { factor, priority, reason: configured.reason, message: `${factor}: ${configured.why}` } };
  const step: PlanStep = { factor, ...(configured.channel ? { channel: configured.channel } : {}), amr: known.amr(configured.channel) };

  const lock = person.locks[factor];
  if (lockInForce(lock, now)) {
    const lockedUntil = lockedUntilOf(lock);
    return lockedUntil === undefined
      ? { skipped: { factor, priority, reason: 'locked', message: `${factor}: locked after too many failures until an administrator unlocks it` } }
      : {
          skipped: {
            factor,
            priority,
            reason: 'locked',
            message: `${factor}: locked after too many failures until ${new Date(lockedUntil).toISOString()}`,
            lockedUntil,
          },
        };
  }
  return { step };
}
