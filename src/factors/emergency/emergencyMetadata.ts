/**
 * Single-use emergency tokens, accepted wherever TOTP is asked (product.md rule 5), never
 * chosen as the challenge. RFC 8176 has no value for recovery codes; each token is a
 * one-time password, so `otp` — the value closest in meaning, and the one relying
 * parties already accept where TOTP is asked. The audit log tells the two apart.
 */
export const emergencyMetadata = { amr: ['otp'] } as const;
