import type { ClassDirectory } from '../directory/classDirectory.ts';
import { validateClassInput } from '../directory/classInput.ts';
import type { ClientDirectory } from '../directory/clientDirectory.ts';
import { validateClientInput } from '../directory/clientDirectory.ts';
import { validateIpGroupInput, type IpGroupDirectory } from '../directory/ipGroupDirectory.ts';
import type { PersonDirectory } from '../directory/personDirectory.ts';
import { validatePersonInput } from '../directory/personDirectory.ts';
import { validateSettingsInput, type SettingsDirectory } from '../directory/settingsDirectory.ts';
import { GatehouseError, InvalidInputError } from '../errors/GatehouseError.ts';
import { hashPassword } from '../factors/password/passwordHasher.ts';
import type { Actor } from '../security/createAuditLog.ts';

/** The sections an import document may have, in the order they are applied (a later one may refer to an earlier one). */
export const importSections = ['ipGroups', 'classes', 'settings', 'clients', 'persons'] as const;

export type ImportCounts = { created: number; updated: number; unchanged: number };

/** The directories an import writes to. */
export type ImportTarget = {
  ipGroups: IpGroupDirectory;
  classes: ClassDirectory;
  settings: SettingsDirectory;
  clients: ClientDirectory;
  persons: PersonDirectory;
};

export type ImportReport = {
  ipGroups: ImportCounts;
  classes: ImportCounts;
  /** Each setting given counts once: created when it was not set before. */
  settings: ImportCounts;
  clients: ImportCounts;
  persons: ImportCounts;
  /** Secrets generated for new confidential clients given without one: shown once, stored only sealed. */
  generated_secrets: { client_id: string; client_secret: string }[];
  /** Things done differently from what the document says, by position. */
  warnings: string[];
};

/** The document was refused as a whole: nothing was written. `problems` name each entry and field. */
export class ImportRejectedError extends GatehouseError {
  readonly problems: string[];

  constructor(problems: string[]) {
    const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
    super(`Nothing was imported: the document has ${count}.`, { status: 400, expose: true });
    this.problems = problems;
  }
}

