import type Router from '@koa/router';
import type { Context, Next } from 'koa';
import type { IpGroupView } from '../../directory/ipGroupDirectory.ts';
import { ConflictError, NotFoundError } from '../../errors/GatehouseError.ts';
import type { Translate } from '../../i18n/translate.ts';
import type { AdminConsoleDependencies } from './AdminConsoleDependencies.ts';
import type { AdminVisit } from './AdminVisit.ts';
import { adminProblem, doneNotice, redirectAfterChange, renderAdmin } from './adminPages.ts';
import { isFormRefusal, refusalOf, type Refusal } from './classFormField.ts';
import { pageOfList } from './classPaging.ts';
import { ipGroupFormValues, ipGroupFormValuesFrom, ipGroupFormView, ipGroupInputOf, type IpGroupFormValues } from './ipGroupForm.ts';

const listPath = '/admin/ip-groups';
const groupPath = (name: string) => `${listPath}/${encodeURIComponent(name)}`;

/** Ranges shown in a row of the list; the others are counted. */
const rangesShown = 5;

function ipGroupRow(t: Translate, view: IpGroupView) {
  const path = groupPath(view.name);
  return {
    name: view.name,
    text: view.text,
    ranges: view.ranges.slice(0, rangesShown),
    more: view.ranges.length > rangesShown ? t('admin.ipGroups.moreRanges', { count: view.ranges.length - rangesShown }) : undefined,
    modify: { href: path, label: t('admin.ipGroups.modifyNamed', { name: view.name }) },
    delete: { href: `${path}/delete`, label: t('admin.ipGroups.deleteNamed', { name: view.name }) },
  };
}

const notFound = (ctx: Context, visit: AdminVisit, name: string) => adminProblem(ctx, 404, 'admin.ipGroups.notFound', visit.person, { name });

async function showForm(ctx: Context, visit: AdminVisit, values: IpGroupFormValues, { name, refusal }: { name?: string; refusal?: Refusal } = {}) {
  const { t } = visit;
  const isNew = name === undefined;
  const action = isNew ? `${listPath}/new` : groupPath(name);
  await renderAdmin(ctx, visit, 'ipGroups/form', {
    title: isNew ? t('admin.ipGroups.new.title') : t('admin.ipGroups.edit.title', { name }),
    ...(refusal ? { status: 400 } : {}),
    isNew,
    name,
    action,
    submit: isNew ? t('admin.ipGroups.form.add') : t('admin.ipGroups.form.save'),
    ...ipGroupFormView(t, values, { isNew, ...(refusal ? { refusal } : {}) }),
  });
}

/**
 * IP groups: the list, add, modify (text and ranges) and delete, over the IP group service
 * as the admin API uses it (ipGroupRoutes.ts). As for classes, `/admin/ip-groups/new` is the
 * add form only when written so (a group named NEW is at `/admin/ip-groups/NEW`).
 */
export function ipGroupPages(router: Router, { gate, services }: AdminConsoleDependencies): void {
  const { ipGroups } = services;

  router.get('/ip-groups', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    const { t } = visit;
    const all = await ipGroups.list();
    const { items, pager } = pageOfList(ctx, all, listPath, t);
    await renderAdmin(ctx, visit, 'ipGroups/list', {
      title: t('admin.ipGroups.title'),
      notice: doneNotice(ctx, t),
      rows: items.map((view) => ipGroupRow(t, view)),
      count: all.length === 1 ? t('admin.ipGroups.countOne') : t('admin.ipGroups.count', { count: all.length }),
      pager,
    });
  });

  router.get('/ip-groups/new', async (ctx: Context, next: Next) => {
    if (ctx.path !== `${listPath}/new`) return next();
    const visit = await gate.page(ctx);
    if (!visit) return;
    await showForm(ctx, visit, ipGroupFormValues());
  });

  router.post('/ip-groups/new', async (ctx: Context, next: Next) => {
    if (ctx.path !== `${listPath}/new`) return next();
    const visit = await gate.change(ctx);
    if (!visit) return;
    const values = ipGroupFormValuesFrom(visit.body);
    try {
      await ipGroups.add(ipGroupInputOf(values, 'add'), { actor: visit.actor });
    } catch (error) {
      if (isFormRefusal(error)) return showForm(ctx, visit, values, { refusal: refusalOf(error, visit) });
      throw error;
    }
    redirectAfterChange(ctx, listPath, 'ipGroupAdded');
  });

  router.get('/ip-groups/:name', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    try {
      const view = await ipGroups.show(ctx.params.name!);
      await showForm(ctx, visit, ipGroupFormValues(view), { name: view.name });
    } catch (error) {
      if (error instanceof NotFoundError) return notFound(ctx, visit, ctx.params.name!);
      throw error;
    }
  });

  router.post('/ip-groups/:name', async (ctx) => {
    const visit = await gate.change(ctx);
    if (!visit) return;
    const name = ctx.params.name!.toUpperCase();
    const values = ipGroupFormValuesFrom(visit.body);
    try {
      await ipGroups.update(name, ipGroupInputOf(values, 'change'), { actor: visit.actor });
    } catch (error) {
      if (error instanceof NotFoundError) return notFound(ctx, visit, name);
      if (isFormRefusal(error)) return showForm(ctx, visit, values, { name, refusal: refusalOf(error, visit) });
      throw error;
    }
    redirectAfterChange(ctx, listPath, 'ipGroupSaved');
  });

  /** The delete confirmation; `refused`: persons have the group, and nothing was deleted. */
  async function showDelete(ctx: Context, visit: AdminVisit, name: string, refused = false) {
    const { t } = visit;
    let view;
    try {
      view = await ipGroups.show(name);
    } catch (error) {
      if (error instanceof NotFoundError) return notFound(ctx, visit, name);
      throw error;
    }
    await renderAdmin(ctx, visit, 'ipGroups/delete', {
      title: t('admin.ipGroups.deletePage.title', { name: view.name }),
      ...(refused ? { status: 409 } : {}),
      lead: t('admin.ipGroups.deletePage.lead', { name: view.name }),
      facts: [
        { label: t('admin.ipGroups.field.name'), value: view.name },
        { label: t('admin.ipGroups.field.text'), value: view.text },
      ],
      ranges: { label: t('admin.ipGroups.field.ranges'), items: view.ranges },
      blocked: refused ? t('admin.ipGroups.deletePage.inUse', { name: view.name }) : undefined,
      action: `${groupPath(view.name)}/delete`,
      returnTo: `${groupPath(view.name)}/delete`,
      submit: t('admin.ipGroups.deletePage.submit'),
      back: listPath,
    });
  }

  router.get('/ip-groups/:name/delete', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    await showDelete(ctx, visit, ctx.params.name!);
  });

  router.post('/ip-groups/:name/delete', async (ctx) => {
    const visit = await gate.change(ctx);
    if (!visit) return;
    const name = ctx.params.name!.toUpperCase();
    try {
      await ipGroups.delete(name, { actor: visit.actor });
    } catch (error) {
      if (error instanceof ConflictError) return showDelete(ctx, visit, name, true);
      if (error instanceof NotFoundError) return notFound(ctx, visit, name);
      throw error;
    }
    redirectAfterChange(ctx, listPath, 'ipGroupDeleted');
  });
}
