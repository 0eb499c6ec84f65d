import { fieldOfMessage } from '../../directory/schemas/parseInput.ts';

/** A refusal of the services placed on the form: the field it names (when the form has it) and what is wrong, without the path. */
export type FieldError = { field?: string; message: string };

/**
 * The services' messages start with the field's path (`email: "x" is not an email
 * address.`, `user_ids: user ID "pepe" already belongs…`, parseInput.ts): the path before
 * the first ": " (up to its first `.` or `[`) is the input's name when the form has such a
 * field. `rename` maps a path to another input (the default user ID of a user ID clash).
 */
export function fieldErrorOf(message: string, fields: readonly string[], rename: (field: string) => string = (field) => field): FieldError {
  const named = fieldOfMessage(message);
  if (!named) return { message };
  const field = rename(named.root);
  return fields.includes(field) ? { field, message: named.detail } : { message };
}
