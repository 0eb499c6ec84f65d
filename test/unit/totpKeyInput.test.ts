import { decodeBase32, encodeBase32 } from '../../src/factors/totp/base32.ts';
import { generateTotpSecret } from '../../src/factors/totp/generateTotpSecret.ts';
import { checkTotpKey, checkTotpSecret } from '../../src/factors/totp/totpKeyInput.ts';

// RFC 4648 section 10, without padding.
test.each([
  ['', ''],
  ['f', 'MY'],
  ['fo', 'MZXQ'],
  ['foo', 'MZXW6'],
  ['foob', 'MZXW6YQ'],
  ['fooba', 'MZXW6YTB'],
  ['foobar', 'MZXW6YTBOI'],
])('Base32 of %j is %j, and back', (text, base32) => {
  expect(encodeBase32(Buffer.from(text))).toBe(base32);
  expect(Buffer.from(decodeBase32(base32)).toString()).toBe(text);
});

test('the RFC 6238 SHA1 key "12345678901234567890" in Base32', () => {
  expect(encodeBase32(Buffer.from('12345678901234567890'))).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
});

test('a generated key is 160 random bits in Base32', () => {
  const keys = new Set(Array.from({ length: 50 }, generateTotpSecret));
  expect(keys.size).toBe(50);
  for (const key of keys) {
    expect(key).toMatch(/^[A-Z2-7]{32}$/);
    expect(decodeBase32(key)).toHaveLength(20);
    expect(checkTotpSecret(key)).toBe(key);
  }
});

test('a typed key: spaces removed, upper-cased', () => {
  expect(checkTotpSecret('gezd gnbv gy3t qojq gezd gnbv gy3t qojq')).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  expect(checkTotpSecret('\tGEZDGNBVGY3TQOJQGEZDGNBVGY\n')).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY');
});

test.each([
  ['GEZDGNBVGY3TQOJ1GEZDGNBVGY3TQOJQ', 'secret: character 16 is not Base32; a key uses only the letters A–Z and the digits 2–7 (0, 1, 8, 9 and signs such as "=" or "-" are not used).'],
  ['GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ=', 'secret: character 32 is not Base32'],
  ['GEZD-GNBV-GY3T-QOJQ-GEZD-GNBV-GY3T', 'secret: character 5 is not Base32'],
  ['80ZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 'secret: character 1 is not Base32'],
  ['JBSWY3DPEHPK3PXP', 'secret: 16 characters carry 80 bits; a key needs at least 128 bits (26 Base32 characters).'],
  ['GEZDGNBVGY3TQOJQGEZDGNBVG', 'secret: 25 characters carry 125 bits; a key needs at least 128 bits (26 Base32 characters).'],
  ['A'.repeat(104), 'secret: 104 characters are too many; a key has at most 512 bits (103 Base32 characters).'],
  ['   ', 'secret: the key is empty'],
  [42, 'secret: the key as Base32 text'],
])('the key %j is refused: %s', (secret, message) => {
  expect(() => checkTotpSecret(secret)).toThrow(message);
});

test('the shortest and the longest keys allowed', () => {
  expect(checkTotpSecret('A'.repeat(26))).toHaveLength(26);
  expect(checkTotpSecret('A'.repeat(103))).toHaveLength(103);
});

test('a key input gets the authenticator defaults: SHA1, 6 digits, 30 seconds', () => {
  expect(checkTotpKey({ secret: 'gezdgnbvgy3tqojqgezdgnbvgy3tqojq', state: 'pending' })).toEqual({
    secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    state: 'pending',
  });
  expect(checkTotpKey({ secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', algorithm: 'SHA512', digits: 8, period: 60, state: 'active' })).toMatchObject({ algorithm: 'SHA512', digits: 8, period: 60 });
});

test.each([
  [{ algorithm: 'MD5' }, 'algorithm: one of SHA1, SHA256, SHA512; got "MD5".'],
  [{ digits: 7 }, 'digits: 6 or 8; got 7.'],
  [{ period: 0 }, 'period: whole seconds from 15 to 300'],
  [{ period: 30.5 }, 'period: whole seconds from 15 to 300'],
  [{ state: 'on' }, 'state: pending (until the person confirms a code) or active; got "on".'],
])('a key input with %j is refused', (change, message) => {
  expect(() => checkTotpKey({ secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', state: 'active', ...(change as object) })).toThrow(message);
});
