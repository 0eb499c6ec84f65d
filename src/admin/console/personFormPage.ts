import type { Context } from 'koa';
import type { PersonView } from '../../directory/personInput.ts';
import { noTimeLimit } from '../../directory/temporaryPasswords.ts';
import type { Translate } from '../../i18n/translate.ts';
import type { StoredPerson } from '../../store/repositories/personRepository.ts';
import type { AdminConsoleDependencies } from './AdminConsoleDependencies.ts';
import type { AdminVisit } from './AdminVisit.ts';
import { doneNotice, renderAdmin } from './adminPages.ts';
import { factorStateOf } from './personFactorState.ts';
import { asSentence } from '../../directory/schemas/parseInput.ts';
import type { FieldError } from './personFieldError.ts';
import { personFieldLabel, personFormGroups, type FieldChoices, type PersonFormValues } from './personFormFields.ts';
import { personOptions } from './personOptions.ts';
import { personPath, shownTime } from './personPath.ts';

type Services = AdminConsoleDependencies['services'];

/** The class select (*DFT with the default class it stands for, *NEVER, then every class) and the IP group select. */
async function choicesOf(services: Services, t: Translate): Promise<FieldChoices> {
  const [classes, groups, defaultClass] = await Promise.all([services.classes.list(), services.ipGroups.list(), services.settings.defaultClass()]);
  return {
    class: [
      { value: '*DFT', label: defaultClass ? t('admin.persons.choice.default', { name: defaultClass }) : t('admin.persons.choice.noDefault') },
      { value: '*NEVER', label: t('admin.persons.choice.never') },
      ...classes.map((each) => ({ value: each.name, label: each.text ? `${each.name} — ${each.text}` : each.name })),
    ],
    ipGroup: [{ value: '', label: t('admin.persons.choice.noIpGroup') }, ...groups.map((group) => ({ value: group.name, label: group.text ? `${group.name} — ${group.text}` : group.name }))],
  };
}

/** The alert at the top of a refused form: each problem, a link to its field when it has one. */
export function problemList(t: Translate, problems: FieldError[], idOf: (field: string) => string = (field) => `person-${field.replaceAll('_', '-')}`) {
  return problems.map((problem) => {
    const label = problem.field ? personFieldLabel(problem.field) : undefined;
    return { text: label ? `${t(label)}: ${problem.message}` : problem.message, ...(problem.field ? { href: `#${idOf(problem.field)}` } : {}) };
  });
}

/** The password fact: set or not, and a temporary one with until when it signs in. */
function passwordFact(t: Translate, person: PersonView, now: number): string {
  const temporary = person.temporary_password;
  if (!person.has_password) return t('admin.persons.fact.passwordNotSet');
  if (!temporary) return t('admin.persons.fact.passwordSet');
  if (!temporary.expires_at) return t('admin.persons.fact.passwordTemporaryNoLimit');
  return t(Date.parse(temporary.expires_at) <= now ? 'admin.persons.fact.passwordTemporaryExpired' : 'admin.persons.fact.passwordTemporary', { time: shownTime(temporary.expires_at)! });
}

/** What the Work with page tells beside the form: kept by the system, and the person's factors as sign-in sees them. */
async function factsOf(services: Services, visit: AdminVisit, person: PersonView, stored: StoredPerson | null) {
  const { t } = visit;
  const { plan } = await services.persons.plan(person.name, 'MFA', visit.now);
  const state = stored ? await factorStateOf(services, stored, visit.now) : undefined;
  const yesNo = (value: boolean) => t(value ? 'admin.yes' : 'admin.no');
  return [
    { label: t('admin.persons.fact.lastUpdate'), value: shownTime(person.last_update)! },
    { label: t('admin.persons.fact.lastUsed'), value: shownTime(person.last_used) ?? t('admin.persons.fact.never') },
    { label: t('admin.persons.fact.password'), value: passwordFact(t, person, visit.now) },
    { label: t('admin.persons.fact.mfaRequired'), value: yesNo(plan.secondFactorRequired) },
    ...(state
      ? [
          { label: t('admin.persons.fact.totp'), value: t(`admin.persons.totp.${state.totp}`) },
          { label: t('admin.persons.fact.questions'), value: String(state.questionsAnswered) },
          { label: t('admin.persons.fact.locked'), value: yesNo(state.locked) },
        ]
      : []),
    { label: t('admin.persons.fact.sub'), value: person.sub, mono: true },
  ];
}

export type PersonFormPage = {
  mode: 'add' | 'edit';
  /** The person as stored (edit). */
  person?: PersonView;
  values: PersonFormValues;
  problems?: FieldError[];
  passwordProblem?: FieldError;
  /** The temporary password form sent back: the minutes typed, and why nothing was issued. */
  temporary?: { minutes: string; problem: string };
  status?: number;
};

/** The temporary password form of Work with: the minutes prefilled with the class's "Password must be changed in". */
async function temporaryForm(services: Services, t: Translate, person: PersonView, stored: StoredPerson | null, sent: PersonFormPage['temporary']) {
  const minutes = stored ? await services.temporaryPasswords.minutesFor(stored) : noTimeLimit;
  return {
    action: personPath(person.name, 'temporary-password'),
    returnTo: personPath(person.name),
    minutes: sent?.minutes ?? String(minutes),
    hint: t('admin.persons.temporary.minutesHint', { minutes }),
    ...(sent ? { error: sent.problem, alert: t('admin.persons.temporary.refused', { message: sent.problem }) } : {}),
  };
}

/** Add person (`/admin/persons/new`) or option 1, Work with (`/admin/persons/:name`): the "Modify Person" form, and on Work with the facts, the options, the password form and the temporary password form. */
export async function renderPersonForm(ctx: Context, visit: AdminVisit, services: Services, page: PersonFormPage) {
  const { t } = visit;
  const problems = page.problems ?? [];
  const errors = Object.fromEntries(problems.filter((problem) => problem.field).map((problem) => [problem.field!, problem.message]));
  const choices = await choicesOf(services, t);
  const person = page.person;
  const action = person ? personPath(person.name) : '/admin/persons/new';
  const passwordError = page.passwordProblem?.message;
  // The password hints name the configured minimum (PASSWORD_MIN_LENGTH).
  const min = services.persons.passwordRules.minimumLength;
  const withMinimum: Translate = (key, values) => t(key, { min, ...values });
  const stored = person ? await services.persons.findBySub(person.sub) : null;
  await renderAdmin(ctx, visit, 'persons/form', {
    title: person ? t('admin.persons.edit.title', { name: person.name }) : t('admin.persons.add.title'),
    lead: t(person ? 'admin.persons.edit.lead' : 'admin.persons.add.lead'),
    notice: doneNotice(ctx, t),
    problems: problemList(t, problems),
    action,
    submit: t(person ? 'admin.save' : 'admin.persons.add.submit'),
    groups: personFormGroups(withMinimum, page.mode, page.values, choices, errors),
    facts: person ? await factsOf(services, visit, person, stored) : [],
    options: person ? personOptions(t, person.name, 1) : [],
    password: person
      ? {
          action: personPath(person.name, 'password'),
          returnTo: personPath(person.name),
          rules: t('admin.persons.password.rules', { min }),
          ...(passwordError ? { error: asSentence(passwordError), alert: t('admin.persons.password.refused', { message: passwordError }) } : {}),
        }
      : undefined,
    temporary: person ? await temporaryForm(services, t, person, stored, page.temporary) : undefined,
    status: page.status ?? (problems.length > 0 || page.passwordProblem || page.temporary ? 400 : 200),
  });
}
