import { randomBytes } from 'node:crypto';
import { createArtefactKeys } from '../../src/oidc/createArtefactKeys.ts';
import { createSecretBox } from '../../src/security/secretBox.ts';

const newKey = () => randomBytes(32).toString('base64');

test('the hash of an id is a fixed 43-character base64url HMAC, different under another master key', () => {
  const master = newKey();
  const keys = createArtefactKeys(createSecretBox(master));
  const id = 'q2Xv0wq3n8ZPnQyQ4l2m0S3y6m3Q2m7lU9b1d0t8a3c';
  expect(keys.hash(id)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(keys.hash(id)).toBe(createArtefactKeys(createSecretBox(master)).hash(id));
  expect(keys.hash(id)).not.toBe(createArtefactKeys(createSecretBox(newKey())).hash(id));
  expect(keys.hash(id)).not.toContain(id);
});

test('what is sealed under an id opens only with that id and that master key', () => {
  const master = newKey();
  const keys = createArtefactKeys(createSecretBox(master));
  const sealed = keys.seal('interaction-1', '{"session.cookie":"the session id"}');
  expect(sealed).not.toContain('session id');
  expect(keys.open('interaction-1', sealed)).toBe('{"session.cookie":"the session id"}');
  expect(() => keys.open('interaction-2', sealed)).toThrow();
  expect(() => createArtefactKeys(createSecretBox(newKey())).open('interaction-1', sealed)).toThrow();
});

test('former master keys give the keys records were stored under', () => {
  const [old, current] = [newKey(), newKey()];
  const before = createArtefactKeys(createSecretBox(old));
  const after = createArtefactKeys(createSecretBox(current, [old]));
  expect(after.previous).toHaveLength(1);
  expect(after.previous[0]!.hash('id')).toBe(before.hash('id'));
  expect(after.previous[0]!.open('id', before.seal('id', 'value'))).toBe('value');
  expect(after.hash('id')).not.toBe(before.hash('id'));
});
