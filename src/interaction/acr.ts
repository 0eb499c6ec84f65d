/**
 * The `acr` values of Gatehouse's ID tokens: which context the sign-in satisfied.
 * pwd: the password only (the class asks no second factor); mfa: the sign-in context (MFA)
 * with a second factor; aod: elevated access (AOD), what a relying party asks for with
 * acr_values for step-up.
 */
export const acrValues = {
  password: 'urn:gatehouse:acr:pwd',
  mfa: 'urn:gatehouse:acr:mfa',
  elevated: 'urn:gatehouse:acr:aod',
} as const;

/** The amr of a completed sign-in: the password, the factor's values, and `mfa` when a second factor was passed. */
export function signInAmr(factorAmr: readonly string[] | undefined): string[] {
  if (!factorAmr) return ['pwd'];
  return [...new Set(['pwd', ...factorAmr, 'mfa'])];
}
