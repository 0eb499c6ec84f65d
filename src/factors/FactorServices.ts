import type { FactorNotices } from '../delivery/createFactorNotices.ts';
import type { EmergencyTokens } from './emergency/createEmergencyTokens.ts';
import type { OneTimeCodes } from './otp/createOneTimeCodes.ts';
import type { PrivateQuestions } from './questions/createPrivateQuestions.ts';
import type { TotpFactor } from './totp/createTotpFactor.ts';
import type { TotpSelfService } from './totp/createTotpSelfService.ts';
import type { WebauthnCredentials } from './webauthn/createWebauthnCredentials.ts';

/** The stores and senders the factors' steps stand on, built once at start (services.ts). */
export type FactorServices = {
  totp: Pick<TotpFactor, 'verify'>;
  emergencyTokens: Pick<EmergencyTokens, 'consume' | 'countLeft'>;
  oneTimeCodes: Pick<OneTimeCodes, 'send' | 'verify' | 'wasSentTo'> & { /** How long a code is valid, for the page. */ lifetimeMinutes: number };
  questions: Pick<PrivateQuestions, 'pick' | 'verify' | 'questionsOf'>;
  /** A person setting up their own authenticator app (enrolment during sign-in). */
  totpSelfService: Pick<TotpSelfService, 'newCandidate' | 'openCandidate' | 'confirm'>;
  /** Passkeys and security keys: the sign-in's assertion, passkey-first sign-in, and a registration offered during sign-in. */
  webauthn: Pick<WebauthnCredentials, 'authentication' | 'passkeyFirst' | 'offerRegistration' | 'confirmOfferedRegistration'>;
  /** Tells a person by email of a factor set up during sign-in (the authenticator app's self-service tells its own). */
  notices: Pick<FactorNotices, 'send'>;
  /** The issuer URL: the name otpauth URIs and downloaded token files carry. */
  issuer: string;
  /** A used code proves the address it went to (the directory keeps that on the person). */
  addresses: { markAddressProven(sub: string, channel: 'sms' | 'email', address: string): Promise<void> };
};
