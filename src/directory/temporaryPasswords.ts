import { randomInt } from 'node:crypto';
import type { Connection } from 'mongoose';
import { InvalidInputError } from '../errors/GatehouseError.ts';
import type { Actor, AuditLog } from '../security/createAuditLog.ts';
import { passwordOwnerOf, type PasswordRules } from '../security/passwordRules.ts';
import { personRepository, type StoredPerson, type StoredTemporaryPassword } from '../store/repositories/personRepository.ts';
import { hashNewPassword, passwordMatches } from './personPasswords.ts';
import type { ResolvedClass } from './personPlanner.ts';

/** "Password must be changed in": 999 is no limit (product.md, class fields). */
export const noTimeLimit = 999;

/** Letters and digits nobody misreads (no 0/O, 1/l/I), read aloud or copied from an SMS. */
const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** Groups of four, joined by dashes: 16 random characters are about 93 bits. */
function randomPassword(length: number): string {
  const characters = Array.from({ length }, () => alphabet[randomInt(alphabet.length)]);
  return characters.join('').match(/.{1,4}/g)!.join('-');
}

/** A number of minutes a temporary password signs in: 1 to 999 (999: no limit). */
export function checkMinutes(value: unknown, field = 'minutes'): number {
  const minutes = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 1 || minutes > noTimeLimit) {
    throw new InvalidInputError(`${field}: a whole number of minutes from 1 to ${noTimeLimit} (${noTimeLimit} = no limit); got ${JSON.stringify(value)}.`);
  }
  return minutes;
}

/**
 * Temporary passwords: made by Gatehouse, given once (on screen, by SMS or email), they
 * sign in only for the class's "Password must be changed in" and only to the page where
 * the person sets their own (interaction/newPasswordStep.ts). Issued by an admin (CLI, API,
 * admin view) or by a password reset; the password itself is never stored or logged.
 */
export function createTemporaryPasswords(connection: Connection, audit: AuditLog, rules: PasswordRules, classes: { resolveClass(person: StoredPerson): Promise<ResolvedClass> }) {
  const persons = personRepository(connection);

  return {
    /** The minutes the person's class gives a temporary password (no class: no limit). */
    async minutesFor(person: StoredPerson): Promise<number> {
      return (await classes.resolveClass(person)).policy?.passwordReset.mustChangeMinutes ?? noTimeLimit;
    },

    /** A new temporary password for the person, replacing their password; returned once, to be given to them. */
    async issue(person: StoredPerson, options: { minutes: number; actor: Actor; reason: StoredTemporaryPassword['reason']; now?: number }): Promise<{ password: string; expiresAt?: Date }> {
      const minutes = checkMinutes(options.minutes);
      const now = options.now ?? Date.now();
      const owner = passwordOwnerOf(person);
      let password = randomPassword(Math.max(16, rules.minimumLength));
      while (rules.problemOf(password, owner)) password = randomPassword(Math.max(16, rules.minimumLength));
      const temporary: StoredTemporaryPassword = { issuedAt: new Date(now), reason: options.reason, ...(minutes === noTimeLimit ? {} : { expiresAt: new Date(now + minutes * 60_000) }) };
      await persons.setTemporaryPassword(person._id, await hashNewPassword(password), temporary, new Date(now));
      await audit.record({
        actor: options.actor,
        action: 'temporary-password',
        entity: 'person',
        entityId: person._id,
        after: { name: person.name, reason: options.reason, expires_at: temporary.expiresAt?.toISOString() ?? null },
      });
      return { password, ...(temporary.expiresAt ? { expiresAt: temporary.expiresAt } : {}) };
    },

    /**
     * The person's own new password, in place of a temporary one (the forced change) or
     * after a reset: the password rules, and not the temporary password again.
     */
    async setOwn(person: StoredPerson, password: string, options: { actor: Actor; reason: 'forced-change' | 'reset'; now?: number }): Promise<void> {
      rules.check(password, passwordOwnerOf(person));
      if (person.temporaryPassword && person.passwordHash && (await passwordMatches(person.passwordHash, password))) {
        throw new InvalidInputError('password: this is the temporary password; choose one of your own.', { messageKey: 'password.rule.temporary' });
      }
      const now = options.now ?? Date.now();
      await persons.setPasswordHash(person._id, await hashNewPassword(password), new Date(now));
      await audit.record({ actor: options.actor, action: 'set-password', entity: 'person', entityId: person._id, after: { name: person.name, password_changed: true, reason: options.reason } });
    },
  };
}

export type TemporaryPasswords = ReturnType<typeof createTemporaryPasswords>;
