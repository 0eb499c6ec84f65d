import { attemptKeyOf } from '../../src/factors/attempts/attemptKey.ts';
import { attemptStatusOf, checkRule, failureMemoryMs } from '../../src/factors/attempts/attemptStatusOf.ts';
import { clientAddressKey } from '../../src/factors/attempts/clientAddressKey.ts';

const t0 = Date.parse('2030-01-01T12:00:00Z');
const s = (seconds: number) => t0 + seconds * 1000;

describe('attemptStatusOf: the retry state replayed from failure times', () => {
  const rule = { maxRetries: 3, waitSeconds: 60 };

  test('no failures: the whole set of retries', () => {
    expect(attemptStatusOf([], rule, t0)).toEqual({ locked: false, failures: 0, remaining: 3 });
  });

  test('the failure that reaches maxRetries locks for waitSeconds from its own time', () => {
    expect(attemptStatusOf([s(0), s(1)], rule, s(2))).toEqual({ locked: false, failures: 2, remaining: 1 });
    expect(attemptStatusOf([s(0), s(1), s(2)], rule, s(2))).toEqual({ locked: true, until: new Date(s(62)) });
    expect(attemptStatusOf([s(0), s(1), s(2)], rule, s(61.999))).toEqual({ locked: true, until: new Date(s(62)) });
  });

  test('a lock that ends exactly now has ended, and the person has a fresh set of retries', () => {
    expect(attemptStatusOf([s(0), s(1), s(2)], rule, s(62))).toEqual({ locked: false, failures: 0, remaining: 3 });
    expect(attemptStatusOf([s(0), s(1), s(2), s(70)], rule, s(71))).toEqual({ locked: false, failures: 1, remaining: 2 });
    expect(attemptStatusOf([s(0), s(1), s(2), s(70), s(71), s(72)], rule, s(73))).toEqual({ locked: true, until: new Date(s(132)) });
  });

  test('failures during a lock neither extend it nor count towards the next', () => {
    const times = [s(0), s(1), s(2), s(10), s(20), s(61)];
    expect(attemptStatusOf(times, rule, s(30))).toEqual({ locked: true, until: new Date(s(62)) });
    expect(attemptStatusOf(times, rule, s(62))).toEqual({ locked: false, failures: 0, remaining: 3 });
  });

  test('the order the failures are read in does not matter', () => {
    expect(attemptStatusOf([s(2), s(0), s(1)], rule, s(3))).toEqual({ locked: true, until: new Date(s(62)) });
  });

  test('waitSeconds 999: locked until an admin unlocks (no end time)', () => {
    const forAdmin = { maxRetries: 2, waitSeconds: 999 };
    expect(attemptStatusOf([s(0)], forAdmin, s(1))).toEqual({ locked: false, failures: 1, remaining: 1 });
    expect(attemptStatusOf([s(0), s(1)], forAdmin, s(5000))).toEqual({ locked: true });
  });

  test('maxRetries 0: no maximum, never locked', () => {
    const times = Array.from({ length: 50 }, (_, i) => s(i));
    expect(attemptStatusOf(times, { maxRetries: 0, waitSeconds: 999 }, s(50))).toEqual({ locked: false, failures: 50, remaining: null });
  });

  test('failures older than a day no longer count', () => {
    expect(attemptStatusOf([s(0), s(1)], rule, s(1) + failureMemoryMs)).toEqual({ locked: false, failures: 1, remaining: 2 });
    expect(attemptStatusOf([s(0), s(1)], rule, s(2) + failureMemoryMs)).toEqual({ locked: false, failures: 0, remaining: 3 });
  });

  test('a rule outside the class fields is a programming error', () => {
    expect(() => checkRule({ maxRetries: -1, waitSeconds: 60 })).toThrow(TypeError);
    expect(() => checkRule({ maxRetries: 3, waitSeconds: 0 })).toThrow(TypeError);
    expect(() => checkRule({ maxRetries: 3, waitSeconds: 1000 })).toThrow(TypeError);
    expect(() => checkRule({ maxRetries: 1.5, waitSeconds: 60 })).toThrow(TypeError);
    expect(() => checkRule({ maxRetries: 0, waitSeconds: 1 })).not.toThrow();
  });
});

describe('attempt keys', () => {
  test('emergency tokens count as TOTP; the password step per client address', () => {
    expect(attemptKeyOf('Emergency')).toEqual({ key: 'TOTP', factor: 'TOTP' });
    expect(attemptKeyOf('TOTP')).toEqual({ key: 'TOTP', factor: 'TOTP' });
    expect(attemptKeyOf('Qstn')).toEqual({ key: 'Qstn', factor: 'Qstn' });
    expect(attemptKeyOf('password:::ffff:10.1.2.3')).toEqual({ key: 'password:10.1.2.3', factor: 'password' });
    expect(attemptKeyOf('password')).toEqual({ key: 'password', factor: 'password' });
    expect(() => attemptKeyOf('Radius')).toThrow(TypeError);
  });

  test.each([
    ['10.1.2.3', '10.1.2.3'],
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['2001:db8:1:2:aaaa::1', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2:bbbb::7%eth0', '2001:db8:1:2::/64'],
    ['::1', '::/64'],
    ['', 'unknown'],
    ['not an address', 'unknown'],
  ])('client address %j is counted as %j', (ip, key) => {
    expect(clientAddressKey(ip)).toBe(key);
  });
});
