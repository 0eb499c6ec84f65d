import type { PersonView } from '../../directory/personInput.ts';
import type { MessageKey } from '../../i18n/messages.en.ts';
import type { Translate } from '../../i18n/translate.ts';
import { asSentence } from '../../directory/schemas/parseInput.ts';

/** How a field is typed. Text inputs carry `type` for the keyboard a phone shows; the form is `novalidate`, the services check. */
type Kind = 'text' | 'email' | 'tel' | 'password' | 'select' | 'checkbox';

type FieldDefinition = {
  /** The person document's field (personSchema.ts), also the input's name. */
  name: string;
  kind: Kind;
  label: MessageKey;
  hint?: MessageKey;
  autocomplete?: string;
  /** Only on Add person. */
  addOnly?: true;
  choices?: 'class' | 'ipGroup';
  /** The address's verified mark, drawn as a box under the address. */
  verified?: FieldDefinition;
};

/** The "Modify Person" screen as groups of fields, in the seed's order within each group. */
const groups: { legend: MessageKey; fields: FieldDefinition[] }[] = [
  {
    legend: 'admin.persons.group.identity',
    fields: [
      { name: 'name', kind: 'text', label: 'admin.persons.field.name', hint: 'admin.persons.hint.name', autocomplete: 'off', addOnly: true },
      { name: 'ip_group', kind: 'select', label: 'admin.persons.field.ipGroup', hint: 'admin.persons.hint.ipGroup', choices: 'ipGroup' },
      { name: 'external_id', kind: 'text', label: 'admin.persons.field.externalId', hint: 'admin.persons.hint.externalId', autocomplete: 'off' },
      { name: 'class', kind: 'select', label: 'admin.persons.field.class', hint: 'admin.persons.hint.class', choices: 'class' },
      { name: 'default_user_id', kind: 'text', label: 'admin.persons.field.defaultUserId', hint: 'admin.persons.hint.defaultUserId', autocomplete: 'off' },
      { name: 'user_ids', kind: 'text', label: 'admin.persons.field.userIds', hint: 'admin.persons.hint.userIds', autocomplete: 'off' },
      { name: 'roles', kind: 'text', label: 'admin.persons.field.roles', hint: 'admin.persons.hint.roles', autocomplete: 'off' },
      { name: 'enabled', kind: 'checkbox', label: 'admin.persons.field.enabled', hint: 'admin.persons.hint.enabled' },
    ],
  },
  {
    legend: 'admin.persons.group.contact',
    fields: [
      { name: 'email', kind: 'email', label: 'admin.persons.field.email', hint: 'admin.persons.hint.email', autocomplete: 'off', verified: { name: 'email_verified', kind: 'checkbox', label: 'admin.persons.field.emailVerified', hint: 'admin.persons.hint.verified' } },
      { name: 'cell_phone', kind: 'tel', label: 'admin.persons.field.cellPhone', hint: 'admin.persons.hint.cellPhone', autocomplete: 'off', verified: { name: 'phone_verified', kind: 'checkbox', label: 'admin.persons.field.phoneVerified', hint: 'admin.persons.hint.verified' } },
      { name: 'office_phone', kind: 'tel', label: 'admin.persons.field.officePhone', autocomplete: 'off' },
    ],
  },
  {
    legend: 'admin.persons.group.profile',
    fields: [
      { name: 'id_number', kind: 'text', label: 'admin.persons.field.idNumber', autocomplete: 'off' },
      { name: 'birth_date', kind: 'text', label: 'admin.persons.field.birthDate', hint: 'admin.persons.hint.birthDate', autocomplete: 'off' },
      { name: 'employee_number', kind: 'text', label: 'admin.persons.field.employeeNumber', autocomplete: 'off' },
      { name: 'family_name', kind: 'text', label: 'admin.persons.field.familyName', autocomplete: 'off' },
      { name: 'first_name', kind: 'text', label: 'admin.persons.field.firstName', autocomplete: 'off' },
      { name: 'preferred_language', kind: 'text', label: 'admin.persons.field.language', hint: 'admin.persons.hint.language', autocomplete: 'off' },
    ],
  },
  {
    legend: 'admin.persons.group.password',
    fields: [
      { name: 'password', kind: 'password', label: 'admin.persons.field.password', hint: 'admin.persons.hint.initialPassword', autocomplete: 'new-password', addOnly: true },
      { name: 'password_again', kind: 'password', label: 'admin.persons.field.passwordAgain', autocomplete: 'new-password', addOnly: true },
    ],
  },
];

