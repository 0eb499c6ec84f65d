import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { SecretBox } from '../security/secretBox.ts';

/**
 * How oidc artefacts are keyed at rest (as Ory Hydra stores token signatures, never tokens):
 * a record is stored under the keyed hash of its id, so that only the presented value finds
 * it and a copy of the database holds no live token, code, session or interaction id.
 */
export type ArtefactKeys = {
  /** HMAC-SHA256 of a presented id (or uid, user code), base64url: the stored key. */
  hash(value: string): string;
  /** Seals values that must come back with the record, under a key only `id` gives. */
  seal(id: string, plain: string): string;
  /** Opens what `seal(id, …)` sealed; throws when it was sealed for another id or key. */
  open(id: string, sealed: string): string;
  /**
   * The same under each former master key (MASTER_KEYS_PREVIOUS): records keyed under one
   * are still found while it is configured, and moved to the current key when they are.
   */
  readonly previous: readonly ArtefactKeys[];
};

const hashPurpose = 'gatehouse artefact id';
const sealPurpose = 'gatehouse artefact seal';

// Two keys, so that no stored hash can ever equal a sealing key.
function artefactKeys(hashKey: Buffer, sealKey: Buffer, previous: readonly ArtefactKeys[]): ArtefactKeys {
  const keyFor = (id: string) => createHmac('sha256', sealKey).update(id).digest();
  return {
    previous,
    hash(value) {
      return createHmac('sha256', hashKey).update(value).digest('base64url');
    },
    seal(id, plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keyFor(id), iv);
      const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url')).join('.');
    },
    open(id, sealed) {
      const [iv, tag, ciphertext] = sealed.split('.');
      if (!iv || !tag || ciphertext === undefined) throw new Error('Not a sealed artefact value.');
      const decipher = createDecipheriv('aes-256-gcm', keyFor(id), Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

export function createArtefactKeys(secretBox: Pick<SecretBox, 'deriveKey' | 'derivePreviousKeys'>): ArtefactKeys {
  const previousSealKeys = secretBox.derivePreviousKeys(sealPurpose);
  const previous = secretBox.derivePreviousKeys(hashPurpose).map((hashKey, i) => artefactKeys(hashKey, previousSealKeys[i]!, []));
  return artefactKeys(secretBox.deriveKey(hashPurpose), secretBox.deriveKey(sealPurpose), previous);
}
