/**
 * RFC 8176: `hwk` (a proof of possession of a hardware-secured key) for every passkey and
 * security key, and `user` when the authenticator reports that it verified the user (the
 * UV flag). WebAuthn does not say how the user was verified — a PIN or a fingerprint look
 * the same to the relying party — so `pin` and `fpt` are never claimed.
 */
export const webauthnMetadata = { amr: ['hwk'], userVerifiedAmr: 'user' } as const;

/** The amr values of one passing assertion. */
export const webauthnAmr = (userVerified: boolean): string[] => (userVerified ? [...webauthnMetadata.amr, webauthnMetadata.userVerifiedAmr] : [...webauthnMetadata.amr]);
