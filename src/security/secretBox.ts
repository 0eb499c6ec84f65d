import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Seals secrets at rest with AES-256-GCM under the master key. A sealed value reads
 * `v1.<key id>.<iv>.<tag>.<ciphertext>` (base64url), so that values sealed under an older
 * master key can still be opened while a rotation re-seals them.
 */
export type SecretBox = {
  readonly keyId: string;
  seal(plain: string, context: string): string;
  open(sealed: string, context: string): string;
  /** A 32-byte key for one purpose (HKDF-SHA256 of the master key), for MACs that are never stored. */
  deriveKey(purpose: string): Buffer;
  /** The same key derived from each former master key (MASTER_KEYS_PREVIOUS), to find what was keyed under them. */
  derivePreviousKeys(purpose: string): Buffer[];
};

const derive = (key: Buffer, purpose: string) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), purpose, 32));

export function masterKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

/**
 * `context` is bound as associated data: a value sealed as a client secret cannot be
 * opened as a signing key.
 */
export function createSecretBox(masterKeyBase64: string, previousKeysBase64: string[] = []): SecretBox {
  const keys = new Map<string, Buffer>();
  const current = Buffer.from(masterKeyBase64, 'base64');
  if (current.length !== 32) throw new Error('The master key must be 32 bytes.');
  const keyId = masterKeyId(current);
  keys.set(keyId, current);
  for (const previous of previousKeysBase64) {
    const key = Buffer.from(previous, 'base64');
    keys.set(masterKeyId(key), key);
  }

  return {
    keyId,
    seal(plain, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(context));
      const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', keyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
    },
    deriveKey(purpose) {
      return derive(current, purpose);
    },
    derivePreviousKeys(purpose) {
      return [...keys].filter(([id]) => id !== keyId).map(([, key]) => derive(key, purpose));
    },
    open(sealed, context) {
      const [version, id, iv, tag, ciphertext] = sealed.split('.');
      if (version !== 'v1' || !id || !iv || !tag || ciphertext === undefined) throw new Error('Not a sealed value.');
      const key = keys.get(id);
      if (!key) throw new Error(`The value was sealed under master key ${id}, which is not configured.`);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
