import { InvalidInputError } from '../../errors/GatehouseError.ts';
import type { TotpAlgorithm } from '../../store/repositories/factorStateRepository.ts';
import { base32Alphabet } from './base32.ts';

export type { TotpAlgorithm };

export const totpAlgorithms = ['SHA1', 'SHA256', 'SHA512'] as const satisfies readonly TotpAlgorithm[];
export const totpDigits = [6, 8] as const;
/** Whole seconds. Authenticator apps know 30 (and some 60); the range leaves room without allowing nonsense. */
export const totpPeriodRange = { min: 15, max: 300 } as const;
/** RFC 4226 section 4: at least 128 bits, 160 recommended. 64 bytes is the most otplib takes. */
export const minimumKeyBytes = 16;
export const maximumKeyBytes = 64;

const charactersFor = (bytes: number) => Math.ceil((bytes * 8) / 5);
const maximumCharacters = Math.floor(((maximumKeyBytes + 1) * 8 - 1) / 5);

/** What an admin (or the self-service page) gives for a key: only `secret` and `state` are required. */
export type TotpKeyInput = {
  secret: string;
  algorithm?: TotpAlgorithm;
  digits?: 6 | 8;
  period?: number;
  state: 'pending' | 'active';
};

export type ValidTotpKey = { secret: string; algorithm: TotpAlgorithm; digits: 6 | 8; period: number; state: 'pending' | 'active' };

/**
 * The key as typed, made canonical (spaces removed, upper case), or a sentence saying
 * what is wrong with it. The message names the position of a bad character, never the
 * key: a key with one wrong character is still nearly the secret.
 */
export function checkTotpSecret(input: unknown): string {
  if (typeof input !== 'string') throw new InvalidInputError('secret: the key as Base32 text (the letters A–Z and the digits 2–7).');
  const secret = input.replace(/\s+/g, '').toUpperCase();
  if (secret === '') throw new InvalidInputError('secret: the key is empty; type the Base32 key (the letters A–Z and the digits 2–7), or generate one.');
  const bad = [...secret].findIndex((character) => !base32Alphabet.includes(character));
  if (bad >= 0) {
    throw new InvalidInputError(`secret: character ${bad + 1} is not Base32; a key uses only the letters A–Z and the digits 2–7 (0, 1, 8, 9 and signs such as "=" or "-" are not used).`);
  }
  const bytes = Math.floor((secret.length * 5) / 8);
  if (bytes < minimumKeyBytes) {
    throw new InvalidInputError(`secret: ${secret.length} characters carry ${secret.length * 5} bits; a key needs at least ${minimumKeyBytes * 8} bits (${charactersFor(minimumKeyBytes)} Base32 characters).`);
  }
  if (bytes > maximumKeyBytes) {
    throw new InvalidInputError(`secret: ${secret.length} characters are too many; a key has at most ${maximumKeyBytes * 8} bits (${maximumCharacters} Base32 characters).`);
  }
  return secret;
}

/** The whole key input checked, with the defaults of authenticator apps: SHA1, 6 digits, 30 seconds. */
export function checkTotpKey(input: TotpKeyInput): ValidTotpKey {
  if (typeof input !== 'object' || input === null) throw new InvalidInputError('A TOTP key must be an object with at least secret and state.');
  const secret = checkTotpSecret(input.secret);
  const algorithm = input.algorithm ?? 'SHA1';
  if (typeof algorithm !== 'string' || !(totpAlgorithms as readonly string[]).includes(algorithm.toUpperCase())) {
    throw new InvalidInputError(`algorithm: one of ${totpAlgorithms.join(', ')}; got ${JSON.stringify(input.algorithm)}.`);
  }
  const digits = input.digits ?? 6;
  if (!(totpDigits as readonly unknown[]).includes(digits)) throw new InvalidInputError(`digits: 6 or 8; got ${JSON.stringify(input.digits)}.`);
  const period = input.period ?? 30;
  if (!Number.isInteger(period) || period < totpPeriodRange.min || period > totpPeriodRange.max) {
    throw new InvalidInputError(`period: whole seconds from ${totpPeriodRange.min} to ${totpPeriodRange.max} (authenticator apps use 30); got ${JSON.stringify(input.period)}.`);
  }
  if (input.state !== 'pending' && input.state !== 'active') {
    throw new InvalidInputError(`state: pending (until the person confirms a code) or active; got ${JSON.stringify(input.state)}.`);
  }
  return { secret, algorithm: algorithm.toUpperCase() as TotpAlgorithm, digits, period, state: input.state };
}