type PersonEntry = {
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
type Entry = { at: string; input: Record<string, unknown> };

const noCounts = (): ImportCounts => ({ created: 0, updated: 0, unchanged: 0 });

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * "email: bad" at persons[2] → "persons[2].email: bad" (fields may be paths such as
 * factors.P-R.TOTP or ranges[1]); a message without a field → "persons[2]: …".
 */
function problemAt(at: string, error: unknown): string {
  if (!(error instanceof GatehouseError) || !error.expose) throw error;
  return /^[A-Za-z_][\w.[\]-]*: /.test(error.message) ? `${at}.${error.message}` : `${at}: ${error.message}`;
}

function sectionEntries(document: Record<string, unknown>, section: Exclude<(typeof importSections)[number], 'settings'>, problems: string[]): unknown[] {
  const entries = document[section];
  if (entries === undefined) return [];
  if (!Array.isArray(entries)) {
    problems.push(`${section}: a list of ${section}.`);
    return [];
  }
  return entries;
}

/** Where a problem is: its section's rank (unknown sections first) and entry index. */
function positionOf(problem: string): [number, number] {
  const [, section = '', index = '-1'] = /^(\w+)(?:\[(\d+)\])?/.exec(problem) ?? [];
  return [importSections.indexOf(section as (typeof importSections)[number]), Number(index)];
}

/** Problems in document order: top-level keys, then each section in turn, each by index. */
function byPosition(a: string, b: string): number {
  const [sectionA, indexA] = positionOf(a);
  const [sectionB, indexB] = positionOf(b);
  return sectionA - sectionB || indexA - indexB;
}

/** Reports every key given to more than one entry, valid or not, at each later entry. */
function checkDuplicateKeys(section: string, field: string, keys: ({ key: string; shown: string } | undefined)[], note: string, problems: string[]): void {
  const first = new Map<string, number>();
  keys.forEach((entry, index) => {
    if (entry === undefined) return;
    const earlier = first.get(entry.key);
    if (earlier === undefined) first.set(entry.key, index);
    else problems.push(`${section}[${index}].${field}: "${entry.shown}" appears more than once in the document (also ${section}[${earlier}]${note}).`);
  });
}

/** True for the first entry with its key (or one without a key): only those are applied. */
const firstWithKey = (keys: ({ key: string } | undefined)[], index: number) =>
  keys.findIndex((entry) => entry !== undefined && entry.key === keys[index]?.key) === index || keys[index] === undefined;

function checkClients(entries: unknown[], problems: string[]): Entry[] {
  const valid: Entry[] = [];
  const ids = entries.map((input) => (isObject(input) && typeof input.client_id === 'string' ? { key: input.client_id, shown: input.client_id } : undefined));
  checkDuplicateKeys('clients', 'client_id', ids, '', problems);
  entries.forEach((input, index) => {
    const at = `clients[${index}]`;
    if (isObject(input) && input.client_id === undefined) {
      problems.push(`${at}.client_id: required in an import document (it is the key a client is replaced by).`);
      return;
    }
    try {
      validateClientInput(input);
      if (firstWithKey(ids, index)) valid.push({ at, input: input as Record<string, unknown> });
    } catch (error) {
      problems.push(problemAt(at, error));
    }
  });
  return valid;
}

/** Entries of a section keyed by name (ignoring case): ipGroups and classes. */
function checkNamedEntries(section: 'ipGroups' | 'classes', entries: unknown[], validate: (input: unknown) => unknown, problems: string[]): Entry[] {
  const valid: Entry[] = [];
  const names = entries.map((input) => (isObject(input) && typeof input.name === 'string' ? { key: input.name.toLowerCase(), shown: input.name } : undefined));
  checkDuplicateKeys(section, 'name', names, '; names are compared ignoring case', problems);
  entries.forEach((input, index) => {
    const at = `${section}[${index}]`;
    try {
      validate(input);
      if (firstWithKey(names, index)) valid.push({ at, input: input as Record<string, unknown> });
    } catch (error) {
      problems.push(problemAt(at, error));
    }
  });
  return valid;
}

/** The lower-cased names a section of the document gives (valid or not: an invalid entry is reported once, not again by whoever refers to it). */
const namesIn = (entries: unknown[]) => new Set(entries.flatMap((input) => (isObject(input) && typeof input.name === 'string' ? [input.name.toLowerCase()] : [])));

function checkSettings(value: unknown, classNames: Set<string>, problems: string[]): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  try {
    const settings = validateSettingsInput(value);
    if (typeof settings.default_class === 'string' && !classNames.has(settings.default_class.toLowerCase())) {
      problems.push(`settings.default_class: there is no class "${settings.default_class}".`);
      return undefined;
    }
    return value as Record<string, unknown>;
  } catch (error) {
    problems.push(problemAt('settings', error));
    return undefined;
  }
}

/** A person's class and IP group must exist, or be in the document. */
function checkPersonReferences(entries: PersonEntry[], classNames: Set<string>, ipGroupNames: Set<string>, problems: string[]): void {
  for (const entry of entries) {
    if (!entry.className.startsWith('*') && !classNames.has(entry.className.toLowerCase())) {
      problems.push(`${entry.at}.class: there is no class "${entry.className}".`);
    }
    if (entry.ipGroup !== undefined && !ipGroupNames.has(entry.ipGroup.toLowerCase())) {
      problems.push(`${entry.at}.ip_group: there is no IP group "${entry.ipGroup}".`);
    }
  }
}

function checkPersons(entries: unknown[], problems: string[]): PersonEntry[] {
  const valid: PersonEntry[] = [];
  const nameKeys = entries.map((raw) => (isObject(raw) && typeof raw.name === 'string' ? { key: raw.name.toLowerCase(), shown: raw.name } : undefined));
  checkDuplicateKeys('persons', 'name', nameKeys, '; names are compared ignoring case', problems);
  entries.forEach((raw, index) => {
    const at = `persons[${index}]`;
    try {
      if (!isObject(raw)) throw new InvalidInputError('A person must be an object.');
      const { sub, ...input } = raw;
      const badSub = sub !== undefined && (typeof sub !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(sub));
      if (badSub) problems.push(`${at}.sub: 1 to 255 printable ASCII characters without spaces, as exported.`);
      const { person } = validatePersonInput(input);
      if (badSub || !firstWithKey(nameKeys, index)) return;
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
    } catch (error) {
      problems.push(problemAt(at, error));
    }
  });
  return valid;
}

