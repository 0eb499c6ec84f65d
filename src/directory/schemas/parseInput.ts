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
