import type { ClassView } from '../../directory/classDirectory.ts';
import type { Translate } from '../../i18n/translate.ts';
import { fieldOfMessage } from '../../directory/schemas/parseInput.ts';

/** The fields of the setup form, by their input's name. */
export type SetupField = 'name' | 'user_id' | 'email' | 'password' | 'password_again' | 'language' | 'class';

/** What was typed (never the passwords, which are not shown again). */
export type SetupValues = { name: string; user_id: string; email: string; language: string; class: string };

export type SetupErrors = Partial<Record<SetupField, string>>;

/** The languages a new administrator may choose, by the screen's codes; each named in itself. */
export const setupLanguages = [
  { value: 'ENG', label: 'English', locale: 'en' },
  { value: 'SPA', label: 'Español', locale: 'es' },
] as const;

/** The class made for the first administrator when no class fits: TOTP at sign-in (MFA) and for elevated access (AOD). */
export const newAdminClass = (name: string) => ({
  name,
  text: 'Administrators',
  mfa_device: 'S',
  no_screen_channel: 'E',
  allow_otp_instead_of_totp: 'N',
  factors: { MFA: { TOTP: 1 }, AOD: { TOTP: 1 } },
});

/** A class the first administrator can open the admin view with: one that asks for TOTP for elevated access (AOD), which the setup enrols. */
export const fitsFirstAdmin = (view: ClassView) => typeof view.factors.AOD.TOTP === 'number';

/** ADMIN, or ADMIN2, ADMIN3… when a class of that name exists (and does not fit). */
export function freeClassName(classes: readonly ClassView[]): string {
  const taken = new Set(classes.map((view) => view.name.toUpperCase()));
  for (let n = 1; ; n += 1) {
    const name = n === 1 ? 'ADMIN' : `ADMIN${n}`;
    if (!taken.has(name)) return name;
  }
}

const text = (body: Record<string, string>, field: string) => (typeof body[field] === 'string' ? body[field]!.trim() : '');

export function readSetupForm(body: Record<string, string>): { values: SetupValues; password: string; passwordAgain: string } {
  return {
    values: { name: text(body, 'name'), user_id: text(body, 'user_id'), email: text(body, 'email'), language: text(body, 'language'), class: text(body, 'class') },
    password: typeof body.password === 'string' ? body.password : '',
    passwordAgain: typeof body.password_again === 'string' ? body.password_again : '',
  };
}

/** What the form itself checks, before the directory does: fields left empty, the two passwords, a class or language not offered. */
export function checkSetupForm(form: ReturnType<typeof readSetupForm>, offered: { classes: readonly string[] }, t: Translate): SetupErrors {
  const errors: SetupErrors = {};
  for (const field of ['name', 'user_id'] as const) if (!form.values[field]) errors[field] = t('setup.required');
  if (!form.password) errors.password = t('setup.required');
  else if (form.password !== form.passwordAgain) errors.password_again = t('setup.mismatch');
  if (!setupLanguages.some((language) => language.value === form.values.language)) errors.language = t('setup.required');
  if (form.values.class && !offered.classes.includes(form.values.class)) errors.class = t('setup.unknownClass');
  return errors;
}

/** The person as the directory takes it (the shared schema checks it): the admin role, the class chosen or made. */
export const personInputOf = (values: SetupValues, password: string, className: string) => ({
  name: values.name,
  default_user_id: values.user_id,
  ...(values.email ? { email: values.email } : {}),
  password,
  preferred_language: values.language,
  class: className,
  roles: ['admin'],
});

/** The form's field for the path a directory message starts with (parseInput.ts: "email: … "). */
const fieldOfPath: Record<string, SetupField> = { name: 'name', default_user_id: 'user_id', user_ids: 'user_id', email: 'email', password: 'password', preferred_language: 'language', class: 'class' };

/** A message of the directory next to its field (the path before the first ": " dropped), or undefined when it names no field of the form. */
export function errorOfMessage(message: string): SetupErrors | undefined {
  const named = fieldOfMessage(message);
  const field = named ? fieldOfPath[named.root] : undefined;
  return field ? { [field]: named!.detail } : undefined;
}

/** The text inputs of the form, in order, as the view draws them. */
export function setupInputs(values: SetupValues, errors: SetupErrors, t: Translate, minimumPasswordLength: number) {
  const input = (field: SetupField, label: string, type: string, autocomplete: string, value: string, hint?: string) => ({ field, label, type, autocomplete, value, hint, error: errors[field], required: field !== 'email' });
  return [
    input('name', t('setup.name'), 'text', 'off', values.name, t('setup.nameHint')),
    input('user_id', t('setup.userId'), 'text', 'username', values.user_id, t('setup.userIdHint')),
    input('email', t('setup.email'), 'email', 'email', values.email, t('setup.emailHint')),
    input('password', t('setup.password'), 'password', 'new-password', '', t('setup.passwordHint', { min: minimumPasswordLength })),
    input('password_again', t('setup.passwordAgain'), 'password', 'new-password', ''),
  ];
}
