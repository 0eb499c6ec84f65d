import { lockInForce, lockedUntilOf } from './lockInForce.ts';
import { words, type PlanWords } from './planWords.ts';
import { factorIds, type ClassPolicy, type FactorId, type PlannableFactor, type Plan, type PlanInput, type PlanStep, type SkippedFactor } from './types.ts';

type Candidate = { factor: FactorId; priority: number };

/** A stand-in factor (rule 5) for this person and class: its step when usable and allowed, or why not. */
type StandIn = { factor: PlannableFactor; target: string; classField: string; allowed: boolean; step?: PlanStep; why?: PlanWords };

const nounOf = (factor: PlannableFactor) => ({ step: { factor: factor.id } });

/**
 * The factor plan (product.md "The factor plan"): for one person, context and resolved
 * class, which step is asked first, what "try another way" offers, what is accepted
 * alongside, and why anything was skipped or denied — as codes (planWords.ts). Pure: time
 * is `input.now`; the factors are `input.factors` (factors/index.ts), none named here.
 */
export function planFactors(input: PlanInput): Plan {
  const { context, classSource, policy, person, now } = input;
  const base = { context, classSource, plannedAt: now, emergencyTokensLeft: person.emergencyTokensLeft, alternatives: [], emergencyTokensAccepted: false, skipped: [] };

  if (classSource === 'never') return { ...base, secondFactorRequired: false, notes: [words('plan.never')] };
  if (classSource === 'no-default') return { ...base, secondFactorRequired: false, notes: [words('plan.noDefault')] };
  if (classSource === 'missing') {
    return { ...base, secondFactorRequired: true, denied: { reason: 'no-usable-factor' }, notes: [words('plan.missingClass', { name: input.missingClassName ?? '' })] };
  }
  if (policy === undefined) {
    throw new TypeError(`planFactors: classSource '${classSource}' needs the resolved class policy`);
  }

  const notes = [words(classSource === 'default' ? 'plan.defaultClass' : 'plan.ownClass', { name: policy.name })];
  const withClass = { ...base, className: policy.name };

  if (policy.mfaDevice === 'N' && context === 'MFA') {
    notes.push(words('plan.deviceN', { name: policy.name }));
    return { ...withClass, secondFactorRequired: false, notes };
  }

  const candidates = candidatesFor(policy, context);
  if (candidates.length === 0) {
    notes.push(words('plan.noFactorInContext', { name: policy.name, context: { context } }));
    return { ...withClass, secondFactorRequired: false, notes };
  }
  notes.push(words('plan.candidates', { context: { context }, list: candidates.map((c) => `${c.factor} (${c.priority})`).join(', ') }));
  if (context === 'P-R' && policy.passwordReset.verifyBy !== 'M') notes.push(words('plan.verifyByNotM', { verifyBy: policy.passwordReset.verifyBy }));

  const steps: PlanStep[] = [];
  const skipped: SkippedFactor[] = [];
  for (const candidate of candidates) {
    const outcome = assess(candidate, policy, input);
    if ('step' in outcome) steps.push(outcome.step);
    else skipped.push(outcome.skipped);
  }

  // Rule 5: a factor that may stand in for another (a one-time code for TOTP), where the class allows it.
  const standIns = input.factors.flatMap((factor) => (factor.standsInFor ? [standInOf(factor, factor.standsInFor, policy, input)] : []));
  const usable = standIns.find((standIn) => standIn.allowed && standIn.step !== undefined);

  const [challenge, ...others] = steps;
  if (challenge !== undefined) {
    const alternatives = [...others];
    for (const standIn of standIns) {
      const { factor, target, classField } = standIn;
      if (!steps.some((s) => s.factor === target) || steps.some((s) => s.factor === factor.id)) continue;
      if (!standIn.allowed) {
        notes.push(words('plan.standIn.notAllowed', { noun: nounOf(factor), target, classField }));
      } else if (standIn.step !== undefined) {
        alternatives.push(standIn.step);
        notes.push(words('plan.standIn.offered', { step: { step: standIn.step }, target, classField }));
      } else {
        notes.push(words('plan.standIn.unusable', { noun: nounOf(factor), target, why: { words: standIn.why! } }));
      }
    }
    // Rule 5: what is accepted wherever its factor is asked (emergency tokens where TOTP is), while the person has some.
    const acceptedAlongside = input.factors.flatMap((factor) =>
      factor.acceptedWith && steps.some((s) => s.factor === factor.acceptedWith!.factor) && factor.acceptedWith.available(person) ? [{ factor: factor.id, amr: factor.amr() }] : [],
    );
    const enrolment = context === 'MFA' ? enrolmentAboveLower(candidates, [challenge, ...alternatives, ...acceptedAlongside], policy, input) : undefined;
    if (enrolment) notes.push(words('plan.enrolmentAfterLower', { factor: enrolment.factor, steps: { all: enrolment.after.map((step) => words('plan.stepItem', { step: { step } })) } }));
    return { ...withClass, secondFactorRequired: true, challenge, alternatives, emergencyTokensAccepted: acceptedAlongside.length > 0, acceptedAlongside, ...(enrolment ? { enrolment } : {}), skipped, notes };
  }

  // Rule 6: nothing is usable; a stand-in is the challenge, and the factor it stands in for may be set up after it.
  if (usable !== undefined) {
    const enrollable = input.factors.find((factor) => factor.id === usable.target && factor.enrollableDuringSignIn);
    const offerEnrolment = enrollable !== undefined && candidates.some((c) => c.factor === enrollable.id) && !enrollable.configuredFor(person, policy).usable;
    notes.push(words('plan.standIn.challenge', { classField: usable.classField, step: { step: usable.step! } }));
    if (offerEnrolment) notes.push(words('plan.enrolmentOffered', { factor: enrollable.id }));
    return { ...withClass, secondFactorRequired: true, challenge: usable.step!, ...(offerEnrolment ? { enrolment: { factor: enrollable.id } } : {}), skipped, notes };
  }

  const why: PlanWords =
    standIns.length === 0
      ? words('plan.why.nothingStandsIn')
      : standIns.length === 1
        ? whyNot(standIns[0]!)
        : words('plan.why.all', { items: { all: standIns.map(whyNot) } });
  const locked = skipped.filter((s) => s.reason === 'locked');
  if (locked.length > 0) {
    const times = locked.map((s) => s.lockedUntil).filter((t): t is number => t !== undefined);
    const lockedUntil = times.length > 0 ? Math.min(...times) : undefined;
    notes.push(lockedUntil === undefined ? words('plan.denied.lockedAdmin', { why: { words: why } }) : words('plan.denied.lockedUntil', { time: { time: lockedUntil }, why: { words: why } }));
    return { ...withClass, secondFactorRequired: true, denied: lockedUntil === undefined ? { reason: 'locked' } : { reason: 'locked', lockedUntil }, skipped, notes };
  }
  notes.push(words('plan.denied.noCandidate', { why: { words: why } }));
  return { ...withClass, secondFactorRequired: true, denied: { reason: 'no-usable-factor' }, skipped, notes };
}

