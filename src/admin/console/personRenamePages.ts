import type Router from '@koa/router';
import type { Context } from 'koa';
import type { PersonView } from '../../directory/personInput.ts';
import { ConflictError, InvalidInputError } from '../../errors/GatehouseError.ts';
import type { AdminConsoleDependencies } from './AdminConsoleDependencies.ts';
import type { AdminVisit } from './AdminVisit.ts';
import { redirectAfterChange, renderAdmin } from './adminPages.ts';
import { personOptions } from './personOptions.ts';
import { personOrProblem, unlessGone } from './personOrProblem.ts';
import { asSentence } from '../../directory/schemas/parseInput.ts';
import { formText, personPath } from './personPath.ts';

async function renderRename(ctx: Context, visit: AdminVisit, person: PersonView, typed: string, error?: string) {
  const { t } = visit;
  await renderAdmin(ctx, visit, 'persons/rename', {
    title: t('admin.persons.rename.title', { name: person.name }),
    person: { name: person.name, href: personPath(person.name), userId: person.default_user_id },
    options: personOptions(t, person.name, 3),
    action: personPath(person.name, 'rename'),
    typed,
    error: error === undefined ? undefined : asSentence(error),
    alert: error === undefined ? undefined : t('admin.persons.rename.refused', { message: error }),
    status: error ? 400 : 200,
  });
}

/** Option 3, Rename (`/admin/persons/:name/rename`): a new name; the sub, user IDs and tokens stay as they are. */
export function personRenamePages(router: Router, { gate, services }: AdminConsoleDependencies): void {
  router.get('/persons/:name/rename', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    const person = await personOrProblem(ctx, visit, services, ctx.params.name!);
    if (person) await renderRename(ctx, visit, person, person.name);
  });

  router.post('/persons/:name/rename', async (ctx) => {
    const visit = await gate.change(ctx);
    if (!visit) return;
    const person = await personOrProblem(ctx, visit, services, ctx.params.name!);
    if (!person) return;
    const newName = formText(visit.body, 'new_name').trim();
    try {
      let renamed = person.name;
      const done = await unlessGone(ctx, visit, person.name, async () => {
        renamed = (await services.persons.rename(person.name, newName, { actor: visit.actor })).name;
      });
      if (done) redirectAfterChange(ctx, personPath(renamed), 'personRenamed');
    } catch (error) {
      if (!(error instanceof InvalidInputError || error instanceof ConflictError)) throw error;
      // "new_name: …" or "name: a person named … already exists": both are about the new name.
      await renderRename(ctx, visit, person, newName, error.message.replace(/^(new_name|name): /, ''));
    }
  });
}
