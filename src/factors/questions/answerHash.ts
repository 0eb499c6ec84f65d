import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Answers are hashed like passwords, with scrypt and a salt of their own, and the
 * parameters written into the hash (`scrypt$<N>$<r>$<p>$<salt>$<hash>`, base64url) so
 * that they can be raised later without losing the answers already stored. An answer is
 * often guessable (a city, a pet), so a slow hash is what keeps a copied database from
 * giving them away at once. N = 2^14 costs about 16 MiB and some tens of milliseconds.
 */
const parameters = { N: 2 ** 14, r: 8, p: 1 } as const;
const keyLength = 32;

function derive(answer: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(answer, salt, keyLength, { ...options, maxmem: 64 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** The hash of an answer already normalised (normaliseAnswer). */
export async function hashAnswer(normalised: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(normalised, salt, parameters);
  return ['scrypt', parameters.N, parameters.r, parameters.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** Whether a normalised answer matches a stored hash; false for a hash it cannot read. */
export async function answerMatches(stored: string, normalised: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(normalised, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
