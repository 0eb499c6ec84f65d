import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { SecretBox } from '../security/secretBox.ts';
import { keyringModel, type Keyring, type StoredKey } from '../store/models/keyringModel.ts';

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
  const Keyrings = keyringModel(connection);
  let doc = await Keyrings.findById(ring).lean();
  if (!doc) {
    try {
      await Keyrings.updateOne({ _id: ring }, { $setOnInsert: { keys: [seal(box, ring, create())] } }, { upsert: true });
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
    }
    doc = await Keyrings.findById(ring).lean();
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

/** Adds a new signing key in front; older keys stay to verify what they signed. Returns its kid. */
export async function rotateSigningKey(connection: Connection, box: SecretBox): Promise<{ kid: string; keys: number }> {
  await loadSigningKeys(connection, box);
  const key = newSigningKey();
  const doc = await keyringModel(connection).findOneAndUpdate(
    { _id: 'signing' },
    { $push: { keys: { $each: [seal(box, 'signing', key)], $position: 0 } } },
    { returnDocument: 'after' },
  ).lean();
  return { kid: key.kid, keys: doc!.keys.length };
}
