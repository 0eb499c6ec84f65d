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

const knownAcrValues: readonly string[] = Object.values(acrValues);

/**
 * What a relying party asks of the acr: the values of an essential `acr` claim (OIDC Core
 * 5.5.1.1), in its order of preference, and whether it asks for elevated access at all
 * (acr_values, or the acr claim essential or not).
 */
export type AcrRequest = { essential?: readonly string[]; elevated: boolean };

type AcrClaim = { essential?: boolean; value?: unknown; values?: unknown };

/** The acr request of an authorization request's parameters (`acr_values`, `claims`). */
export function acrRequestOf(params: Record<string, unknown>): AcrRequest {
  const values = typeof params.acr_values === 'string' ? params.acr_values.split(' ') : [];
  let claim: AcrClaim | undefined;
  if (typeof params.claims === 'string') {
    try {
      claim = (JSON.parse(params.claims) as { id_token?: { acr?: AcrClaim } }).id_token?.acr;
    } catch {
      // oidc-provider has refused an unreadable claims parameter before we get here.
    }
  }
  const claimed = [...(typeof claim?.value === 'string' ? [claim.value] : []), ...(Array.isArray(claim?.values) ? claim.values.filter((v): v is string => typeof v === 'string') : [])];
  const elevated = [...values, ...claimed].includes(acrValues.elevated);
  return claim?.essential === true && claimed.length ? { essential: claimed, elevated } : { elevated };
}

/** An essential request names no acr that Gatehouse knows: no sign-in can meet it. */
export const asksOnlyUnknownAcr = (request: AcrRequest): boolean => request.essential !== undefined && !request.essential.some((value) => knownAcrValues.includes(value));

/**
 * What a sign-in of this person aims at, given what their class asks: elevated access or
 * not; or, for an essential acr none of whose values the person can reach, why not. `mfa`:
 * the class asks a second factor at sign-in (so the acr is mfa, never pwd); `aod`: it has a
 * factor for elevated access. An essential elevated acr needs that AOD factor: it is the
 * proof the relying party insists on. Without an essential acr the aim is what was asked
 * (a class without an AOD factor gets elevated access with its sign-in factor, or none).
 */
export function aimOf(request: AcrRequest, reach: { mfa: boolean; aod: boolean }): { elevated: boolean } | { unmet: string } {
  if (!request.essential) return { elevated: request.elevated };
  for (const value of request.essential) {
    if (value === acrValues.elevated && reach.aod) return { elevated: true };
    if (value === acrValues.mfa && reach.mfa) return { elevated: false };
    if (value === acrValues.password && !reach.mfa) return { elevated: false };
  }
  return { unmet: asksOnlyUnknownAcr(request) ? 'None of the requested acr values is supported.' : 'The person\'s class cannot reach any of the requested acr values.' };
}

/** Whether an acr meets the request (any acr does when none is essential). */
export const meetsAcrRequest = (request: AcrRequest, acr: string): boolean => !request.essential || request.essential.includes(acr);
