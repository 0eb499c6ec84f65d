import type { Config } from '../configuration/loadConfig.ts';
import type { Verdict } from '../factors/Factor.ts';
import type { AttemptOrigin, AttemptStatus } from '../factors/attempts/createAttemptLimiter.ts';
import type { MessageKey } from '../i18n/messages.en.ts';
import type { ClassPolicy, Plan, PlanStep, PolicyContext } from '../policy/types.ts';
import type { Services } from '../services.ts';
import type { StoredPerson } from '../store/models/personModel.ts';
import type { SignInProgress } from '../store/models/signInProgressModel.ts';

export type SignInStep = SignInProgress['step'];

export type StepOutcome =
  | { outcome: 'success'; amr: readonly string[] }
  | { outcome: 'retry'; message: MessageKey }
  | { outcome: 'locked'; until?: number; /** The client address is throttled, not the factor. */ byAddress?: true };

type Dependencies = {
  config: Config;
  services: Pick<Services, 'persons' | 'totp' | 'emergencyTokens' | 'questions' | 'oneTimeCodes' | 'attempts'>;
};

/** Retry limits of a class (none without one). */
export const retryRule = (policy: ClassPolicy | undefined) => ({ maxRetries: policy?.maxRetries ?? 0, waitSeconds: policy?.waitSeconds ?? 60 });

/** Emergency tokens stand in for TOTP, so they share its failure count and lock. */
const attemptKey = (factor: SignInStep['factor']) => (factor === 'Emergency' ? 'TOTP' : factor);

/** A locked status as the sign-in's outcome. */
const lockedOutcome = (status: AttemptStatus & { locked: true }): StepOutcome => ({
  outcome: 'locked',
  ...(status.until ? { until: status.until.getTime() } : {}),
  ...(status.byAddress ? { byAddress: true } : {}),
});

const sameStep = (a: SignInStep, b: PlanStep) => a.factor === b.factor && (a.factor !== 'OTP' || a.channel === b.channel);

/** The steps the plan lets the person take now: challenge, alternatives, and emergency tokens where accepted. */
export function permittedSteps(plan: Plan): SignInStep[] {
  const steps: SignInStep[] = [plan.challenge, ...plan.alternatives].filter((step): step is PlanStep => step !== undefined).map((step) => ({ factor: step.factor, ...(step.channel ? { channel: step.channel } : {}) }));
  if (plan.emergencyTokensAccepted) steps.push({ factor: 'Emergency' });
  return steps;
}

export function isPermitted(plan: Plan, step: SignInStep): boolean {
  if (step.factor === 'Emergency') return plan.emergencyTokensAccepted;
  return [plan.challenge, ...plan.alternatives].some((planned) => planned !== undefined && sameStep(step, planned));
}

/**
 * The second-factor part of the sign-in: starting a step (sending a code, choosing
 * questions) and verifying what the person typed, with the class's retry limits around
 * every verify. The factors decide; this only connects them to the plan.
 */
