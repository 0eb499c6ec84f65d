import type { ClassPolicy } from './types.ts';

/**
 * What a class's "Password-Reset" block (product.md) asks of a reset, as codes (pure):
 * how the person proves who they are, what the reset then does, and how a new password
 * reaches them. The reset pages (src/reset/) follow it; the planner's P-R context gives
 * the factors when the verification is `factors`.
 */
export type ResetVerification =
  /** No self-service reset: no class (never, no default, a missing class), or verify N with new password N (the defaults). */
  | { by: 'unavailable' }
  /** Verify N: the new password itself goes to the person's own channel. */
  | { by: 'none' }
  /** Verify C or E: a one-time code to the cell phone or the email address. */
  | { by: 'code'; channel: 'sms' | 'email' }
  /** Verify M: the class's P-R factors, planned like a sign-in. */
  | { by: 'factors' };

/** What a verified reset does: a new password, the account re-enabled, or the person's choice between the two. */
export type ResetOutcome = 'new-password' | 're-enable' | 'choose';

/** How the new password reaches the person: a temporary one shown on screen, by SMS or by email, or typed by the person. */
export type NewPasswordBy = 'screen' | 'sms' | 'email' | 'typed';

export type ResetPlan = { verification: ResetVerification; outcome: ResetOutcome; newPasswordBy: NewPasswordBy; /** A temporary password works this long; undefined: no limit (999). */ temporaryMinutes?: number };

const channels = { C: 'sms', E: 'email' } as const;
const deliveries = { S: 'screen', C: 'sms', E: 'email', N: 'typed' } as const;
const outcomes = { 1: 'new-password', 2: 're-enable', 9: 'choose' } as const;

export function planReset(policy: ClassPolicy | undefined): ResetPlan {
  const reset = policy?.passwordReset;
  if (!reset) return { verification: { by: 'unavailable' }, outcome: 'new-password', newPasswordBy: 'typed' };
  const { verifyBy, newPasswordBy, resetBy, mustChangeMinutes } = reset;
  const verification: ResetVerification =
    verifyBy === 'M' ? { by: 'factors' }
    : verifyBy === 'C' || verifyBy === 'E' ? { by: 'code', channel: channels[verifyBy] }
    // Verify N is safe only when the password goes to the person's own channel (class validation refuses the rest).
    : newPasswordBy === 'C' || newPasswordBy === 'E' ? { by: 'none' }
    : { by: 'unavailable' };
  return {
    verification,
    // With no verification only a new password is sent: re-enabling would prove nothing (class validation refuses it too).
    outcome: verification.by === 'none' ? 'new-password' : outcomes[resetBy],
    newPasswordBy: deliveries[newPasswordBy],
    ...(mustChangeMinutes === 999 ? {} : { temporaryMinutes: mustChangeMinutes }),
  };
}
