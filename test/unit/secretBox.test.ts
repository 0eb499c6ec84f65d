import { randomBytes } from 'node:crypto';
import { createSecretBox, masterKeyId } from '../../src/security/secretBox.ts';

const newKey = () => randomBytes(32).toString('base64');

/** The same base64url text with one bit of its first byte flipped. */
function flip(part: string): string {
  const bytes = Buffer.from(part, 'base64url');
  bytes[0] = bytes[0]! ^ 0x01;
  return bytes.toString('base64url');
}

test('seal then open gives the value back; the sealed form does not contain it', () => {
  const box = createSecretBox(newKey());
  const secret = 'JBSWY3DPEHPK3PXP — a TOTP key, ünïcode included';
  const sealed = box.seal(secret, 'totp:person-1');
  expect(sealed).toMatch(/^v1\.[0-9a-f]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/);
  expect(sealed).not.toContain(secret);
  expect(sealed).not.toContain(Buffer.from(secret).toString('base64url'));
  expect(box.open(sealed, 'totp:person-1')).toBe(secret);
});

test('sealing the same value twice gives two different boxes (fresh IV)', () => {
  const box = createSecretBox(newKey());
  const one = box.seal('same', 'ctx');
  const two = box.seal('same', 'ctx');
  expect(one).not.toBe(two);
  expect(box.open(one, 'ctx')).toBe(box.open(two, 'ctx'));
});

test('the empty string round-trips', () => {
  const box = createSecretBox(newKey());
  expect(box.open(box.seal('', 'ctx'), 'ctx')).toBe('');
});

test('the context is bound: opening under another context fails', () => {
  const box = createSecretBox(newKey());
  const sealed = box.seal('client secret value', 'client-secret:web-app');
  expect(() => box.open(sealed, 'client-secret:other-app')).toThrow();
  expect(() => box.open(sealed, 'keyring:signing:kid')).toThrow();
  expect(() => box.open(sealed, '')).toThrow();
});

test('tampering with any part of the box makes it fail', () => {
  const box = createSecretBox(newKey());
  const sealed = box.seal('a secret worth protecting', 'ctx');
  const [version, id, iv, tag, ciphertext] = sealed.split('.') as [string, string, string, string, string];
  for (const tampered of [
    [version, id, flip(iv), tag, ciphertext],
    [version, id, iv, flip(tag), ciphertext],
    [version, id, iv, tag, flip(ciphertext)],
    [version, id, iv, tag, ciphertext.slice(0, -2)],
    [version, id, iv, tag, `${ciphertext}AA`],
  ]) {
    expect(() => box.open(tampered.join('.'), 'ctx')).toThrow();
  }
  expect(() => box.open(['v2', id, iv, tag, ciphertext].join('.'), 'ctx')).toThrow(/Not a sealed value/);
  expect(() => box.open('not a box at all', 'ctx')).toThrow(/Not a sealed value/);
});

test('another master key cannot open the box, and says which key is missing', () => {
  const key = newKey();
  const sealed = createSecretBox(key).seal('secret', 'ctx');
  const other = createSecretBox(newKey());
  expect(() => other.open(sealed, 'ctx')).toThrow(new RegExp(masterKeyId(Buffer.from(key, 'base64'))));
});

test('a box that lists the previous key opens values sealed under it, and seals under the new one', () => {
  const previous = newKey();
  const current = newKey();
  const sealedBefore = createSecretBox(previous).seal('old secret', 'ctx');

  const rotated = createSecretBox(current, [previous]);
  expect(rotated.open(sealedBefore, 'ctx')).toBe('old secret');
  expect(rotated.keyId).toBe(masterKeyId(Buffer.from(current, 'base64')));

  const resealed = rotated.seal('old secret', 'ctx');
  expect(resealed.split('.')[1]).toBe(rotated.keyId);
  expect(createSecretBox(current).open(resealed, 'ctx')).toBe('old secret');
  expect(() => createSecretBox(previous).open(resealed, 'ctx')).toThrow();
  // The context is still bound with the previous key.
  expect(() => rotated.open(sealedBefore, 'other')).toThrow();
});

test('a master key that is not 32 bytes is refused', () => {
  expect(() => createSecretBox(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  expect(() => createSecretBox('')).toThrow(/32 bytes/);
});

test('derivePreviousKeys gives, per former master key, the key that key derived; never the current one', () => {
  const [old, current] = [newKey(), newKey()];
  const before = createSecretBox(old);
  const after = createSecretBox(current, [old, current]);
  expect(after.derivePreviousKeys('purpose')).toEqual([before.deriveKey('purpose')]);
  expect(after.deriveKey('purpose')).not.toEqual(before.deriveKey('purpose'));
  expect(createSecretBox(current).derivePreviousKeys('purpose')).toEqual([]);
});
