import { emergencyTokenAlphabet, formatEmergencyToken, generateEmergencyToken, normaliseEmergencyToken } from '../../src/factors/emergency/emergencyToken.ts';

test('the alphabet has 32 characters, none of them easy to mistake for another', () => {
  expect(new Set(emergencyTokenAlphabet).size).toBe(32);
  for (const ambiguous of ['i', 'l', 'o', 'u']) expect(emergencyTokenAlphabet).not.toContain(ambiguous);
});

test('a token is 16 characters of the alphabet (80 bits), shown in groups of four', () => {
  const tokens = Array.from({ length: 200 }, generateEmergencyToken);
  expect(new Set(tokens).size).toBe(200);
  for (const token of tokens) {
    expect(token).toMatch(/^[0-9a-hjkmnp-tv-z]{16}$/);
    expect(formatEmergencyToken(token)).toMatch(/^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$/);
  }
  // Every character of the alphabet turns up: the random bits are spread over all of it.
  expect(new Set(tokens.join(''))).toEqual(new Set(emergencyTokenAlphabet));
});

test('case, spaces and dashes do not matter; o reads as 0, i and l as 1', () => {
  expect(normaliseEmergencyToken('k7dq-3vxm-9tpa-wz2c')).toBe('k7dq3vxm9tpawz2c');
  expect(normaliseEmergencyToken(' K7DQ 3VXM  9TPA WZ2C ')).toBe('k7dq3vxm9tpawz2c');
  expect(normaliseEmergencyToken('k7dq–3vxm—9tpa_wz2c')).toBe('k7dq3vxm9tpawz2c');
  expect(normaliseEmergencyToken('oOiI-lL10-0000-0000')).toBe('0011111000000000');
});

test.each(['', 'k7dq-3vxm-9tpa', 'k7dq-3vxm-9tpa-wz2c-aaaa', 'k7dq-3vxm-9tpa-wz2u', 'k7dq-3vxm-9tpa-wz2!', 'x'.repeat(101)])('%j is not a token', (input) => {
  expect(normaliseEmergencyToken(input)).toBeUndefined();
});

test('only text can be a token', () => {
  expect(normaliseEmergencyToken(12345678)).toBeUndefined();
  expect(normaliseEmergencyToken(undefined)).toBeUndefined();
});
