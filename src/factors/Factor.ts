import type { PlanStep } from '../policy/types.ts';

/**
 * The vocabulary every factor folder shares (design.md "Factor"): static metadata apart
 * from behaviour, and a closed set of verdicts that are returned, never signalled by side
 * effects. Retry limits and locks are kept by src/factors/attempts/, around verify.
 */

/** The factors a person can pass at sign-in: the planner's steps, and emergency tokens. */
export type SignInFactorId = PlanStep['factor'] | 'Emergency';

export type FactorMetadata = {
  id: SignInFactorId;
  /** RFC 8176 values this factor proves (the sign-in adds `pwd` and `mfa`). */
  amr: readonly string[];
  /** Message key of the factor's name, e.g. "factor.totp". */
  displayName: string;
  /** May the person set it up during sign-in (product.md rule 6: TOTP). */
  enrollableDuringSignIn: boolean;
  /** May the planner pick it as the challenge (emergency tokens may not). */
  autoSelectable: boolean;
};

/** Why a verify did not succeed; each has a message key `verdict.<reason>` in every language. */
export type RetryReason = 'wrong-code' | 'expired' | 'reused' | 'wrong-answers' | 'no-code-sent' | 'malformed';

export type Verdict =
  | { outcome: 'success'; amr: readonly string[] }
  | { outcome: 'retry'; reason: RetryReason }
  | { outcome: 'not-applicable'; reason: 'not-configured' | 'not-enough-answers' };
