import { formatUntil } from '../../src/i18n/formatUntil.ts';

const now = Date.parse('2026-11-22T14:00:00Z');

test('a lock ending today: the time in UTC, rounded up to the minute so that "after" is true', () => {
  expect(formatUntil(Date.parse('2026-11-22T14:03:00Z'), now)).toBe('14:03 UTC');
  expect(formatUntil(Date.parse('2026-11-22T14:03:01Z'), now)).toBe('14:04 UTC');
});

test('a lock ending another day (UTC) carries its date', () => {
  expect(formatUntil(Date.parse('2026-11-23T00:00:30Z'), now)).toBe('2026-11-23 00:01 UTC');
});
