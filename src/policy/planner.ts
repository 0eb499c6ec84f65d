import { describeContext } from './describeContext.ts';
import { describeStep } from './describeStep.ts';
import { lockInForce, lockedUntilOf } from './lockInForce.ts';
import { otpChannelFor, type OtpChannel } from './otpChannelFor.ts';
import { factorIds, type ClassPolicy, type FactorId, type Plan, type PlanInput, type PlanStep, type SkippedFactor } from './types.ts';
import { formatWait } from '../i18n/formatWait.ts';
import { translator } from '../i18n/translate.ts';

/** The sentence a denied person sees, for admins (the sign-in page says it in the person's language). */
const english = translator('en');

type Candidate = { factor: FactorId; priority: number };

/** RFC 8176 values each step proves; the sign-in adds "pwd" and "mfa" itself. RFC 8176 has no email value, so an emailed code is just "otp". */
export function amrFor(factor: PlanStep['factor'], channel?: PlanStep['channel']): string[] {
  if (factor === 'Qstn') return ['kba'];
  if (factor === 'OTP' && channel === 'sms') return ['sms', 'otp'];
  return ['otp'];
}

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

  const otp = otpChannelFor(policy, person);
  const steps: PlanStep[] = [];
  const skipped: SkippedFactor[] = [];
  for (const candidate of candidates) {
    const outcome = assess(candidate, policy, input, otp);
    if ('step' in outcome) steps.push(outcome.step);
    else skipped.push(outcome.skipped);
  }

  const otpLock = person.locks.OTP;
  const otpStandIn: PlanStep | undefined =
    policy.allowOtpInsteadOfTotp && otp.deliverable && !lockInForce(otpLock, now) ? { factor: 'OTP', channel: otp.channel, amr: amrFor('OTP', otp.channel) } : undefined;

  const [challenge, ...others] = steps;
  if (challenge !== undefined) {
    const alternatives = [...others];
    const totpAsked = steps.some((s) => s.factor === 'TOTP');
    if (totpAsked && !steps.some((s) => s.factor === 'OTP')) {
      if (!policy.allowOtpInsteadOfTotp) {
        explanation.push('A one-time code is not offered instead of TOTP: "Allow OTP instead of TOTP" is N.');
      } else if (otpStandIn !== undefined) {
        alternatives.push(otpStandIn);
        explanation.push(`A ${describeStep(otpStandIn)} is offered instead of TOTP under "try another way" ("Allow OTP instead of TOTP" is Y).`);
      } else {
        explanation.push(`A one-time code cannot stand in for TOTP: ${otp.deliverable ? 'OTP is locked' : otp.why}.`);
      }
    }
    const emergencyTokensAccepted = totpAsked && person.emergencyTokensLeft > 0;
    return { ...withClass, secondFactorRequired: true, challenge, alternatives, emergencyTokensAccepted, skipped, explanation };
  }

  // Rule 6: nothing is usable.
  if (otpStandIn !== undefined) {
    const offerEnrolment = candidates.some((c) => c.factor === 'TOTP') && person.totp !== 'active';
    explanation.push(
      `No candidate is usable now; because "Allow OTP instead of TOTP" is Y, a ${describeStep(otpStandIn)} is the challenge.`,
    );
    if (offerEnrolment) explanation.push('After the code, the person is offered TOTP enrolment (self-service).');
    return {
      ...withClass,
      secondFactorRequired: true,
      challenge: otpStandIn,
      ...(offerEnrolment ? { enrolment: { factor: 'TOTP' as const } } : {}),
      skipped,
      explanation,
    };
  }

  const locked = skipped.filter((s) => s.reason === 'locked');
  const why = policy.allowOtpInsteadOfTotp
    ? `a one-time code cannot stand in (${otp.deliverable ? 'OTP is locked' : otp.why})`
    : 'a one-time code cannot stand in ("Allow OTP instead of TOTP" is N)';
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

function assess(candidate: Candidate, policy: ClassPolicy, input: PlanInput, otp: OtpChannel): { step: PlanStep } | { skipped: SkippedFactor } {
  const { factor, priority } = candidate;
  const { person, now } = input;
  const skip = (reason: SkippedFactor['reason'], why: string): { skipped: SkippedFactor } => ({
    skipped: { factor, priority, reason, message: `${factor}: ${why}` },
  });

  let step: PlanStep;
  switch (factor) {
    case 'TOTP':
      if (person.totp === 'none') return skip('no-active-key', 'the person has no TOTP key');
      if (person.totp === 'pending') return skip('no-active-key', 'the key is not registered yet (no code confirmed)');
      step = { factor, amr: amrFor(factor) };
      break;
    case 'Qstn':
      if (policy.questionCount < 1) {
        return skip('not-enough-answers', `class ${policy.name} asks 0 private questions, so questions cannot be used`);
      }
      if (person.questionsAnswered < policy.questionCount) {
        return skip('not-enough-answers', `${person.questionsAnswered} of the ${policy.questionCount} private questions needed are answered`);
      }
      step = { factor, amr: amrFor(factor) };
      break;
    case 'OTP':
      if (!otp.deliverable) return skip(otp.reason, otp.why);
      step = { factor, channel: otp.channel, amr: amrFor(factor, otp.channel) };
      break;
    default:
      return skip('not-available-yet', 'this factor is not available yet');
  }

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

