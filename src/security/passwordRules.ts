import { InvalidInputError, type MessageParams } from '../errors/GatehouseError.ts';
import type { MessageKey } from '../i18n/messages.en.ts';
import { commonPasswordKey, isCommonPassword } from './commonPasswords.ts';

/**
 * The password rules of Gatehouse, the only place they live: every path that sets a
 * password (add person, set password, put, import; through the CLI, the API, the admin
 * view and the setup page) asks them through the person directory.
 */

/** The lowest and highest PASSWORD_MIN_LENGTH, and its default. */
export const passwordMinimumLengthRange = { lowest: 8, highest: 256, default: 12 } as const;
export const maximumPasswordLength = 256;

/** What a password must not be: the person's user IDs and names. */
export type PasswordOwner = { userIds: readonly string[]; name?: string; firstName?: string; familyName?: string };

/** The owner of a person record (the directory's stored or validated shape). */
export const passwordOwnerOf = (person: { name: string; userIds: readonly string[]; firstName?: string | undefined; familyName?: string | undefined }): PasswordOwner => ({
  name: person.name,
  userIds: person.userIds,
  ...(person.firstName ? { firstName: person.firstName } : {}),
  ...(person.familyName ? { familyName: person.familyName } : {}),
});

export type PasswordRule = 'text' | 'tooShort' | 'tooLong' | 'userId' | 'name' | 'common';

/** Which rule failed: an English sentence for the log, the CLI and the API, and a key + params for pages. */
export type PasswordProblem = { rule: PasswordRule; message: string; messageKey: MessageKey; messageParams: MessageParams };

export type PasswordRules = {
  minimumLength: number;
  maximumLength: number;
  /** The first rule the password fails (in the order: text, length, user ID, name, list), or undefined. */
  problemOf(password: unknown, owner: PasswordOwner): PasswordProblem | undefined;
  /** Throws InvalidInputError naming the failed rule ("password: at least 12 characters…"). */
  check(password: unknown, owner: PasswordOwner, field?: string): void;
};

/** The form passwords are counted, compared and hashed in. */
export const normalizePassword = (password: string) => password.normalize('NFC');

/** Characters as a person counts them: Unicode code points of the NFC form. */
const lengthOf = (text: string) => [...normalizePassword(text)].length;

const problem = (rule: PasswordRule, message: string, messageParams: MessageParams = {}): PasswordProblem => ({ rule, message, messageKey: `password.rule.${rule}`, messageParams });

/** The texts a password must not be, ignoring case and surrounding spaces. */
const ownerKey = (text: string) => commonPasswordKey(text.trim());

function ownerTexts(owner: PasswordOwner): { userIds: Set<string>; names: Set<string> } {
  const first = owner.firstName?.trim();
  const family = owner.familyName?.trim();
  const names = [owner.name, first, family, first && family ? `${first} ${family}` : undefined, first && family ? `${first}${family}` : undefined, first && family ? `${family} ${first}` : undefined];
  return { userIds: new Set(owner.userIds.map(ownerKey)), names: new Set(names.filter((name): name is string => Boolean(name?.trim())).map(ownerKey)) };
}

export function createPasswordRules(options: { minimumLength?: number } = {}): PasswordRules {
  const minimumLength = options.minimumLength ?? passwordMinimumLengthRange.default;
  if (!Number.isInteger(minimumLength) || minimumLength < passwordMinimumLengthRange.lowest || minimumLength > passwordMinimumLengthRange.highest) {
    throw new RangeError(`The minimum password length must be a whole number from ${passwordMinimumLengthRange.lowest} to ${passwordMinimumLengthRange.highest}.`);
  }

  function problemOf(password: unknown, owner: PasswordOwner): PasswordProblem | undefined {
    if (typeof password !== 'string') return problem('text', 'a text is needed.');
    const length = lengthOf(password);
    if (length < minimumLength) return problem('tooShort', `at least ${minimumLength} characters are needed; this one has ${length}.`, { min: minimumLength, length });
    if (length > maximumPasswordLength) return problem('tooLong', `at most ${maximumPasswordLength} characters are allowed; this one has ${length}.`, { max: maximumPasswordLength, length });
    const typed = ownerKey(password);
    const { userIds, names } = ownerTexts(owner);
    if (userIds.has(typed)) return problem('userId', 'it must not be a user ID of the person.');
    if (names.has(typed)) return problem('name', 'it must not be the person\'s name.');
    if (isCommonPassword(password) || isCommonPassword(password.trim())) return problem('common', 'it is on the list of common and breached passwords; choose another.');
    return undefined;
  }

  return {
    minimumLength,
    maximumLength: maximumPasswordLength,
    problemOf,
    check(password, owner, field = 'password') {
      const found = problemOf(password, owner);
      if (found) throw new InvalidInputError(`${field}: ${found.message}`, { messageKey: found.messageKey, messageParams: found.messageParams });
    },
  };
}
