import { talliedFactorOf, talliedFactors } from '../../src/factors/attempts/createSignInTally.ts';
import { addCounts, bucketIdOf, countInto, dayMs, hourKeyOf, hourMs, incrementsOf, lastDays, lastHours, readSince, sweepBefore, totalOf, type TallyCounts } from '../../src/factors/attempts/tallyBuckets.ts';

// The sign-in tally's bucket arithmetic: hours, bucket ids, the $inc of a flush, and the
// last 24 hours and 7 days summed over instances.

const NOW = Date.parse('2026-12-03T14:25:10.000Z');
const at = (iso: string) => Date.parse(iso);
const counts = (signIns: number, failures: Record<string, number> = {}): TallyCounts => ({ signIns, failures });

test('an hour is the UTC hour, named as the bucket ids name it', () => {
  expect(hourKeyOf(NOW)).toBe('2026-12-03T14');
  expect(hourKeyOf(at('2026-12-03T14:00:00.000Z'))).toBe('2026-12-03T14');
  expect(hourKeyOf(at('2026-12-03T13:59:59.999Z'))).toBe('2026-12-03T13');
  expect(bucketIdOf('2026-12-03T14', 'abc')).toBe('2026-12-03T14|abc');
});

test('events count into the pending counts of their hour', () => {
  const pending = new Map<number, TallyCounts>();
  countInto(pending, NOW, { signIn: true });
  countInto(pending, NOW + 1000, { signIn: true });
  countInto(pending, NOW, { failure: 'TOTP' });
  countInto(pending, at('2026-12-03T15:00:00.000Z'), { failure: 'password' });
  expect([...pending.entries()]).toEqual([
    [at('2026-12-03T14:00:00.000Z'), counts(2, { TOTP: 1 })],
    [at('2026-12-03T15:00:00.000Z'), counts(0, { password: 1 })],
  ]);
});

test('a flush increments sign-ins and each factor\'s failures, leaving zeros out', () => {
  expect(incrementsOf(counts(3, { password: 2, TOTP: 0 }))).toEqual({ signIns: 3, 'failures.password': 2 });
  expect(incrementsOf(counts(0, { OTP: 1 }))).toEqual({ 'failures.OTP': 1 });
  expect(incrementsOf(counts(0))).toEqual({});
});

test('adding counts makes a new sum and changes neither', () => {
  const a = counts(1, { TOTP: 1 });
  const b = counts(2, { TOTP: 2, Qstn: 1 });
  expect(addCounts(a, b)).toEqual(counts(3, { TOTP: 3, Qstn: 1 }));
  expect(a).toEqual(counts(1, { TOTP: 1 }));
});

test('the last 24 hours: one span per hour, the current one last, instances summed, older and later hours left out', () => {
  const hours = [
    { hour: at('2026-12-03T14:00:00.000Z'), counts: counts(2, { password: 1 }) },
    { hour: at('2026-12-03T14:00:00.000Z'), counts: counts(3) }, // another instance, same hour
    { hour: at('2026-12-02T15:00:00.000Z'), counts: counts(1) }, // the first hour shown
    { hour: at('2026-12-02T14:00:00.000Z'), counts: counts(9) }, // 25 hours ago: not shown
    { hour: at('2026-12-03T15:00:00.000Z'), counts: counts(9) }, // after now (a clock ahead): not shown
  ];
  const spans = lastHours(hours, NOW);
  expect(spans).toHaveLength(24);
  expect(spans[0]!.start).toBe(at('2026-12-02T15:00:00.000Z'));
  expect(spans[23]!.start).toBe(at('2026-12-03T14:00:00.000Z'));
  expect(spans[0]!.counts).toEqual(counts(1));
  expect(spans[23]!.counts).toEqual(counts(5, { password: 1 }));
  expect(totalOf(spans)).toEqual(counts(6, { password: 1 }));
});

test('the last 7 days: one span per UTC day, today so far last', () => {
  const hours = [
    { hour: at('2026-12-03T00:00:00.000Z'), counts: counts(1) },
    { hour: at('2026-12-03T14:00:00.000Z'), counts: counts(2, { TOTP: 1 }) },
    { hour: at('2026-11-27T23:00:00.000Z'), counts: counts(4) }, // the first day shown
    { hour: at('2026-11-26T23:00:00.000Z'), counts: counts(8) }, // a day too early
  ];
  const spans = lastDays(hours, NOW);
  expect(spans.map((span) => new Date(span.start).toISOString().slice(0, 10))).toEqual(['2026-11-27', '2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03']);
  expect(spans.map((span) => span.counts.signIns)).toEqual([4, 0, 0, 0, 0, 0, 3]);
  expect(spans[6]!.counts.failures).toEqual({ TOTP: 1 });
});

test('the home reads from the start of the first day it shows; the sweep keeps eight days', () => {
  expect(new Date(readSince(NOW)).toISOString()).toBe('2026-11-27T00:00:00.000Z');
  expect(NOW - readSince(NOW)).toBeLessThan(7 * dayMs);
  expect(new Date(sweepBefore(NOW)).toISOString()).toBe('2026-11-25T14:00:00.000Z');
  expect(readSince(NOW) - sweepBefore(NOW)).toBeGreaterThan(hourMs);
});

test('failures are tallied under the factor (the password of any address as one), unknown keys not at all', () => {
  expect(talliedFactors).toEqual(['password', 'TOTP', 'OTP', 'Qstn', 'DeviceAuth', 'Emergency']);
  expect(talliedFactorOf('password:203.0.113.9')).toBe('password');
  expect(talliedFactorOf('password')).toBe('password');
  expect(talliedFactorOf('Emergency')).toBe('Emergency');
  expect(talliedFactorOf('TOTP')).toBe('TOTP');
  expect(talliedFactorOf('failures.$evil')).toBeUndefined();
});