const fieldsOf = (mode: 'add' | 'edit') => groups.flatMap((group) => group.fields.filter((field) => mode === 'add' || !field.addOnly).flatMap((field) => (field.verified ? [field, field.verified] : [field])));

/** The fields of the form (Add has the name and the password too), by input name: what an error's path is matched against. */
export const personFieldNames = (mode: 'add' | 'edit'): string[] => fieldsOf(mode).map((field) => field.name);

/** The label of a field, for the summary of errors. */
export const personFieldLabel = (name: string): MessageKey | undefined => fieldsOf('add').find((field) => field.name === name)?.label;

/** What the admin sees or typed in each field: texts as typed, checkboxes as booleans. */
export type PersonFormValues = Record<string, string | boolean>;

/** The form's values of a stored person (Work with), or of a new one (Add: enabled, default class). */
export function personFormValues(person?: PersonView): PersonFormValues {
  if (!person) return { enabled: true, class: '*DFT', email_verified: false, phone_verified: false };
  const values: PersonFormValues = {};
  for (const name of personFieldNames('edit')) {
    const value = (person as Record<string, unknown>)[name];
    if (typeof value === 'string' || typeof value === 'boolean') values[name] = value;
    if (Array.isArray(value)) values[name] = value.join(', ');
  }
  return values;
}

export type Choice = { value: string; label: string };
export type FieldChoices = { class: Choice[]; ipGroup: Choice[] };

/** A field as the view draws it: everything decided here, the view only loops. */
export type ShownField = {
  name: string;
  id: string;
  kind: Kind;
  label: string;
  hint?: string;
  error?: string;
  value: string;
  checked: boolean;
  autocomplete?: string;
  choices: (Choice & { selected: boolean })[];
  describedBy?: string;
  verified?: ShownField;
};

/** One field ready to draw; a verified mark comes with its address. */
function shownField(t: Translate, field: FieldDefinition, values: PersonFormValues, choices: FieldChoices, errors: Record<string, string>): ShownField {
  const id = `person-${field.name.replaceAll('_', '-')}`;
  const raw = values[field.name];
  const value = typeof raw === 'string' ? raw : '';
  const listed = field.choices ? choices[field.choices] : [];
  // A value no choice has (a class since gone) stays choosable, so that saving does not change it unseen.
  const all = listed.some((choice) => choice.value.toLowerCase() === value.toLowerCase()) || !field.choices ? listed : [...listed, { value, label: t('admin.persons.choice.unknown', { value }) }];
  const error = errors[field.name] === undefined ? undefined : asSentence(errors[field.name]!);
  const describedBy = [field.hint ? `${id}-hint` : undefined, error ? `${id}-error` : undefined].filter(Boolean).join(' ');
  return {
    name: field.name,
    id,
    kind: field.kind,
    label: t(field.label),
    ...(field.hint ? { hint: t(field.hint) } : {}),
    ...(error ? { error } : {}),
    value,
    checked: raw === true,
    ...(field.autocomplete ? { autocomplete: field.autocomplete } : {}),
    choices: all.map((choice) => ({ ...choice, selected: choice.value.toLowerCase() === value.toLowerCase() })),
    ...(describedBy ? { describedBy } : {}),
    ...(field.verified ? { verified: shownField(t, field.verified, values, choices, errors) } : {}),
  };
}

/** The fieldsets of the person form, ready to draw: labels in the page's language, values, choices and the error of each field. */
export function personFormGroups(t: Translate, mode: 'add' | 'edit', values: PersonFormValues, choices: FieldChoices, errors: Record<string, string>) {
  return groups
    .map((group) => ({
      legend: t(group.legend),
      fields: group.fields
        .filter((field) => mode === 'add' || !field.addOnly)
        .map((field) => shownField(t, field, values, choices, errors)),
    }))
    .filter((group) => group.fields.length > 0);
}
