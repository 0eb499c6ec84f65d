import { hash } from '@node-rs/argon2';
import {
  decoyPasswordHash,
  hashPassword,
  passwordHashNeedsUpgrade,
  passwordHashParameters,
  verifyPassword,
} from '../../src/factors/password/passwordHasher.ts';

const argon2i = 1;
const argon2id = 2;

test('the parameters are argon2id at the OWASP minimum: m=19456, t=2, p=1', () => {
  expect(passwordHashParameters).toEqual({ memoryCost: 19_456, timeCost: 2, parallelism: 1 });
});

test('a hash is argon2id with m=19456,t=2,p=1 and a fresh salt each time', async () => {
  const first = await hashPassword('correct horse battery');
  const second = await hashPassword('correct horse battery');
  expect(first).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
  expect(second).not.toBe(first);
  expect(first).not.toContain('correct horse battery');
});

test('verify accepts the password and refuses any other', async () => {
  const stored = await hashPassword('correct horse battery');
  expect(await verifyPassword(stored, 'correct horse battery')).toBe(true);
  expect(await verifyPassword(stored, 'correct horse batterY')).toBe(false);
  expect(await verifyPassword(stored, '')).toBe(false);
});

test('verify answers false, without throwing, for a hash that is not one', async () => {
  expect(await verifyPassword('not a hash', 'anything')).toBe(false);
  expect(await verifyPassword('', 'anything')).toBe(false);
});

test('a current hash needs no upgrade', async () => {
  expect(passwordHashNeedsUpgrade(await hashPassword('correct horse battery'))).toBe(false);
});

test.each([
  ['less memory', { algorithm: argon2id, memoryCost: 4096, timeCost: 2, parallelism: 1 }],
  ['fewer passes', { algorithm: argon2id, memoryCost: 19_456, timeCost: 1, parallelism: 1 }],
  ['both weaker', { algorithm: argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 }],
  ['another lane count', { algorithm: argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 2 }],
  ['argon2i', { algorithm: argon2i, memoryCost: 19_456, timeCost: 2, parallelism: 1 }],
])('a hash with %s needs an upgrade, and still verifies', async (_label, options) => {
  const weaker = await hash('correct horse battery', options);
  expect(passwordHashNeedsUpgrade(weaker)).toBe(true);
  expect(await verifyPassword(weaker, 'correct horse battery')).toBe(true);
});

test('a stronger argon2id hash needs no upgrade', async () => {
  const stronger = await hash('correct horse battery', { algorithm: argon2id, memoryCost: 65_536, timeCost: 3, parallelism: 1 });
  expect(passwordHashNeedsUpgrade(stronger)).toBe(false);
});

test('something that is not an argon2id hash needs an upgrade', () => {
  expect(passwordHashNeedsUpgrade('$2b$12$abcdefghijklmnopqrstuuQ1sZ9m3g0m2y5n8Dq8xQGx1yQ1yQ1yQ')).toBe(true);
  expect(passwordHashNeedsUpgrade('')).toBe(true);
});

test('the decoy hash is a current hash, made once', async () => {
  const decoy = await decoyPasswordHash();
  expect(decoy).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  expect(await decoyPasswordHash()).toBe(decoy);
});
