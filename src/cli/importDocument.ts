import type { ClassDirectory } from '../directory/classDirectory.ts';
import type { ClientDirectory } from '../directory/clientDirectory.ts';
import type { IpGroupDirectory } from '../directory/ipGroupDirectory.ts';
import type { PersonDirectory } from '../directory/personDirectory.ts';
import { classSchema } from '../directory/schemas/classSchema.ts';
import { clientSchema } from '../directory/schemas/clientSchema.ts';
import { importDocumentSchema, type ImportSection } from '../directory/schemas/importDocumentSchema.ts';
import { ipGroupSchema } from '../directory/schemas/ipGroupSchema.ts';
import { describeIssue } from '../directory/schemas/parseInput.ts';
import { settingsSchema } from '../directory/schemas/settingsSchema.ts';
import type { SettingsDirectory } from '../directory/settingsDirectory.ts';
import { hashPassword } from '../factors/password/passwordHasher.ts';
import type { Actor } from '../security/createAuditLog.ts';
import { normalizePassword } from '../security/passwordRules.ts';
import { checkPersonClashes, checkPersonReferences, checkPersons } from './checkImportedPersons.ts';
import { ImportRejectedError } from './ImportRejectedError.ts';
import { byPosition, checkDuplicateKeys, checkEntry, firstWithKey, isObject, nameKeysOf, namesIn, type Entry } from './importProblems.ts';

export { importSections } from '../directory/schemas/importDocumentSchema.ts';
export { ImportRejectedError } from './ImportRejectedError.ts';

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

const noCounts = (): ImportCounts => ({ created: 0, updated: 0, unchanged: 0 });

/**
 * The problems of the document's shape (importDocumentSchema): each unknown section, each
 * section that is not a list. The entries are checked one by one, below.
 */
function shapeProblems(document: unknown): string[] {
  const result = importDocumentSchema.safeParse(document);
  if (result.success) return [];
  return result.error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys' ? issue.keys.map((key) => `${key}: ${issue.message}`) : [issue.path.length === 0 ? `(document): ${issue.message}` : describeIssue(issue)],
  );
}

/** The entries of a list section; none when it is left out or not a list (a problem told by shapeProblems). */
const sectionEntries = (document: Record<string, unknown>, section: Exclude<ImportSection, 'settings'>): unknown[] => {
  const entries = document[section];
  return Array.isArray(entries) ? entries : [];
};

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
    const checked = checkEntry(clientSchema, input, ['clients', index]);
    if ('problem' in checked) problems.push(checked.problem);
    else if (firstWithKey(ids, index)) valid.push({ at, input: input as Record<string, unknown> });
  });
  return valid;
}

/** Entries of a section keyed by name (ignoring case): ipGroups and classes. */
function checkNamedEntries(section: 'ipGroups' | 'classes', entries: unknown[], schema: typeof ipGroupSchema | typeof classSchema, problems: string[]): Entry[] {
  const valid: Entry[] = [];
  const names = nameKeysOf(entries);
  checkDuplicateKeys(section, 'name', names, '; names are compared ignoring case', problems);
  entries.forEach((input, index) => {
    const checked = checkEntry(schema, input, [section, index]);
    if ('problem' in checked) problems.push(checked.problem);
    else if (firstWithKey(names, index)) valid.push({ at: `${section}[${index}]`, input: input as Record<string, unknown> });
  });
  return valid;
}

function checkSettings(value: unknown, classNames: Set<string>, problems: string[]): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  const checked = checkEntry(settingsSchema, value, ['settings']);
  if ('problem' in checked) {
    problems.push(checked.problem);
    return undefined;
  }
  const defaultClass = checked.valid.default_class;
  if (typeof defaultClass === 'string' && !classNames.has(defaultClass.toLowerCase())) {
    problems.push(`settings.default_class: there is no class "${defaultClass}".`);
    return undefined;
  }
  return value as Record<string, unknown>;
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
  const problems = shapeProblems(document);
  if (!isObject(document)) throw new ImportRejectedError(problems);
  const ipGroupEntries = sectionEntries(document, 'ipGroups');
  const classEntries = sectionEntries(document, 'classes');
  const ipGroups = checkNamedEntries('ipGroups', ipGroupEntries, ipGroupSchema, problems);
  const classes = checkNamedEntries('classes', classEntries, classSchema, problems);
  const storedClassNames = (await services.classes.list()).map((c) => c.name.toLowerCase());
  const storedIpGroupNames = (await services.ipGroups.list()).map((g) => g.name.toLowerCase());
  const classNames = new Set([...storedClassNames, ...namesIn(classEntries)]);
  const ipGroupNames = new Set([...storedIpGroupNames, ...namesIn(ipGroupEntries)]);
  const settings = checkSettings(document.settings, classNames, problems);
  const clients = checkClients(sectionEntries(document, 'clients'), problems);
  const persons = checkPersons(sectionEntries(document, 'persons'), problems, services.persons.passwordRules);
  checkPersonReferences(persons, classNames, ipGroupNames, problems);
  const warnings = await checkPersonClashes(persons, services.persons, problems);
  if (problems.length > 0) throw new ImportRejectedError(problems.toSorted(byPosition));

  // Hashing is the slow part and the last thing that could fail on our side: done before any write.
  for (const entry of persons) {
    const { password, ...rest } = entry.input;
    if (typeof password === 'string') entry.input = { ...rest, password_hash: await hashPassword(normalizePassword(password)) };
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
