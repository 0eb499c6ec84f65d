import type { PersonDirectory } from '../directory/personDirectory.ts';
import { importedSubSchema } from '../directory/schemas/importDocumentSchema.ts';
import { personSchema } from '../directory/schemas/personSchema.ts';
import { passwordOwnerOf, type PasswordRules } from '../security/passwordRules.ts';
import { checkDuplicateKeys, checkEntry, firstWithKey, isObject, nameKeysOf } from './importProblems.ts';

/** The persons of an import document: each entry, names and user IDs unique in the document and against the stored persons, references. */

export type PersonEntry = {
  at: string;
  input: Record<string, unknown>;
  sub?: string;
  name: string;
  nameKey: string;
  userIds: string[];
  userIdKeys: string[];
  className: string;
  ipGroup?: string;
};

/**
 * Each entry checked (a bad sub and a bad field of the same entry are both told), a plain
 * password against the password rules too; the first entry of each name is applied.
 */
export function checkPersons(entries: unknown[], problems: string[], passwordRules: PasswordRules): PersonEntry[] {
  const valid: PersonEntry[] = [];
  const nameKeys = nameKeysOf(entries);
  checkDuplicateKeys('persons', 'name', nameKeys, '; names are compared ignoring case', problems);
  entries.forEach((raw, index) => {
    const at = `persons[${index}]`;
    const { sub, ...input } = isObject(raw) ? raw : {};
    const subChecked = isObject(raw) ? checkEntry(importedSubSchema, sub, ['persons', index, 'sub']) : { valid: undefined };
    if ('problem' in subChecked) problems.push(subChecked.problem);
    const checked = checkEntry(personSchema, isObject(raw) ? input : raw, ['persons', index]);
    if ('problem' in checked) return void problems.push(checked.problem);
    if ('problem' in subChecked || !firstWithKey(nameKeys, index)) return;
    const { person, password } = checked.valid;
    const passwordProblem = password === undefined ? undefined : passwordRules.problemOf(password, passwordOwnerOf(person));
    if (passwordProblem) return void problems.push(`${at}.password: ${passwordProblem.message}`);
    valid.push({
      at,
      input,
      sub: sub as string | undefined,
      name: person.name,
      nameKey: person.nameKey,
      userIds: person.userIds,
      userIdKeys: person.userIdKeys,
      className: person.className,
      ...(person.ipGroup ? { ipGroup: person.ipGroup } : {}),
    });
  });
  return valid;
}

/** A person's class and IP group must exist, or be in the document. */
export function checkPersonReferences(entries: PersonEntry[], classNames: Set<string>, ipGroupNames: Set<string>, problems: string[]): void {
  for (const entry of entries) {
    if (!entry.className.startsWith('*') && !classNames.has(entry.className.toLowerCase())) {
      problems.push(`${entry.at}.class: there is no class "${entry.className}".`);
    }
    if (entry.ipGroup !== undefined && !ipGroupNames.has(entry.ipGroup.toLowerCase())) {
      problems.push(`${entry.at}.ip_group: there is no IP group "${entry.ipGroup}".`);
    }
  }
}

/** The field a user ID of an entry came from: the first is the default user ID. */
const userIdField = (entry: PersonEntry, index: number) => (index === 0 ? 'default_user_id' : 'user_ids');

/** Clashes inside the document and with the persons already stored; returns warnings. */
export async function checkPersonClashes(entries: PersonEntry[], persons: PersonDirectory, problems: string[]): Promise<string[]> {
  const warnings: string[] = [];
  const names = new Set(entries.map((entry) => entry.nameKey));
  const userIds = new Map<string, PersonEntry>();
  const subs = new Map<string, PersonEntry>();
  for (const entry of entries) {
    entry.userIdKeys.forEach((userIdKey, index) => {
      const holder = userIds.get(userIdKey);
      if (holder) problems.push(`${entry.at}.${userIdField(entry, index)}: user ID "${entry.userIds[index]}" is also given to ${holder.at} ("${holder.name}") in the document.`);
      else userIds.set(userIdKey, entry);
    });
    if (entry.sub !== undefined) {
      const holder = subs.get(entry.sub);
      if (holder) problems.push(`${entry.at}.sub: "${entry.sub}" is also the sub of ${holder.at} ("${holder.name}") in the document.`);
      else subs.set(entry.sub, entry);
    }
  }

  const stored = await persons.listIdentities();
  const storedByName = new Map(stored.map((person) => [person.nameKey, person]));
  const storedBySub = new Map(stored.map((person) => [person.sub, person]));
  const storedByUserId = new Map(stored.flatMap((person) => person.userIdKeys.map((userIdKey) => [userIdKey, person] as const)));
  for (const entry of entries) {
    const same = storedByName.get(entry.nameKey);
    entry.userIdKeys.forEach((userIdKey, index) => {
      const holder = storedByUserId.get(userIdKey);
      if (holder && holder.sub !== same?.sub) {
        const alsoReplaced = names.has(holder.nameKey) ? `; moving a user ID takes two imports: first "${holder.name}" without it, then this one` : '';
        problems.push(`${entry.at}.${userIdField(entry, index)}: user ID "${entry.userIds[index]}" belongs to the existing person "${holder.name}"${alsoReplaced}.`);
      }
    });
    if (entry.sub === undefined) continue;
    if (same && same.sub !== entry.sub) {
      warnings.push(`${entry.at}.sub: "${entry.name}" already exists with sub "${same.sub}", which is kept (a sub never changes).`);
    } else if (!same) {
      const holder = storedBySub.get(entry.sub);
      if (holder) problems.push(`${entry.at}.sub: "${entry.sub}" is the sub of the existing person "${holder.name}".`);
    }
  }
  return warnings;
}
