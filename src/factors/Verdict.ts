/**
 * What a factor's verify returns: one closed set of outcomes, returned and never signalled
 * by side effects (design.md "Factor"). Limits and locks are kept around verify by
 * limitAttempts (factors/attempts/), which is where `locked` comes from.
 */

/** Why a verify asks the person to try again; each has a message key `verdict.<reason>` in every language. */
export type RetryReason = 'wrong-code' | 'expired' | 'reused' | 'wrong-answers' | 'no-code-sent' | 'passkey-refused' | 'passkey-name-invalid' | 'passkey-not-added';

export type Verdict =
  | { outcome: 'success'; amr: readonly string[] }
  /** A wrong guess: counted under the class's retry limits. */
  | { outcome: 'retry'; reason: RetryReason }
  /** Not something the factor could accept at all (wrong length, letters): a typing slip, never counted. */
  | { outcome: 'malformed' }
  /** The factor (or the client address) may not be tried now; absent `until`: until an admin unlocks. */
  | { outcome: 'locked'; until?: number; byAddress?: true }
  /** The factor is not set up for the person (any more): nothing to guess at. */
  | { outcome: 'not-applicable'; reason: 'not-configured' | 'not-enough-answers' };

/** The message key of a verdict that asks the person to type again. */
export const retryMessageKey = (verdict: Extract<Verdict, { outcome: 'retry' | 'malformed' }>) =>
  verdict.outcome === 'malformed' ? ('verdict.malformed' as const) : (`verdict.${verdict.reason}` as const);
