import { attemptsCountAs, countedFactorIds } from '../index.ts';
import { clientAddressKey } from './clientAddressKey.ts';

/**
 * What a failure counts against. The second factors count per person; the password step
 * counts per person and client address (`password:<ip>`), so failures from one address
 * cannot lock the person out everywhere — the address throttle bounds what one address
 * may try in all. "password" alone (no address known) is a key of its own.
 */
export type AttemptFactor = string | 'password' | `password:${string}`;

/** What the limiter's methods take: an AttemptFactor, checked when used (a key built at run time is a plain string). */
export type AttemptFactorKey = AttemptFactor | (string & {});

/** The factors whose failures and locks are kept apart (factors/index.ts countedFactorIds), and the password. */
export type CountedFactor = string;

export type AttemptKey = { key: string; factor: CountedFactor };

/** The password step's attempt key for a client address. */
export function passwordAttempt(ip: string): `password:${string}` {
  return `password:${ip}`;
}

/**
 * The stored key of a factor. An emergency token is accepted where TOTP is asked
 * (product.md rule 5), so its failures are TOTP failures and the TOTP lock stops it too:
 * otherwise ten wrong emergency tokens after three wrong codes would be free guesses.
 */
export function attemptKeyOf(factor: AttemptFactorKey): AttemptKey {
  const counted = typeof factor === 'string' ? attemptsCountAs(factor) : undefined;
  if (counted !== undefined && countedFactorIds.includes(counted)) return { key: counted, factor: counted };
  if (factor === 'password') return { key: 'password', factor: 'password' };
  if (typeof factor === 'string' && factor.startsWith('password:')) return { key: `password:${clientAddressKey(factor.slice('password:'.length))}`, factor: 'password' };
  throw new TypeError(`attempts: unknown factor ${JSON.stringify(factor)}`);
}
