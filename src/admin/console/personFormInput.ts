import type { PersonView } from '../../directory/personInput.ts';
import { formText } from './personPath.ts';
import type { PersonFormValues } from './personFormFields.ts';

/** The profile and identity texts of the form: sent to the service as typed (it trims and checks them). */
const texts = ['default_user_id', 'class', 'ip_group', 'external_id', 'id_number', 'birth_date', 'cell_phone', 'email', 'employee_number', 'family_name', 'first_name', 'preferred_language', 'office_phone'] as const;

/** "a, b c": a list typed in one field, by commas or spaces. */
const listOf = (text: string) => text.split(/[\s,]+/).filter(Boolean);

const checked = (body: Record<string, unknown>, field: string) => formText(body, field) !== '';

/** The values as typed, to show the form again after a refusal (never the passwords). */
export function typedValues(body: Record<string, unknown>): PersonFormValues {
  const values: PersonFormValues = { name: formText(body, 'name'), user_ids: formText(body, 'user_ids'), roles: formText(body, 'roles') };
  for (const field of texts) values[field] = formText(body, field);
  for (const field of ['enabled', 'email_verified', 'phone_verified']) values[field] = checked(body, field);
  return values;
}

/**
 * Add person: the person document the API takes (personSchema.ts), from the form's
 * strings. A field left empty is left out (the schema's default); the password only when
 * typed (without one the person cannot sign in until an admin sets it).
 */
export function newPersonInput(body: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = { name: formText(body, 'name'), enabled: checked(body, 'enabled'), roles: listOf(formText(body, 'roles')), user_ids: listOf(formText(body, 'user_ids')) };
  for (const field of texts) {
    const value = formText(body, field);
    if (value.trim() !== '') input[field] = value;
  }
  for (const flag of ['email_verified', 'phone_verified']) if (checked(body, flag)) input[flag] = true;
  const password = formText(body, 'password');
  if (password !== '') input.password = password;
  return input;
}

/**
 * Work with: the changes the API's PATCH takes, from the form's strings. Every field of the
 * form is sent (an emptied one as null: removed); the service stores nothing when nothing
 * changed. A verified mark is sent only when the admin changed the box: a mark belongs to
 * the address it was made for, and the service drops it when the address changes (so a new
 * address starts unverified unless its box is ticked now).
 */
export function personChanges(body: Record<string, unknown>, current: PersonView): Record<string, unknown> {
  const changes: Record<string, unknown> = { enabled: checked(body, 'enabled'), roles: listOf(formText(body, 'roles')), user_ids: listOf(formText(body, 'user_ids')) };
  for (const field of texts) {
    const value = formText(body, field);
    changes[field] = value.trim() === '' ? null : value;
  }
  for (const flag of ['email_verified', 'phone_verified'] as const) {
    const ticked = checked(body, flag);
    if (ticked !== (current[flag] === true)) changes[flag] = ticked;
  }
  return changes;
}