export function createSecondFactor({ config, services }: Dependencies) {
  const { persons, totp, emergencyTokens, questions, oneTimeCodes, attempts } = services;

  async function verifyFactor(person: StoredPerson, progress: SignInProgress, input: Record<string, unknown>, now: number): Promise<Verdict> {
    const text = (name: string) => (typeof input[name] === 'string' ? (input[name] as string).trim() : '');
    switch (progress.step.factor) {
      case 'TOTP':
        return totp.verify(person, text('code'), now);
      case 'Emergency':
        return emergencyTokens.consume(person._id, text('token'));
      case 'OTP':
        return oneTimeCodes.verify({ personId: person._id, interactionUid: progress._id, code: text('code'), now });
      case 'Qstn': {
        const answers = Object.fromEntries((progress.questionIds ?? []).map((id) => [id, text(`answer_${id}`)]));
        return questions.verify(person._id, answers, progress.questionIds ?? []);
      }
    }
  }

  /** A used one-time code proves the address it was sent to, when that is still the person's. */
  async function proveAddress(person: StoredPerson, progress: SignInProgress): Promise<void> {
    const channel = progress.step.channel === 'sms' ? 'sms' : 'email';
    const address = channel === 'sms' ? person.cellPhone : person.email;
    if (address && (await oneTimeCodes.wasSentTo({ personId: person._id, interactionUid: progress._id, destination: address }))) {
      await persons.markAddressProven(person._id, channel, address);
    }
  }

  return {
    /** The person's plan for a context now, with the class it came from. */
    async planFor(person: StoredPerson, context: PolicyContext, now: number): Promise<{ plan: Plan; policy?: ClassPolicy }> {
      return persons.planFor(person, context, now);
    },

    /** Starts a step: sends the code of an OTP step, chooses the questions of a Qstn step. */
    async begin(person: StoredPerson, base: Pick<SignInProgress, '_id' | 'context' | 'expiresAt'>, step: SignInStep, policy: ClassPolicy | undefined, message: (code: string) => { subject?: string; text: string }, now: number): Promise<SignInProgress> {
      const progress: SignInProgress = { _id: base._id, context: base.context, expiresAt: base.expiresAt, personId: person._id, step };
      if (step.factor === 'OTP') {
        const destination = step.channel === 'sms' ? person.cellPhone : person.email;
        const sent = await oneTimeCodes.send({ personId: person._id, interactionUid: base._id, channel: step.channel!, destination: destination!, message, now });
        progress.sentTo = sent.sentTo;
      }
      if (step.factor === 'Qstn') {
        progress.questionIds = (await questions.pick(person._id, policy?.questionCount ?? 1)).map((question) => question.id);
      }
      return progress;
    },

    /** Sends a new code for an OTP step (throttled by the code service). */
    async resend(person: StoredPerson, progress: SignInProgress, message: (code: string) => { subject?: string; text: string }, now: number): Promise<SignInProgress> {
      if (progress.step.factor !== 'OTP') return progress;
      const destination = progress.step.channel === 'sms' ? person.cellPhone : person.email;
      const sent = await oneTimeCodes.send({ personId: person._id, interactionUid: progress._id, channel: progress.step.channel!, destination: destination!, message, now });
      return { ...progress, sentTo: sent.sentTo };
    },

    /** Whether the step's factor is locked now for this person. */
    async lockOf(person: StoredPerson, step: SignInStep, policy: ClassPolicy | undefined, now: number): Promise<{ until?: number } | undefined> {
      const status = await attempts.status(person._id, attemptKey(step.factor), retryRule(policy), now);
      if (!status.locked) return undefined;
      return status.until ? { until: status.until.getTime() } : {};
    },

    /** Verifies the person's input for the step under way, counting failures for the person and for the client address. */
    async verify(person: StoredPerson, progress: SignInProgress, policy: ClassPolicy | undefined, input: Record<string, unknown>, now: number, origin: AttemptOrigin): Promise<StepOutcome> {
      const key = attemptKey(progress.step.factor);
      const rule = retryRule(policy);
      const before = await attempts.status(person._id, key, rule, now, origin);
      if (before.locked) return lockedOutcome(before);
      const verdict = await verifyFactor(person, progress, input, now);
      if (verdict.outcome === 'success') {
        await attempts.recordSuccess(person._id, key);
        if (progress.step.factor === 'OTP') await proveAddress(person, progress);
        return { outcome: 'success', amr: verdict.amr };
      }
      if (verdict.outcome === 'not-applicable') return { outcome: 'retry', message: 'denied.noFactor' };
      // A malformed entry is a typing slip, not a guess: it does not count.
      if (verdict.reason !== 'malformed') {
        const after = await attempts.recordFailure(person._id, key, rule, now, origin);
        if (after.locked) return lockedOutcome(after);
      }
      return { outcome: 'retry', message: `verdict.${verdict.reason}` };
    },

    otpMinutes: Math.round(config.ttl.otp / 60),
  };
}

export type SecondFactor = ReturnType<typeof createSecondFactor>;
