import { randomBytes } from 'node:crypto';

/**
 * Crockford's Base32 in lower case: digits and letters without i, l, o and u, so that no
 * two characters of a token look alike. 16 characters carry 80 random bits.
 */
export const emergencyTokenAlphabet = '0123456789abcdefghjkmnpqrstvwxyz';
export const emergencyTokenLength = 16;
const randomByteCount = (emergencyTokenLength * 5) / 8;

/** Groups of four, as shown and printed: `k7dq-3vxm-9tpa-wz2c`. */
export function formatEmergencyToken(normalised: string): string {
  return normalised.match(/.{1,4}/g)!.join('-');
}

/** A new token, normalised (no dashes): 80 bits from the system's random source. */
export function generateEmergencyToken(): string {
  const bytes = randomBytes(randomByteCount);
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  let token = '';
  for (let index = 0; index < emergencyTokenLength; index++) {
    token = emergencyTokenAlphabet[Number(value & 31n)] + token;
    value >>= 5n;
  }
  return token;
}

/**
 * What a person typed, as the stored form: case, spaces and dashes do not matter, and the
 * letters that look like digits are read as them (o as 0, i and l as 1). Undefined when it
 * cannot be a token.
 */
export function normaliseEmergencyToken(input: unknown): string | undefined {
  if (typeof input !== 'string' || input.length > 100) return undefined;
  const token = input
    .toLowerCase()
    .replace(/[\s\-–—_.]+/g, '')
    .replace(/o/g, '0')
    .replace(/[il]/g, '1');
  if (token.length !== emergencyTokenLength) return undefined;
  return [...token].every((character) => emergencyTokenAlphabet.includes(character)) ? token : undefined;
}
