import type Router from '@koa/router';
import type { Context } from 'koa';
import type { PersonView } from '../../directory/personInput.ts';
import type { AdminConsoleDependencies } from './AdminConsoleDependencies.ts';
import type { AdminVisit } from './AdminVisit.ts';
import { redirectAfterChange, renderAdmin } from './adminPages.ts';
import { personOptions } from './personOptions.ts';
import { personOrProblem, unlessGone } from './personOrProblem.ts';
import { personPath } from './personPath.ts';

/** The confirmation page, or (`self`) the page saying an admin cannot delete themselves. */
async function renderDelete(ctx: Context, visit: AdminVisit, person: PersonView, self: boolean) {
  const { t } = visit;
  await renderAdmin(ctx, visit, 'persons/delete', {
    title: t('admin.persons.delete.title', { name: person.name }),
    person: { name: person.name, href: personPath(person.name) },
    options: personOptions(t, person.name, 4),
    self: self ? t('admin.persons.delete.self') : undefined,
    goes: (['record', 'userIds', 'factors', 'sessions', 'tokens'] as const).map((what) => t(`admin.persons.delete.goes.${what}`, { name: person.name, userIds: [person.default_user_id, ...person.user_ids].join(', ') })),
    action: personPath(person.name, 'delete'),
    status: self ? 403 : 200,
  });
}

const isSelf = (visit: AdminVisit, person: PersonView) => visit.person._id === person.sub;

/**
 * Option 4, Delete (`/admin/persons/:name/delete`): sensitive, so the confirmation page and
 * the POST each ask for a step-up of the last two minutes (gate.sensitive); the person goes
 * with every session, grant, code and token (the service revokes them). An admin cannot
 * delete themselves.
 */
export function personDeletePages(router: Router, { gate, services }: AdminConsoleDependencies): void {
  router.get('/persons/:name/delete', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    const person = await personOrProblem(ctx, visit, services, ctx.params.name!);
    if (!person) return;
    if (isSelf(visit, person)) return renderDelete(ctx, visit, person, true);
    if (!(await gate.sensitive(ctx, visit, personPath(person.name, 'delete')))) return;
    await renderDelete(ctx, visit, person, false);
  });

  router.post('/persons/:name/delete', async (ctx) => {
    const visit = await gate.change(ctx);
    if (!visit) return;
    const person = await personOrProblem(ctx, visit, services, ctx.params.name!);
    if (!person) return;
    if (isSelf(visit, person)) return renderDelete(ctx, visit, person, true);
    if (!(await gate.sensitive(ctx, visit, personPath(person.name, 'delete')))) return;
    if (await unlessGone(ctx, visit, person.name, () => services.persons.delete(person.name, { actor: visit.actor }))) redirectAfterChange(ctx, '/admin/persons', 'personDeleted');
  });
}
