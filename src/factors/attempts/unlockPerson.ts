import { InvalidInputError } from '../../errors/GatehouseError.ts';
import type { Actor } from '../../security/createAuditLog.ts';
import { countedFactorIds } from '../index.ts';
import type { CountedFactor } from './attemptKey.ts';
import type { AttemptLimiter } from './createAttemptLimiter.ts';

/** What an admin may unlock by name (emergency tokens share TOTP's lock; "password" is every address). */
export const unlockableFactors: readonly CountedFactor[] = [...countedFactorIds, 'password'];

/** The factor of an unlock request, matched ignoring case; undefined (not given) means every factor. */
export function checkUnlockFactor(value: unknown): CountedFactor | undefined {
  if (value === undefined || value === null) return undefined;
  const factor = typeof value === 'string' ? unlockableFactors.find((known) => known.toLowerCase() === value.trim().toLowerCase()) : undefined;
  if (factor === undefined) throw new InvalidInputError(`factor: one of ${unlockableFactors.join(', ')}, or none for every factor; got ${JSON.stringify(value)}.`);
  return factor;
}

type Persons = { show(name: string): Promise<{ sub: string; name: string }> };

/** The answer of the CLI (--json) and the API, in their field style. */
export type UnlockView = { name: string; sub: string; factor: string; locks_cleared: number; failures_cleared: number };

/** "Unlock" of option 9, for the CLI and the admin API: the person by name, one factor or all; audited with the actor. */
export async function unlockPerson(
  { persons, attempts }: { persons: Persons; attempts: Pick<AttemptLimiter, 'unlock'> },
  name: string,
  factor: unknown,
  options: { actor: Actor },
): Promise<UnlockView> {
  const checked = checkUnlockFactor(factor);
  const person = await persons.show(name);
  const result = await attempts.unlock(person.sub, checked, { actor: options.actor, personName: person.name });
  return { name: person.name, sub: person.sub, factor: result.factor, locks_cleared: result.locksCleared, failures_cleared: result.failuresCleared };
}