/**
 * A factor the sign-in offers to set up after a lower-ranked one (offeredAfterLowerFactor):
 * the first such candidate the person cannot use, with the steps ranked below it. A stand-in
 * ranks where the factor it stands in for does, and what is accepted alongside a factor where
 * that factor does. Only at sign-in (MFA): a step-up or a password reset is no place to
 * stop and set something up. Rule 6 (nothing usable) is decided apart and stays as it was.
 */
function enrolmentAboveLower(candidates: Candidate[], steps: PlanStep[], policy: ClassPolicy, input: PlanInput): { factor: string; after: NonNullable<NonNullable<Plan['enrolment']>['after']> } | undefined {
  const rankOf = (id: string): number => {
    const own = candidates.findIndex((c) => c.factor === id);
    if (own >= 0) return own;
    const factor = input.factors.find((f) => f.id === id);
    const standsFor = factor?.standsInFor?.factor ?? factor?.acceptedWith?.factor;
    return standsFor === undefined ? -1 : candidates.findIndex((c) => c.factor === standsFor);
  };
  for (const [rank, candidate] of candidates.entries()) {
    const factor = input.factors.find((f) => f.id === candidate.factor && f.offeredAfterLowerFactor);
    if (!factor || factor.configuredFor(input.person, policy).usable) continue;
    const after = steps.filter((step) => rankOf(step.factor) > rank).map(({ factor: id, channel }) => ({ factor: id, ...(channel ? { channel } : {}) }));
    if (after.length > 0) return { factor: factor.id, after };
  }
  return undefined;
}

/** Why a stand-in cannot stand in: the class does not allow it, or it is not usable for the person now. */
const whyNot = (standIn: StandIn): PlanWords =>
  standIn.allowed ? words('plan.why.standInUnusable', { noun: nounOf(standIn.factor), why: { words: standIn.why! } }) : words('plan.why.standInNotAllowed', { noun: nounOf(standIn.factor), classField: standIn.classField });

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

function standInOf(factor: PlannableFactor, standsIn: NonNullable<PlannableFactor['standsInFor']>, policy: ClassPolicy, input: PlanInput): StandIn {
  const base = { factor, target: standsIn.factor, classField: standsIn.classField, allowed: standsIn.allowedBy(policy) };
  const configured = factor.configuredFor(input.person, policy);
  if (!configured.usable) return { ...base, why: configured.why };
  if (lockInForce(input.person.locks[factor.id as FactorId], input.now)) return { ...base, why: words('plan.why.locked', { factor: factor.id }) };
  return { ...base, step: { factor: factor.id, ...(configured.channel ? { channel: configured.channel } : {}), amr: factor.amr(configured.channel) } };
}

function assess(candidate: Candidate, policy: ClassPolicy, input: PlanInput): { step: PlanStep } | { skipped: SkippedFactor } {
  const { factor, priority } = candidate;
  const { person, now } = input;
  const known = input.factors.find((f) => f.id === factor && f.autoSelectable);
  if (!known) return { skipped: { factor, priority, reason: 'not-available-yet', why: words('plan.skip.notAvailableYet') } };
  const configured = known.configuredFor(person, policy);
  if (!configured.usable) return { skipped: { factor, priority, reason: configured.reason, why: configured.why } };
  const lock = person.locks[factor];
  if (lockInForce(lock, now)) {
    const lockedUntil = lockedUntilOf(lock);
    return lockedUntil === undefined
      ? { skipped: { factor, priority, reason: 'locked', why: words('plan.skip.lockedAdmin') } }
      : { skipped: { factor, priority, reason: 'locked', why: words('plan.skip.lockedUntil', { time: { time: lockedUntil } }), lockedUntil } };
  }
  return { step: { factor, ...(configured.channel ? { channel: configured.channel } : {}), amr: known.amr(configured.channel) } };
}
