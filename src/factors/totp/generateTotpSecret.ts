import { randomBytes } from 'node:crypto';
import { encodeBase32 } from './base32.ts';

/** A new random TOTP key: 160 bits (RFC 4226's recommendation), as Base32 (32 characters). */
export function generateTotpSecret(): string {
  return encodeBase32(randomBytes(20));
}
