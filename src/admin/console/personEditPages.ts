import type Router from '@koa/router';
import { ConflictError, InvalidInputError } from '../../errors/GatehouseError.ts';
import type { Translate } from '../../i18n/translate.ts';
import { adminRole } from '../../security/isAdministrator.ts';
import type { AdminConsoleDependencies } from './AdminConsoleDependencies.ts';
import { redirectAfterChange } from './adminPages.ts';
import { fieldErrorOf, type FieldError } from './personFieldError.ts';
import { personFieldNames, personFormValues, type PersonFormValues } from './personFormFields.ts';
import { newPersonInput, personChanges, typedValues } from './personFormInput.ts';
import { renderPersonForm } from './personFormPage.ts';
import { personOrProblem, unlessGone } from './personOrProblem.ts';
import { formText, personPath } from './personPath.ts';

/** A refusal the form shows (bad input, a name or user ID taken); anything else is not the admin's to fix. */
const refused = (error: unknown): error is InvalidInputError | ConflictError => error instanceof InvalidInputError || error instanceof ConflictError;

/**
 * A user ID clash names `user_ids` whichever user ID it was: when it is the default user ID
 * typed (or, left empty, the name it defaults to), the error belongs at that field.
 */
const clashAt = (message: string, values: PersonFormValues) => (field: string) => {
  if (field !== 'user_ids') return field;
  const clash = /user ID "([^"]*)"/.exec(message)?.[1]?.toLowerCase();
  const typed = String(values.default_user_id || '');
  if (clash === undefined) return field;
  if (typed !== '' && clash === typed.toLowerCase()) return 'default_user_id';
  return typed === '' && clash === String(values.name || '').toLowerCase() ? 'name' : field;
};

/** What an admin may not do to their own record here: disable it, or take their admin role away (another admin can). */
function ownProblem(t: Translate, own: boolean, changes: Record<string, unknown>): FieldError | undefined {
  if (!own) return undefined;
  if (changes.enabled === false) return { field: 'enabled', message: t('admin.persons.self.disable') };
  if (Array.isArray(changes.roles) && !changes.roles.includes(adminRole)) return { field: 'roles', message: t('admin.persons.self.admin') };
  return undefined;
}

/** Add person, option 1 (Work with: every "Modify Person" field) and the password of a person. */
export function personEditPages(router: Router, { gate, services }: AdminConsoleDependencies): void {
  router.get('/persons/new', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    await renderPersonForm(ctx, visit, services, { mode: 'add', values: personFormValues() });
  });

  router.post('/persons/new', async (ctx) => {
    const visit = await gate.change(ctx);
    if (!visit) return;
    const { body, t } = visit;
    const values = typedValues(body);
    if (formText(body, 'password') !== formText(body, 'password_again')) {
      await renderPersonForm(ctx, visit, services, { mode: 'add', values, problems: [{ field: 'password_again', message: t('admin.persons.password.mismatch') }] });
      return;
    }
    try {
      const added = await services.persons.add(newPersonInput(body), { actor: visit.actor });
      redirectAfterChange(ctx, personPath(added.name), 'personAdded');
    } catch (error) {
      if (!refused(error)) throw error;
      const problem = fieldErrorOf(error.message, personFieldNames('add'), clashAt(error.message, values));
      const shown = problem.field === 'password' && error.messageKey ? { ...problem, message: t(error.messageKey, error.messageParams) } : problem;
      await renderPersonForm(ctx, visit, services, { mode: 'add', values, problems: [shown] });
    }
  });

  router.get('/persons/:name', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    const person = await personOrProblem(ctx, visit, services, ctx.params.name!);
    if (!person) return;
    await renderPersonForm(ctx, visit, services, { mode: 'edit', person, values: personFormValues(person) });
  });

  router.post('/persons/:name', async (ctx) => {
    const visit = await gate.change(ctx);
    if (!visit) return;
    const person = await personOrProblem(ctx, visit, services, ctx.params.name!);
    if (!person) return;
    const values = typedValues(visit.body);
    const changes = personChanges(visit.body, person);
    // The admin's own record: disabling it or dropping the admin role would end this session's work for good.
    const own = ownProblem(visit.t, visit.person._id === person.sub, changes);
    if (own) {
      await renderPersonForm(ctx, visit, services, { mode: 'edit', person, values, problems: [own] });
      return;
    }
    try {
      const saved = await unlessGone(ctx, visit, person.name, async () => {
        await services.persons.update(person.name, changes, { actor: visit.actor });
      });
      if (saved) redirectAfterChange(ctx, personPath(person.name), 'personSaved');
    } catch (error) {
      if (!refused(error)) throw error;
      await renderPersonForm(ctx, visit, services, { mode: 'edit', person, values, problems: [fieldErrorOf(error.message, personFieldNames('edit'), clashAt(error.message, values))] });
    }
  });

  router.post('/persons/:name/password', async (ctx) => {
    const visit = await gate.change(ctx);
    if (!visit) return;
    const person = await personOrProblem(ctx, visit, services, ctx.params.name!);
    if (!person) return;
    const { body, t } = visit;
    const again = async (message: string) => renderPersonForm(ctx, visit, services, { mode: 'edit', person, values: personFormValues(person), passwordProblem: { message } });
    const password = formText(body, 'new_password');
    if (password !== formText(body, 'new_password_again')) return again(t('admin.persons.password.mismatch'));
    try {
      const set = await unlessGone(ctx, visit, person.name, () => services.persons.setPassword(person.name, password, { actor: visit.actor }));
      if (set) redirectAfterChange(ctx, personPath(person.name), 'passwordSet');
    } catch (error) {
      if (!refused(error)) throw error;
      // The password rules' refusals carry a message key: shown in the page's language.
      await again(error.messageKey ? t(error.messageKey, error.messageParams) : fieldErrorOf(error.message, ['password']).message);
    }
  });
}
