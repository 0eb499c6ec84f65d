import { classCodes } from '../../directory/schemas/classSchema.ts';
import { factorOf } from '../../factors/index.ts';
import type { MessageKey } from '../../i18n/messages.en.ts';
import type { Translate } from '../../i18n/translate.ts';
import { contexts, factorIds, type FactorId, type PolicyContext } from '../../policy/types.ts';
import { describedBy, fieldId, formField, formNameOf, type FormField, type Refusal, type SummaryLine } from './classFormField.ts';
import { cellName, classFieldsets, type ClassFieldSpec, type ClassFormValues, type CodedField } from './classFormInput.ts';
import { asSentence } from '../../directory/schemas/parseInput.ts';

// What the class form's view shows (views/admin/classes/form.ejs), prepared here: every
// label, hint, option and error in the page's language, and the grid as rows of cells.

/** The words of each code of each coded field (product.md "Class"); a code added to the schema must be worded here. */
const codeWords: { [Field in CodedField]: Record<keyof (typeof classCodes)[Field], MessageKey> } = {
  mfa_device: { N: 'admin.classes.code.mfa_device.N', S: 'admin.classes.code.mfa_device.S', C: 'admin.classes.code.mfa_device.C', E: 'admin.classes.code.mfa_device.E' },
  no_screen_channel: { C: 'admin.classes.code.no_screen_channel.C', E: 'admin.classes.code.no_screen_channel.E' },
  allow_otp_instead_of_totp: { Y: 'admin.classes.code.allow_otp_instead_of_totp.Y', N: 'admin.classes.code.allow_otp_instead_of_totp.N' },
  verify_by: { N: 'admin.classes.code.verify_by.N', C: 'admin.classes.code.verify_by.C', E: 'admin.classes.code.verify_by.E', M: 'admin.classes.code.verify_by.M' },
  new_password_by: { S: 'admin.classes.code.new_password_by.S', C: 'admin.classes.code.new_password_by.C', E: 'admin.classes.code.new_password_by.E', N: 'admin.classes.code.new_password_by.N' },
  reset_by: { 1: 'admin.classes.code.reset_by.1', 2: 'admin.classes.code.reset_by.2', 9: 'admin.classes.code.reset_by.9' },
};

/** The options of a coded field, in the order of its codes: "S — Screen: …". */
function codeOptions(t: Translate, field: CodedField, selected: string): FormField['options'] {
  const words = codeWords[field] as Record<string, MessageKey>;
  return Object.keys(classCodes[field]).map((code) => ({ value: code, label: `${code} — ${t(words[code]!)}`, selected: code === selected.toUpperCase() }));
}

/** A factor as the screen names it ("Device Auth"). */
export const factorName = (t: Translate, factor: FactorId) => (factor === 'DeviceAuth' ? t('admin.classes.factorName.DeviceAuth') : factor);

export const contextWords = (t: Translate, context: PolicyContext) => t(`admin.classes.context.${context}`);

const id = (name: string) => fieldId('class', name);

/** The label of a field, or of a grid cell, named by a refusal's path; undefined for a path the form has no input for. */
function labelOf(t: Translate, path: string): string | undefined {
  const cell = /^factors\.([^.]+)\.([^.]+)$/.exec(path);
  if (cell) {
    const [, context, factor] = cell as unknown as [string, PolicyContext, FactorId];
    return contexts.includes(context) && factorIds.includes(factor) ? t('admin.classes.grid.cell', { factor: factorName(t, factor), context }) : undefined;
  }
  if (path === 'factors' || path.startsWith('factors.')) return t('admin.classes.field.factors');
  const spec = Object.values(classFieldsets)
    .flat()
    .find((each) => each.name === path);
  return spec ? t(`admin.classes.field.${spec.name}`) : undefined;
}

function fieldOf(t: Translate, spec: ClassFieldSpec, values: ClassFormValues, refusal?: Refusal): FormField {
  const value = values[spec.name] ?? '';
  const error = refusal?.path === spec.name ? asSentence(refusal.message) : undefined;
  const common = { id: id(spec.name), name: formNameOf(spec.name), label: t(`admin.classes.field.${spec.name}`), hint: t(`admin.classes.hint.${spec.name}`), value, ...(error ? { error } : {}) };
  if (spec.kind === 'code') return formField({ ...common, kind: 'select', options: codeOptions(t, spec.codes, value) });
  if (spec.kind === 'number') return formField({ ...common, kind: 'number', min: spec.min, max: spec.max });
  return formField({ ...common, kind: 'text', ...(spec.maxLength ? { maxLength: spec.maxLength } : {}), ...(spec.autocomplete ? { autocomplete: spec.autocomplete } : {}) });
}

