import type { z } from 'zod';
import { importSections, type ImportSection } from '../directory/schemas/importDocumentSchema.ts';
import { describeIssue, firstIssue } from '../directory/schemas/parseInput.ts';

/** What the checks of an import document share: entries by position, their problems, duplicate keys. */

export type Entry = { at: string; input: Record<string, unknown> };

export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * An entry as its schema makes it, or the problem with it named by position and field:
 * "persons[2].email: …" (fields may be paths such as factors.P-R.TOTP or ranges[1]), or
 * "persons[2]: …" for a message about the whole entry.
 */
export function checkEntry<Schema extends z.ZodType>(schema: Schema, input: unknown, at: PropertyKey[]): { valid: z.output<Schema> } | { problem: string } {
  const result = schema.safeParse(input);
  return result.success ? { valid: result.data } : { problem: describeIssue(firstIssue(result.error.issues), at) };
}

/** Where a problem is: its section's rank (unknown sections first) and entry index. */
function positionOf(problem: string): [number, number] {
  const [, section = '', index = '-1'] = /^(\w+)(?:\[(\d+)\])?/.exec(problem) ?? [];
  return [importSections.indexOf(section as ImportSection), Number(index)];
}

/** Problems in document order: top-level keys, then each section in turn, each by index. */
export function byPosition(a: string, b: string): number {
  const [sectionA, indexA] = positionOf(a);
  const [sectionB, indexB] = positionOf(b);
  return sectionA - sectionB || indexA - indexB;
}

/** Reports every key given to more than one entry, valid or not, at each later entry. */
export function checkDuplicateKeys(section: string, field: string, keys: ({ key: string; shown: string } | undefined)[], note: string, problems: string[]): void {
  const first = new Map<string, number>();
  keys.forEach((entry, index) => {
    if (entry === undefined) return;
    const earlier = first.get(entry.key);
    if (earlier === undefined) first.set(entry.key, index);
    else problems.push(`${section}[${index}].${field}: "${entry.shown}" appears more than once in the document (also ${section}[${earlier}]${note}).`);
  });
}

/** True for the first entry with its key (or one without a key): only those are applied. */
export const firstWithKey = (keys: ({ key: string } | undefined)[], index: number) =>
  keys.findIndex((entry) => entry !== undefined && entry.key === keys[index]?.key) === index || keys[index] === undefined;

/** The lower-cased names a section of the document gives (valid or not: an invalid entry is reported once, not again by whoever refers to it). */
export const namesIn = (entries: unknown[]) => new Set(entries.flatMap((input) => (isObject(input) && typeof input.name === 'string' ? [input.name.toLowerCase()] : [])));

/** Names in a section, by entry, for the duplicate check: the key ignoring case and the name as given. */
export const nameKeysOf = (entries: unknown[]) => entries.map((input) => (isObject(input) && typeof input.name === 'string' ? { key: input.name.toLowerCase(), shown: input.name } : undefined));
