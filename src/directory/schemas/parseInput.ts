import type { z } from 'zod';
import { InvalidInputError } from '../../errors/GatehouseError.ts';

type Issue = z.core.$ZodIssue;

/** "factors.P-R.TOTP", "ranges[1]": the path of a field as the messages name it. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => (typeof key === 'number' ? `${text}[${key}]` : text === '' ? String(key) : `${text}.${String(key)}`), '');
}

/** Where an issue is: an unknown field is named by its own path (the object's path and the key). */
const issuePath = (issue: Issue): PropertyKey[] => (issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : [...issue.path]);

const startsWith = (path: readonly PropertyKey[], prefix: readonly PropertyKey[]) => prefix.every((key, index) => path[index] === key);

/**
 * The issue to report of several: the first, unless an object on its way has an unknown
 * field, which is told first (as the hand-written checks did: fields of an object are
 * only looked at once the object has only known fields).
 */
export function firstIssue(issues: readonly Issue[]): Issue {
  const first = issues[0]!;
  const unknown = issues.filter((issue) => issue.code === 'unrecognized_keys' && startsWith(first.path, issue.path));
  return unknown.toSorted((a, b) => a.path.length - b.path.length)[0] ?? first;
}

/** "email: "x" is not an email address." — the message of an issue, starting with the field it is about. */
export function describeIssue(issue: Issue, at: readonly PropertyKey[] = []): string {
  const path = fieldPath([...at, ...issuePath(issue)]);
  return path === '' ? issue.message : `${path}: ${issue.message}`;
}

/**
 * The input as the schema makes it (normalised, defaults filled in); an InvalidInputError
 * naming the first refused field otherwise (`at`: where the input is, when it is one field
 * of a larger one). Every schema's messages are written to follow the field's path ("a
 * whole number from 0 to 10; got 11.").
 */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown, at: readonly PropertyKey[] = []): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidInputError(describeIssue(firstIssue(result.error.issues), at));
}

/** What a message of describeIssue names: its field's path ("factors.MFA.TOTP", "ranges[1]"), the path's first name ("factors", "ranges") and what is wrong. */
export type FieldMessage = { path: string; root: string; detail: string };

/** The field a message starts with, the inverse of describeIssue (a sentence has no colon right after its first word); undefined when it names none. */
export function fieldOfMessage(message: string): FieldMessage | undefined {
  const match = /^([A-Za-z_][\w-]*)([.[][\w.[\]-]*)?: (.+)$/s.exec(message);
  return match ? { path: `${match[1]}${match[2] ?? ''}`, root: match[1]!, detail: match[3]! } : undefined;
}

/** A message shown on its own under its field's label, as a sentence: "a priority from 1 to 9." → "A priority from 1 to 9.". */
export const asSentence = (message: string) => (/^\p{Ll}/u.test(message) ? message.charAt(0).toUpperCase() + message.slice(1) : message);

