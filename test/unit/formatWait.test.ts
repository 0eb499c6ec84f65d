import { formatWait } from '../../src/i18n/formatWait.ts';
import { translator } from '../../src/i18n/translate.ts';

const now = Date.parse('2026-11-22T14:00:00Z');
const en = translator('en');
const es = translator('es');

test('a wait under a minute is counted in seconds, rounded up, in each language', () => {
  expect(formatWait(en, now + 12_000, now)).toBe('in 12 seconds');
  expect(formatWait(en, now + 4_200, now)).toBe('in 5 seconds');
  expect(formatWait(en, now + 300, now)).toBe('in 1 second');
  expect(formatWait(en, now + 59_000, now)).toBe('in 59 seconds');
  expect(formatWait(en, now + 59_001, now)).toBe('after 14:01 UTC');
  expect(formatWait(es, now + 12_000, now)).toBe('dentro de 12 segundos');
  expect(formatWait(es, now + 1_000, now)).toBe('dentro de 1 segundo');
});

test('a wait that has just ended still says one second (the page is shown because the lock held)', () => {
  expect(formatWait(en, now, now)).toBe('in 1 second');
});

test('a longer wait is the time it ends, rounded up to the minute; relative waits are counted in minutes', () => {
  expect(formatWait(en, now + 150_000, now)).toBe('after 14:03 UTC');
  expect(formatWait(es, now + 150_000, now)).toBe('después de las 14:03 UTC');
  expect(formatWait(en, now + 60_000, now, { relative: true })).toBe('in 1 minute');
  expect(formatWait(en, now + 150_000, now, { relative: true })).toBe('in 3 minutes');
  expect(formatWait(es, now + 150_000, now, { relative: true })).toBe('dentro de 3 minutos');
  expect(formatWait(es, now + 30_000, now, { relative: true })).toBe('dentro de 30 segundos');
});
