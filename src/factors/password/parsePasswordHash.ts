import { passwordHashParameters } from './passwordHasher.ts';

/** Bounds above which verifying a hash would cost the server more than a sign-in may (a hash is work chosen by whoever wrote it). */
const maxMemoryKiB = 262_144;
const maxPasses = 16;
const maxLanes = 16;

const phcPattern = /^\$argon2id\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

const decodedLength = (unpadded: string) => Math.floor((unpadded.length * 3) / 4);

/**
 * Why `value` cannot be taken as a person's password hash, or undefined when it can: an
 * argon2id hash in the PHC string form (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`, as Gatehouse
 * exports it), version 19, with parameters no weaker than Gatehouse's own (memory, passes)
 * and not so costly that verifying it would tie up the server, a salt of at least 8 bytes
 * and a hash of at least 16.
 */
export function passwordHashProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'an argon2id hash as exported by Gatehouse ($argon2id$v=19$m=…,t=…,p=…$salt$hash).';
  const match = phcPattern.exec(value);
  if (!match) return 'not an argon2id hash in the form $argon2id$v=19$m=…,t=…,p=…$salt$hash (other algorithms, argon2i and argon2d are not accepted).';
  const [version, memory, passes, lanes] = match.slice(1, 5).map(Number) as [number, number, number, number];
  const [salt, hash] = [match[5]!, match[6]!];
  const { memoryCost, timeCost } = passwordHashParameters;
  if (version !== 19) return `argon2 version ${version}; only version 19 is accepted.`;
  if (memory < memoryCost || passes < timeCost) return `parameters m=${memory},t=${passes} are weaker than Gatehouse's (m=${memoryCost},t=${timeCost} at least).`;
  if (memory > maxMemoryKiB || passes > maxPasses || lanes < 1 || lanes > maxLanes) {
    return `parameters m=${memory},t=${passes},p=${lanes} are outside what Gatehouse verifies (m at most ${maxMemoryKiB}, t at most ${maxPasses}, p from 1 to ${maxLanes}).`;
  }
  if (decodedLength(salt) < 8) return 'the salt is shorter than 8 bytes.';
  if (decodedLength(hash) < 16) return 'the hash is shorter than 16 bytes.';
  return undefined;
}
