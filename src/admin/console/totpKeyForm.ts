import { InvalidInputError } from '../../errors/GatehouseError.ts';
import type { TotpKeyRequest } from '../../factors/totp/createTotpKeyMenu.ts';
import { totpAlgorithms, totpDigits } from '../../factors/totp/totpKeyInput.ts';
import type { AdminVisit } from './AdminVisit.ts';
import type { TotpSubject } from './totpMenuData.ts';
import { asSentence, fieldOfMessage } from '../../directory/schemas/parseInput.ts';

/** Option 8.1's form as typed: every field a string, the boxes ticked or not. */
export type TotpKeyTyped = { key: string; algorithm: string; digits: string; period: string; email: boolean; confirmReplace: boolean };

/** The fields of the form (input ids), and the service's field names that land on them. */
const fieldOfPath: Record<string, keyof TotpKeyTyped> = { key: 'key', secret: 'key', algorithm: 'algorithm', digits: 'digits', period: 'period' };

export type FieldErrors = Partial<Record<keyof TotpKeyTyped, string>>;

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** The form's strings from a POST body (what the admin typed, kept to show again). */
export function readTotpKeyForm(body: Record<string, unknown>): TotpKeyTyped {
  return {
    key: text(body.key),
    algorithm: text(body.algorithm),
    digits: text(body.digits),
    period: text(body.period).trim(),
    email: body.email === 'yes',
    confirmReplace: body.confirm_replace === 'yes',
  };
}

/** A whole number typed as such; anything else goes to the service as typed, which says what is wrong with it. */
const numberOrText = (typed: string) => (/^\d{1,6}$/.test(typed.trim()) ? Number(typed.trim()) : typed);

/** The request the admin API takes (`{key?, algorithm?, digits?, period?}`), from the form: an empty key is a generated one. */
export function totpKeyRequest(typed: TotpKeyTyped): TotpKeyRequest {
  return {
    ...(typed.key.trim() === '' ? {} : { key: typed.key }),
    ...(typed.algorithm === '' ? {} : { algorithm: typed.algorithm }),
    ...(typed.digits === '' ? {} : { digits: numberOrText(typed.digits) }),
    ...(typed.period === '' ? {} : { period: numberOrText(typed.period) }),
  };
}

/**
 * A refusal of the service on its field: its messages start with the field's path
 * ("key: character 3 is not Base32…"). A message naming no field of the form is the
 * summary's alone (undefined here).
 */
export function fieldErrorOf(error: InvalidInputError): FieldErrors | undefined {
  const named = fieldOfMessage(error.message);
  const field = named ? fieldOfPath[named.path] : undefined;
  // Shown under the field's own label, so the sentence starts without the path: "Character 3 is not Base32…".
  return field ? { [field]: asSentence(named!.detail) } : undefined;
}

/** What the form's view shows: the fields as typed (defaults the first time), the choices, the errors, and what replacing means. */
export function totpKeyFormData(subject: TotpSubject, visit: Pick<AdminVisit, 't' | 'csrf'>, typed?: TotpKeyTyped, errors: FieldErrors = {}, summary?: string) {
  const { t } = visit;
  const { person, status, base } = subject;
  const name = person.name;
  const replacing = status.state !== 'none';
  const values = typed ?? { key: '', algorithm: status.algorithm ?? 'SHA1', digits: String(status.digits ?? 6), period: String(status.period ?? 30), email: false, confirmReplace: false };
  return {
    title: t(replacing ? 'admin.totp.create.titleReplace' : 'admin.totp.create.titleNew', { name }),
    name,
    base,
    action: `${base}/create`,
    currentState: t(`admin.totp.state.${status.state}`),
    replaceWarning: status.state === 'active' ? t('admin.totp.create.replaceActive', { name }) : status.state === 'pending' ? t('admin.totp.create.replacePending') : undefined,
    askConfirm: status.state === 'active',
    submitLabel: t(replacing ? 'admin.totp.create.submitReplace' : 'admin.totp.create.submitNew'),
    values,
    algorithms: totpAlgorithms.map((value) => ({ value, selected: value === values.algorithm })),
    digits: totpDigits.map((value) => ({ value: String(value), selected: String(value) === values.digits })),
    // Open the parameters when they are not the defaults, or one of them is refused.
    parametersOpen: values.algorithm !== 'SHA1' || values.digits !== '6' || values.period !== '30' || Boolean(errors.algorithm ?? errors.digits ?? errors.period),
    emailLabel: t('admin.totp.create.email', { name }),
    emailHint: person.email ? t('admin.totp.create.emailHint', { email: person.email }) : t('admin.totp.create.emailNone', { name }),
    canEmail: Boolean(person.email),
    errors,
    summary: summary ?? (Object.keys(errors).length > 0 ? t('admin.totp.create.errors') : undefined),
  };
}