/**
 * The factor × context grid: a row per factor of the schema (policy/types.ts factorIds), a
 * column per context, a cell per priority. A refusal of a cell marks that cell; one of a
 * context (the same priority twice) marks the cells of that context holding a repeated
 * priority; the message is shown under the grid, which every marked cell is described by.
 */
function priorityGrid(t: Translate, values: ClassFormValues, refusal?: Refusal) {
  const gridError = refusal?.path === 'factors' || refusal?.path?.startsWith('factors.') ? refusal : undefined;
  const errorId = 'class-factors-error';
  const repeated = (context: PolicyContext, factor: FactorId) => {
    const value = values[cellName(context, factor)];
    return value !== '' && factorIds.some((other) => other !== factor && values[cellName(context, other)] === value);
  };
  const invalid = (context: PolicyContext, factor: FactorId) =>
    gridError !== undefined && (gridError.path === cellName(context, factor) || ((gridError.path === `factors.${context}` || gridError.path === 'factors') && repeated(context, factor)));
  return {
    caption: t('admin.classes.grid.caption'),
    hint: t('admin.classes.grid.hint'),
    hintId: 'class-factors-hint',
    factorHeading: t('admin.classes.grid.factor'),
    columns: contexts.map((context) => ({ code: context, words: contextWords(t, context) })),
    rows: factorIds.map((factor) => ({
      name: factorName(t, factor),
      meaning: t(`admin.classes.factor.${factor}`),
      later: factorOf(factor) ? undefined : t('admin.classes.grid.later'),
      cells: contexts.map((context) => {
        const marked = invalid(context, factor);
        return {
          id: id(cellName(context, factor)),
          name: formNameOf(cellName(context, factor)),
          label: t('admin.classes.grid.cell', { factor: factorName(t, factor), context }),
          value: values[cellName(context, factor)] ?? '',
          invalid: marked,
          describedBy: describedBy('class-factors-hint', marked ? errorId : undefined),
        };
      }),
    })),
    ...(gridError ? { error: `${labelOf(t, gridError.path!) ?? gridError.path}: ${gridError.message}`, errorId } : {}),
  };
}

/** Where the summary's line links to: the input of the path, the first cell of a context, or nothing. */
function hrefOf(path: string): string | undefined {
  if (/^factors\.[^.]+\.[^.]+$/.test(path)) return `#${id(path)}`;
  const context = /^factors\.([^.]+)$/.exec(path)?.[1] as PolicyContext | undefined;
  if (context && contexts.includes(context)) return `#${id(cellName(context, factorIds[0]))}`;
  if (path === 'factors') return `#${id(cellName(contexts[0], factorIds[0]))}`;
  return `#${id(path)}`;
}

/** The data of views/admin/classes/form.ejs: the fieldsets, the grid and, for a refused form, the summary. */
export function classFormView(t: Translate, values: ClassFormValues, { isNew, refusal }: { isNew: boolean; refusal?: Refusal }) {
  const fields = (specs: readonly ClassFieldSpec[]) => specs.filter((spec) => isNew || spec.name !== 'name').map((spec) => fieldOf(t, spec, values, refusal));
  const label = refusal?.path ? labelOf(t, refusal.path) : undefined;
  const summary: SummaryLine[] = refusal ? [label ? { href: hrefOf(refusal.path!), label, message: refusal.message } : { message: refusal.path ? `${refusal.path}: ${refusal.message}` : refusal.message }] : [];
  return {
    summaryLead: t('admin.classes.error.summary'),
    summary,
    fieldsets: {
      about: { legend: t('admin.classes.form.about'), fields: fields(classFieldsets.about) },
      signIn: { legend: t('admin.classes.form.signIn'), fields: fields(classFieldsets.signIn) },
      factors: { legend: t('admin.classes.form.factors'), fields: fields(classFieldsets.factors) },
      limits: { legend: t('admin.classes.form.limits'), fields: fields(classFieldsets.limits) },
      reset: { legend: t('admin.classes.form.reset'), fields: fields(classFieldsets.reset) },
    },
    grid: priorityGrid(t, values, refusal),
  };
}
