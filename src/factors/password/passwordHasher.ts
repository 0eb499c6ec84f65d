import { hash, verify } from '@node-rs/argon2';

const argon2id = 2; // Algorithm.Argon2id, a const enum that erasable TypeScript cannot import

/** argon2id at the OWASP minimum or above: 19 MiB, 2 passes, 1 lane. */
export const passwordHashParameters = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: argon2id, ...passwordHashParameters });
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** True when a stored hash is weaker than the current parameters (or not argon2id). */
export function passwordHashNeedsUpgrade(passwordHash: string): boolean {
  const match = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(passwordHash);
  if (!match) return true;
  const [m, t, p] = match.slice(1).map(Number) as [number, number, number];
  return m < passwordHashParameters.memoryCost || t < passwordHashParameters.timeCost || p !== passwordHashParameters.parallelism;
}

// Verified against when the user ID is unknown, so both answers take the same time.
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword('gatehouse-decoy-password');
  return decoyHash;
}
