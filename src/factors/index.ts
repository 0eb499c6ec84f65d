import type { Factor } from './Factor.ts';
import { emergencyFactor } from './emergency/emergencyFactor.ts';
import { otpFactor } from './otp/otpFactor.ts';
import { questionsFactor } from './questions/questionsFactor.ts';
import { totpFactor } from './totp/totpFactor.ts';
import { webauthnFactor } from './webauthn/webauthnFactor.ts';

/**
 * Every factor Gatehouse can ask (ties of priority keep the class screen's column order,
 * policy/types.ts factorIds; this order is the one lists of factors are shown in). The planner, the challenge step, attempt keys, unlock, the OpenAPI enums,
 * person deletion and master-key rotation all take their factors from here.
 */
export const factors: readonly Factor[] = [totpFactor, otpFactor, questionsFactor, webauthnFactor, emergencyFactor];

/** The factor of an id, or undefined for an id no factor has (a class factor not available yet). */
export const factorOf = (id: string): Factor | undefined => factors.find((factor) => factor.id === id);

/** The factor of a step under way (`where`: the sign-in or the reset): a step names only factors there are, so anything else is a defect. */
export const mustFactor = (id: string, where: string): Factor => {
  const factor = factorOf(id);
  if (!factor) throw new TypeError(`${where}: no factor ${id}`);
  return factor;
};

/** The ids whose failures and locks are counted apart (a factor that counts as another shares its key). */
export const countedFactorIds: readonly string[] = [...new Set(factors.map((factor) => factor.countsAs ?? factor.id))];

/** The attempt key a factor's failures count under. */
export const attemptsCountAs = (id: string): string => factorOf(id)?.countsAs ?? id;
