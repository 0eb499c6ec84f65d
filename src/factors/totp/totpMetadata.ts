/** A code from the person's authenticator app (RFC 6238): `otp` in RFC 8176 terms. */
export const totpMetadata = { amr: ['otp'] } as const;
