import type { IpGroupInput } from '../../directory/ipGroupDirectory.ts';
import type { Translate } from '../../i18n/translate.ts';
import { fieldId, formField, formString, type FormField, type Refusal, type SummaryLine } from './classFormField.ts';
import { asSentence } from '../../directory/schemas/parseInput.ts';

// The IP group form: name (new only), text, and the ranges one per line in a textarea.

export type IpGroupFormValues = { name: string; text: string; ranges: string };

export const ipGroupFormValues = (view?: IpGroupInput): IpGroupFormValues => ({ name: view?.name ?? '', text: view?.text ?? '', ranges: view?.ranges.join('\n') ?? '' });

export const ipGroupFormValuesFrom = (body: Record<string, unknown>): IpGroupFormValues => ({ name: formString(body, 'name'), text: formString(body, 'text'), ranges: formString(body, 'ranges') });

/** The textarea's lines that hold something, each with its line number (1-based), so that "ranges[1]" can name the line it came from. */
function rangeLines(ranges: string): { range: string; line: number }[] {
  return ranges.split(/\r?\n/).flatMap((text, index) => (text.trim() === '' ? [] : [{ range: text.trim(), line: index + 1 }]));
}

/** The input the IP group service takes (as the API's); the name only for a new group. */
export function ipGroupInputOf(values: IpGroupFormValues, purpose: 'add' | 'change'): Record<string, unknown> {
  return { ...(purpose === 'add' ? { name: values.name.trim() } : {}), text: values.text.trim(), ranges: rangeLines(values.ranges).map(({ range }) => range) };
}

/** A refusal as the form shows it: at its field ("ranges[1]" at the textarea, naming the line typed), else only in the summary. */
function placed(t: Translate, values: IpGroupFormValues, refusal: Refusal): { field?: keyof IpGroupFormValues; message: string } {
  const item = /^ranges\[(\d+)\]$/.exec(refusal.path ?? '');
  if (item) {
    const line = rangeLines(values.ranges)[Number(item[1])]?.line;
    return { field: 'ranges', message: line === undefined ? refusal.message : t('admin.ipGroups.error.line', { line, message: refusal.message }) };
  }
  const path = refusal.path as keyof IpGroupFormValues | undefined;
  return path === 'name' || path === 'text' || path === 'ranges' ? { field: path, message: refusal.message } : { message: refusal.path ? `${refusal.path}: ${refusal.message}` : refusal.message };
}

/** The data of views/admin/ipGroups/form.ejs. */
export function ipGroupFormView(t: Translate, values: IpGroupFormValues, { isNew, refusal }: { isNew: boolean; refusal?: Refusal }) {
  const error = refusal ? placed(t, values, refusal) : undefined;
  const field = (name: keyof IpGroupFormValues, extra: Pick<FormField, 'kind'> & Partial<FormField>): FormField =>
    formField({ id: fieldId('ipgroup', name), name, label: t(`admin.ipGroups.field.${name}`), hint: t(`admin.ipGroups.hint.${name}`), value: values[name], ...(error?.field === name ? { error: asSentence(error.message) } : {}), ...extra });
  const fields = [
    ...(isNew ? [field('name', { kind: 'text', maxLength: 10, autocomplete: 'off' })] : []),
    field('text', { kind: 'text', maxLength: 50 }),
    field('ranges', { kind: 'textarea', rows: 8 }),
  ];
  const summary: SummaryLine[] = error ? [error.field ? { href: `#${fieldId('ipgroup', error.field)}`, label: t(`admin.ipGroups.field.${error.field}`), message: error.message } : { message: error.message }] : [];
  return { fields, summary, summaryLead: t('admin.ipGroups.error.summary') };
}
