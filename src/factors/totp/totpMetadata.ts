import type { FactorMetadata } from '../Factor.ts';

/** A code from the person's authenticator app (RFC 6238): `otp` in RFC 8176 terms. */
export const totpMetadata: FactorMetadata = {
  id: 'TOTP',
  amr: ['otp'],
  displayName: 'factor.TOTP',
  enrollableDuringSignIn: true,
  autoSelectable: true,
};