/** The field a user ID of an entry came from: the first is the default user ID. */
const userIdField = (entry: PersonEntry, index: number) => (index === 0 ? 'default_user_id' : 'user_ids');

/** Clashes inside the document and with the persons already stored; returns warnings. */
async function checkPersonClashes(entries: PersonEntry[], persons: PersonDirectory, problems: string[]): Promise<string[]> {
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

/**
 * Applies a declarative document `{ ipGroups, classes, settings, clients, persons }`:
 * each entry creates or replaces the record with its key (IP groups and classes by name,
 * ignoring case; clients by client_id; persons by name, ignoring case); records not in the
 * document stay as they are. Settings given are set (`default_class: null` clears it);
 * those left out stay. Sections are applied in that order, so a person may name a class
 * or IP group of the same document. All or nothing: every entry is checked (fields,
 * duplicates within the document, references to classes and IP groups, user IDs held by
 * other stored persons) and passwords are hashed before the first write, so a refused
 * document — ImportRejectedError listing each problem by position — changes nothing. The
 * database has no transactions: a write that fails for another reason (the database
 * going away, a concurrent change) can leave the entries before it applied.
 */
export async function importDocument(services: ImportTarget, document: unknown, options: { actor?: Actor } = {}): Promise<ImportReport> {
  const sectionList = importSections.map((s) => `"${s}"`).join(', ');
  if (!isObject(document)) throw new ImportRejectedError([`(document): a JSON object with the sections ${sectionList}.`]);
  const problems: string[] = [];
  for (const section of Object.keys(document)) {
    if (!(importSections as readonly string[]).includes(section)) problems.push(`${section}: not a section of an import document (known: ${importSections.join(', ')}).`);
  }
  const ipGroupEntries = sectionEntries(document, 'ipGroups', problems);
  const classEntries = sectionEntries(document, 'classes', problems);
  const ipGroups = checkNamedEntries('ipGroups', ipGroupEntries, validateIpGroupInput, problems);
  const classes = checkNamedEntries('classes', classEntries, validateClassInput, problems);
  const storedClassNames = (await services.classes.list()).map((c) => c.name.toLowerCase());
  const storedIpGroupNames = (await services.ipGroups.list()).map((g) => g.name.toLowerCase());
  const classNames = new Set([...storedClassNames, ...namesIn(classEntries)]);
  const ipGroupNames = new Set([...storedIpGroupNames, ...namesIn(ipGroupEntries)]);
  const settings = checkSettings(document.settings, classNames, problems);
  const clients = checkClients(sectionEntries(document, 'clients', problems), problems);
  const persons = checkPersons(sectionEntries(document, 'persons', problems), problems);
  checkPersonReferences(persons, classNames, ipGroupNames, problems);
  const warnings = await checkPersonClashes(persons, services.persons, problems);
  if (problems.length > 0) throw new ImportRejectedError(problems.toSorted(byPosition));

  // Hashing is the slow part and the last thing that could fail on our side: done before any write.
  for (const entry of persons) {
    const { password, ...rest } = entry.input;
    if (typeof password === 'string') entry.input = { ...rest, password_hash: await hashPassword(password) };
  }

  const actor = options.actor === undefined ? {} : { actor: options.actor };
  const report: ImportReport = {
    ipGroups: noCounts(),
    classes: noCounts(),
    settings: noCounts(),
    clients: noCounts(),
    persons: noCounts(),
    generated_secrets: [],
    warnings,
  };
  for (const entry of ipGroups) report.ipGroups[(await services.ipGroups.put(entry.input, actor)).status] += 1;
  for (const entry of classes) report.classes[(await services.classes.put(entry.input, actor)).status] += 1;
  if (settings !== undefined) {
    for (const [name, value] of Object.entries(settings)) report.settings[(await services.settings.put({ [name]: value }, actor)).status] += 1;
  }
  for (const entry of clients) {
    const { client, status, generatedSecret } = await services.clients.put(entry.input, actor);
    report.clients[status] += 1;
    if (generatedSecret) report.generated_secrets.push({ client_id: client.client_id, client_secret: generatedSecret });
  }
  for (const entry of persons) {
    const { status } = await services.persons.put(entry.input, { ...actor, ...(entry.sub === undefined ? {} : { sub: entry.sub }) });
    report.persons[status] += 1;
  }
  return report;
}
