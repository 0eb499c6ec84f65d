import type { Verdict } from '../../src/factors/Verdict.ts';
import { firstStep, nextStep } from '../../src/policy/nextStep.ts';
import type { Plan, PlanStep } from '../../src/policy/types.ts';

const totp: PlanStep = { factor: 'TOTP', amr: ['otp'] };
const emailCode: PlanStep = { factor: 'OTP', channel: 'email', amr: ['otp'] };
const smsCode: PlanStep = { factor: 'OTP', channel: 'sms', amr: ['sms', 'otp'] };

const planWith = (fields: Partial<Plan>): Plan => ({ context: 'MFA', secondFactorRequired: true, alternatives: [], emergencyTokensAccepted: false, skipped: [], notes: [], ...fields });

/** A TOTP challenge with an emailed code under "try another way". */
const usual = planWith({ challenge: totp, alternatives: [emailCode] });
/** Rule 6: nothing usable, the emailed code is the challenge and TOTP enrolment follows it. */
const enrolling = planWith({ challenge: emailCode, enrolment: { factor: 'TOTP' } });

/** Device Auth ranked above TOTP, the person without a passkey: offered after TOTP (not after the emailed code, ranked above it here). */
const passkeyOffered = planWith({ challenge: totp, alternatives: [emailCode], enrolment: { factor: 'DeviceAuth', after: [totp] } });

describe('firstStep: where a sign-in goes once the password is passed', () => {
  test.each([
    { name: 'denied', plan: planWith({ denied: { reason: 'no-usable-factor' } }), expected: { to: 'denied' } },
    { name: 'denied even with a challenge left over', plan: planWith({ challenge: totp, denied: { reason: 'locked' } }), expected: { to: 'denied' } },
    { name: 'no second factor required', plan: planWith({ secondFactorRequired: false }), expected: { to: 'finish' } },
    { name: 'the plan\'s challenge', plan: usual, expected: { to: 'challenge', step: { factor: 'TOTP' } } },
    { name: 'a delivered code keeps its channel', plan: planWith({ challenge: smsCode }), expected: { to: 'challenge', step: { factor: 'OTP', channel: 'sms' } } },
  ])('$name', ({ plan, expected }) => {
    expect(firstStep(plan)).toEqual(expected);
  });
});

describe('nextStep: what follows a verdict', () => {
  const success: Verdict = { outcome: 'success', amr: ['otp'] };
  test.each<{ name: string; plan: Plan; step: { factor: string; channel?: 'sms' | 'email' }; context?: 'MFA' | 'AOD'; verdict: Verdict; offersEnrolment?: boolean; expected: unknown }>([
    { name: 'success finishes with the factor\'s amr', plan: usual, step: { factor: 'TOTP' }, verdict: success, expected: { to: 'finish', amr: ['otp'] } },
    { name: 'an alternative passed finishes', plan: usual, step: { factor: 'OTP', channel: 'email' }, verdict: { outcome: 'success', amr: ['otp'] }, expected: { to: 'finish', amr: ['otp'] } },
    { name: 'rule 6: the stand-in passed leads to enrolment', plan: enrolling, step: { factor: 'OTP', channel: 'email' }, verdict: success, expected: { to: 'enrol', amr: ['otp'] } },
    { name: 'rule 6: not into a page that offers the setup itself', plan: enrolling, step: { factor: 'OTP', channel: 'email' }, verdict: success, offersEnrolment: false, expected: { to: 'finish', amr: ['otp'] } },
    { name: 'rule 6: not for elevated access', plan: enrolling, step: { factor: 'OTP', channel: 'email' }, context: 'AOD', verdict: success, expected: { to: 'finish', amr: ['otp'] } },
    { name: 'rule 6: another channel than the challenge\'s is no stand-in', plan: enrolling, step: { factor: 'OTP', channel: 'sms' }, verdict: success, expected: { to: 'finish', amr: ['otp'] } },
    { name: 'a lower factor passed leads to the set-up of the one ranked above it', plan: passkeyOffered, step: { factor: 'TOTP' }, verdict: success, expected: { to: 'enrol', amr: ['otp'] } },
    { name: 'a step the offer does not name finishes', plan: passkeyOffered, step: { factor: 'OTP', channel: 'email' }, verdict: success, expected: { to: 'finish', amr: ['otp'] } },
    { name: 'a lower factor\'s offer: not into the account page', plan: passkeyOffered, step: { factor: 'TOTP' }, verdict: success, offersEnrolment: false, expected: { to: 'finish', amr: ['otp'] } },
    { name: 'a lower factor\'s offer: not for elevated access', plan: passkeyOffered, step: { factor: 'TOTP' }, context: 'AOD', verdict: success, expected: { to: 'finish', amr: ['otp'] } },
    { name: 'a lower factor\'s offer: a wrong code is only asked again', plan: passkeyOffered, step: { factor: 'TOTP' }, verdict: { outcome: 'retry', reason: 'wrong-code' }, expected: { to: 'again', status: 401, message: 'verdict.wrong-code' } },
    { name: 'a wrong code: the same step, its message', plan: usual, step: { factor: 'TOTP' }, verdict: { outcome: 'retry', reason: 'wrong-code' }, expected: { to: 'again', status: 401, message: 'verdict.wrong-code' } },
    { name: 'a reused code', plan: usual, step: { factor: 'TOTP' }, verdict: { outcome: 'retry', reason: 'reused' }, expected: { to: 'again', status: 401, message: 'verdict.reused' } },
    { name: 'malformed input', plan: usual, step: { factor: 'TOTP' }, verdict: { outcome: 'malformed' }, expected: { to: 'again', status: 401, message: 'verdict.malformed' } },
    { name: 'not applicable (the factor went away)', plan: usual, step: { factor: 'TOTP' }, verdict: { outcome: 'not-applicable', reason: 'not-configured' }, expected: { to: 'again', status: 401, message: 'denied.noFactor' } },
    { name: 'locked until a time', plan: usual, step: { factor: 'TOTP' }, verdict: { outcome: 'locked', until: 5 }, expected: { to: 'again', status: 429, lock: { until: 5 } } },
    { name: 'locked until an admin unlocks', plan: usual, step: { factor: 'TOTP' }, verdict: { outcome: 'locked' }, expected: { to: 'again', status: 429, lock: {} } },
    { name: 'the address throttled', plan: usual, step: { factor: 'TOTP' }, verdict: { outcome: 'locked', until: 9, byAddress: true }, expected: { to: 'again', status: 429, lock: { until: 9, byAddress: true } } },
  ])('$name', ({ plan, step, context = 'MFA', verdict, offersEnrolment = true, expected }) => {
    expect(nextStep(plan, { context, step }, verdict, { offersEnrolment })).toEqual(expected);
  });
});
