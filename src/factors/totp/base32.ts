/** RFC 4648 Base32, the alphabet of TOTP keys (A–Z, 2–7). */
export const base32Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function encodeBase32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let text = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      text += base32Alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) text += base32Alphabet[(value << (5 - bits)) & 31];
  return text;
}

/**
 * Decodes unpadded Base32 of any length; bits left over after the last whole byte are
 * ignored, as authenticator apps do (a strict decoder would refuse keys they accept).
 * Throws on a character outside the alphabet: check with `checkTotpSecret` first.
 */
export function decodeBase32(text: string): Uint8Array {
  const bytes = new Uint8Array(Math.floor((text.length * 5) / 8));
  let bits = 0;
  let value = 0;
  let index = 0;
  for (const character of text) {
    const digit = base32Alphabet.indexOf(character);
    if (digit < 0) throw new Error('Not a Base32 text.');
    value = ((value << 5) | digit) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes[index++] = (value >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  return bytes;
}
