import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { GatehouseError } from '../errors/GatehouseError.ts';
import type { SecretBox } from '../security/secretBox.ts';
import { keyringRepository, type Keyring, type StoredKey } from '../store/repositories/keyringRepository.ts';

type Jwk = Record<string, unknown> & { kid: string };

const context = (ring: Keyring['_id'], kid: string) => `keyring:${ring}:${kid}`;

function newSigningKey(): Jwk {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  return { ...jwk, kid: randomBytes(12).toString('base64url'), alg: 'RS256', use: 'sig' };
}

function newCookieKey(): Jwk {
  return { kid: randomBytes(6).toString('base64url'), k: randomBytes(32).toString('base64url') };
}

function seal(box: SecretBox, ring: Keyring['_id'], jwk: Jwk): StoredKey {
  return { kid: jwk.kid, sealed: box.seal(JSON.stringify(jwk), context(ring, jwk.kid)), createdAt: new Date() };
}

/**
 * The keys of one ring, created on first use. Two instances starting together on one
 * empty database race on a single upsert of a fixed _id, so both end with the same keys.
 */
async function loadRing(connection: Connection, box: SecretBox, ring: Keyring['_id'], create: () => Jwk): Promise<Jwk[]> {
  const keyrings = keyringRepository(connection);
  let doc = await keyrings.byId(ring);
  if (!doc) {
    try {
      await keyrings.createUnlessExists(ring, [seal(box, ring, create())]);
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
    }
    doc = await keyrings.byId(ring);
  }
  return doc!.keys.map((key) => JSON.parse(box.open(key.sealed, context(ring, key.kid))) as Jwk);
}

/** The provider's private JWKS, newest first: the first signs, all verify. */
export async function loadSigningKeys(connection: Connection, box: SecretBox): Promise<{ keys: Jwk[] }> {
  return { keys: await loadRing(connection, box, 'signing', newSigningKey) };
}

/** Cookie signing keys, newest first. */
export async function loadCookieKeys(connection: Connection, box: SecretBox): Promise<string[]> {
  return (await loadRing(connection, box, 'cookies', newCookieKey)).map((key) => key.k as string);
}

/** What may be shown of a signing key: never its private parts. */
export type SigningKeyFacts = { kid: string; alg: string; kty: string; createdAt: Date };

/** The signing keys of the keyring as stored now, newest first (the newest signs from each server's next start). */
export async function describeSigningKeys(connection: Connection, box: SecretBox): Promise<SigningKeyFacts[]> {
  const ring = await keyringRepository(connection).byId('signing');
  return (ring?.keys ?? []).map((key) => {
    const jwk = JSON.parse(box.open(key.sealed, context('signing', key.kid))) as Jwk;
    return { kid: key.kid, alg: String(jwk.alg ?? ''), kty: String(jwk.kty ?? ''), createdAt: key.createdAt };
  });
}

const lockStaleAfterMs = 60_000;
const lockWaitMs = 30_000;

/**
 * Runs `work` while holding the ring's lock: a document `<ring>.lock` in the keyring
 * collection, taken by inserting it. An insert of an existing _id is the one write the
 * embedded database refuses atomically; its updates are read-modify-write, so two
 * concurrent updates of one document, conditional or `$push`, can both succeed and the
 * second overwrites the first. A lock left by a process that died is taken over once it
 * is older than a minute.
 */
export async function withRingLock<T>(connection: Connection, ring: Keyring['_id'], work: () => Promise<T>): Promise<T> {
  const keyrings = keyringRepository(connection);
  const lock = { _id: `${ring}.lock`, token: randomBytes(12).toString('base64url') };
  const giveUpAt = Date.now() + lockWaitMs;
  for (;;) {
    try {
      await keyrings.insertLock({ ...lock, lockedAt: new Date() });
      break;
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
      await keyrings.deleteLockTakenBefore(lock._id, new Date(Date.now() - lockStaleAfterMs));
      if (Date.now() > giveUpAt) {
        throw new GatehouseError(`The ${ring} keyring stayed locked by another change for ${lockWaitMs / 1000} s; try again.`, { status: 503, expose: true, cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 50));
    }
  }
  try {
    return await work();
  } finally {
    await keyrings.deleteLock(lock);
  }
}

/**
 * Adds a new signing key in front; older keys stay to verify what they signed. Returns its
 * kid. The embedded database ignores `$position` on `$push` (it appends) and does not
 * make a conditional update atomic, so the whole list is written under the ring's lock.
 */
export async function rotateSigningKey(connection: Connection, box: SecretBox): Promise<{ kid: string; keys: number }> {
  await loadSigningKeys(connection, box);
  const keyrings = keyringRepository(connection);
  const key = seal(box, 'signing', newSigningKey());
  return withRingLock(connection, 'signing', async () => {
    const { keys } = (await keyrings.byId('signing'))!;
    await keyrings.replaceKeys('signing', [key, ...keys]);
    return { kid: key.kid, keys: keys.length + 1 };
  });
}
