import type { PlanStep } from './types.ts';

/** A plan step in words for admins, e.g. "TOTP authenticator code", "one-time code (OTP) by SMS". */
export function describeStep(step: PlanStep): string {
  switch (step.factor) {
    case 'TOTP':
      return 'TOTP authenticator code';
    case 'Qstn':
      return 'private questions (Qstn)';
    case 'OTP':
      if (step.channel === 'sms') return 'one-time code (OTP) by SMS to the cell phone';
      if (step.channel === 'email') return 'one-time code (OTP) by email';
      return 'one-time code (OTP)';
    default:
      return step.factor;
  }
}
