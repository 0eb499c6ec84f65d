import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import { ConflictError, InvalidInputError, NotFoundError } from '../../errors/GatehouseError.ts';
import type { AdminConsoleDependencies } from './AdminConsoleDependencies.ts';
import type { AdminVisit } from './AdminVisit.ts';
import { adminProblem, doneNotice, redirectAfterChange, renderAdmin } from './adminPages.ts';
import { formString, isFormRefusal, refusalOf, type Refusal } from './classFormField.ts';
import { classFormValues, classFormValuesFrom, classInputOf, type ClassFormValues } from './classFormInput.ts';
import { classFormView } from './classFormView.ts';
import { classRow } from './classList.ts';
import { pageOfList } from './classPaging.ts';

const listPath = '/admin/classes';
const classPath = (name: string) => `${listPath}/${encodeURIComponent(name)}`;

const notFound = (ctx: Context, visit: AdminVisit, name: string) => adminProblem(ctx, 404, 'admin.classes.notFound', visit.person, { name });

async function showForm(ctx: Context, visit: AdminVisit, values: ClassFormValues, { name, refusal }: { name?: string; refusal?: Refusal } = {}) {
  const { t } = visit;
  const isNew = name === undefined;
  const action = isNew ? `${listPath}/new` : classPath(name);
  await renderAdmin(ctx, visit, 'classes/form', {
    title: isNew ? t('admin.classes.new.title') : t('admin.classes.edit.title', { name }),
    ...(refusal ? { status: 400 } : {}),
    isNew,
    name,
    action,
    submit: isNew ? t('admin.classes.form.add') : t('admin.classes.form.save'),
    ...classFormView(t, values, { isNew, ...(refusal ? { refusal } : {}) }),
  });
}

/**
 * "Work with Classes": the list (with the default class and its form), "Add New Class",
 * modify and delete, over the class service as the admin API uses it (classRoutes.ts) and
 * the settings service for the default class. Every change names the admin (visit.actor).
 * `/admin/classes/new` is the add form only when written so: a class named NEW is at
 * `/admin/classes/NEW` (names are stored in capitals; the router ignores case).
 */
export function classPages(router: Router, { gate, services }: AdminConsoleDependencies): void {
  const { classes, settings } = services;

  router.get('/classes', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    const { t } = visit;
    const [all, defaultClass] = await Promise.all([classes.list(), settings.defaultClass()]);
    const { items, pager } = pageOfList(ctx, all, listPath, t);
    await renderAdmin(ctx, visit, 'classes/list', {
      title: t('admin.classes.title'),
      notice: doneNotice(ctx, t),
      rows: items.map((view) => classRow(t, view, defaultClass)),
      count: all.length === 1 ? t('admin.classes.countOne') : t('admin.classes.count', { count: all.length }),
      pager,
      defaultForm: {
        options: [
          { value: '', label: t('admin.classes.default.none'), selected: defaultClass === undefined },
          ...all.map((view) => ({ value: view.name, label: view.text ? `${view.name} — ${view.text}` : view.name, selected: defaultClass?.toUpperCase() === view.name })),
        ],
      },
    });
  });

  /** The default class (settingsRoutes.ts): a class of the list, or none. */
  router.post('/classes/default-class', async (ctx) => {
    const visit = await gate.change(ctx);
    if (!visit) return;
    const name = formString(visit.body, 'default_class').trim();
    try {
      await settings.setDefaultClass(name === '' ? undefined : name, { actor: visit.actor });
    } catch (error) {
      // The class was deleted since the list was shown: the list says which classes there are now.
      if (error instanceof InvalidInputError) return notFound(ctx, visit, name);
      throw error;
    }
    redirectAfterChange(ctx, listPath, name === '' ? 'defaultClassCleared' : 'defaultClassSet');
  });

  router.get('/classes/new', async (ctx: Context, next: Next) => {
    if (ctx.path !== `${listPath}/new`) return next();
    const visit = await gate.page(ctx);
    if (!visit) return;
    await showForm(ctx, visit, classFormValues());
  });

  router.post('/classes/new', async (ctx: Context, next: Next) => {
    if (ctx.path !== `${listPath}/new`) return next();
    const visit = await gate.change(ctx);
    if (!visit) return;
    const values = classFormValuesFrom(visit.body);
    try {
      await classes.add(classInputOf(values, 'add'), { actor: visit.actor });
    } catch (error) {
      if (isFormRefusal(error)) return showForm(ctx, visit, values, { refusal: refusalOf(error, visit) });
      throw error;
    }
    redirectAfterChange(ctx, listPath, 'classAdded');
  });

  router.get('/classes/:name', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    try {
      const view = await classes.show(ctx.params.name!);
      await showForm(ctx, visit, classFormValues(view), { name: view.name });
    } catch (error) {
      if (error instanceof NotFoundError) return notFound(ctx, visit, ctx.params.name!);
      throw error;
    }
  });

  /** Modify: every field of the form replaces the stored one; an emptied cell stops that factor (classInputOf). */
  router.post('/classes/:name', async (ctx) => {
    const visit = await gate.change(ctx);
    if (!visit) return;
    // Names are stored in capitals: this is the name the form is about.
    const name = ctx.params.name!.toUpperCase();
    const values = classFormValuesFrom(visit.body);
    try {
      await classes.update(name, classInputOf(values, 'change'), { actor: visit.actor });
    } catch (error) {
      if (error instanceof NotFoundError) return notFound(ctx, visit, name);
      if (isFormRefusal(error)) return showForm(ctx, visit, values, { name, refusal: refusalOf(error, visit) });
      throw error;
    }
    redirectAfterChange(ctx, listPath, 'classSaved');
  });

  /**
   * The delete confirmation; `refused`: the service refused (the default class, or persons
   * have it) and deleted nothing. The default class is told before the admin tries.
   */
  async function showDelete(ctx: Context, visit: AdminVisit, name: string, refused = false) {
    const { t } = visit;
    let view;
    try {
      view = await classes.show(name);
    } catch (error) {
      if (error instanceof NotFoundError) return notFound(ctx, visit, name);
      throw error;
    }
    const isDefault = (await settings.defaultClass())?.toUpperCase() === view.name;
    const blocked = isDefault ? t('admin.classes.deletePage.isDefault', { name: view.name }) : refused ? t('admin.classes.deletePage.inUse', { name: view.name }) : undefined;
    await renderAdmin(ctx, visit, 'classes/delete', {
      title: t('admin.classes.deletePage.title', { name: view.name }),
      ...(refused ? { status: 409 } : {}),
      lead: t('admin.classes.deletePage.lead', { name: view.name }),
      facts: [
        { label: t('admin.classes.field.name'), value: view.name },
        { label: t('admin.classes.field.text'), value: view.text },
      ],
      blocked,
      refused,
      action: `${classPath(view.name)}/delete`,
      returnTo: `${classPath(view.name)}/delete`,
      submit: t('admin.classes.deletePage.submit'),
      back: listPath,
    });
  }

  router.get('/classes/:name/delete', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    await showDelete(ctx, visit, ctx.params.name!);
  });

  router.post('/classes/:name/delete', async (ctx) => {
    const visit = await gate.change(ctx);
    if (!visit) return;
    const name = ctx.params.name!.toUpperCase();
    try {
      await classes.delete(name, { actor: visit.actor });
    } catch (error) {
      if (error instanceof ConflictError) return showDelete(ctx, visit, name, true);
      if (error instanceof NotFoundError) return notFound(ctx, visit, name);
      throw error;
    }
    redirectAfterChange(ctx, listPath, 'classDeleted');
  });
}
