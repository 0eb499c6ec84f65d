/** A refusal of the services placed on the form: the field it names (when the form has it) and what is wrong, without the path. */
export type FieldError = { field?: string; message: string };

/**
 * The services' messages start with the field's path (`email: "x" is not an email
 * address.`, `user_ids: user ID "pepe" already belongs…`, parseInput.ts): the path before
 * the first ": " (up to its first `.` or `[`) is the input's name when the form has such a
 * field. `rename` maps a path to another input (the default user ID of a user ID clash).
 */
export function fieldErrorOf(message: string, fields: readonly string[], rename: (field: string) => string = (field) => field): FieldError {
  const match = /^([A-Za-z_][\w-]*)(?:[.[][^:]*)?: (.+)$/s.exec(message);
  if (!match) return { message };
  const field = rename(match[1]!);
  return fields.includes(field) ? { field, message: match[2]! } : { message };
}

/** A message shown on its own under its field: "At least 8 characters." (the services' messages follow the field's path in lower case). */
export const asSentence = (message: string) => (/^\p{Ll}/u.test(message) ? message.charAt(0).toUpperCase() + message.slice(1) : message);
