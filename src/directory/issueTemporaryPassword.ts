import type { PasswordNotices } from '../delivery/createPasswordNotices.ts';
import type { Actor } from '../security/createAuditLog.ts';
import { currentClientAddress } from '../security/clientAddressScope.ts';
import { storedPersonNamed } from './storedPersonNamed.ts';
import { checkMinutes, type TemporaryPasswords } from './temporaryPasswords.ts';

type Persons = Parameters<typeof storedPersonNamed>[0];

/** What the CLI (--json) and the admin API answer: the password, this once, and when it stops signing in (null: no time limit). */
export type TemporaryPasswordView = { password: string; expires_at: string | null };

/**
 * An admin's temporary password for the person named `name`, for the CLI, the admin API
 * and the admin view: `minutes` as given (checked before anything is looked up or changed;
 * `field` names it in the refusal) or, left out, the class's "Password must be changed in".
 * Audited by temporaryPasswords.issue (action `temporary-password`, never the password); the person gets the notice email.
 */
export async function issueTemporaryPassword(
  { persons, temporaryPasswords, passwordNotices }: { persons: Persons; temporaryPasswords: Pick<TemporaryPasswords, 'issue' | 'minutesFor'>; passwordNotices: Pick<PasswordNotices, 'send'> },
  name: string,
  options: { minutes?: unknown; actor: Actor; field?: string },
): Promise<{ name: string; issued: TemporaryPasswordView }> {
  const given = options.minutes === undefined ? undefined : checkMinutes(options.minutes, options.field);
  const person = await storedPersonNamed(persons, name);
  const minutes = given ?? (await temporaryPasswords.minutesFor(person));
  const { password, expiresAt } = await temporaryPasswords.issue(person, { minutes, actor: options.actor, reason: 'admin' });
  const address = currentClientAddress();
  // The person hears of it (never the password): their own password stopped working.
  await passwordNotices.send(person, { kind: 'temporary-password-issued', verifiedBy: 'administrator', ...(address ? { address } : {}) });
  return { name: person.name, issued: { password, expires_at: expiresAt?.toISOString() ?? null } };
}
