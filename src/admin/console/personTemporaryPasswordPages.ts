import type Router from '@koa/router';
import { issueTemporaryPassword } from '../../directory/issueTemporaryPassword.ts';
import { InvalidInputError, NotFoundError } from '../../errors/GatehouseError.ts';
import type { AdminConsoleDependencies } from './AdminConsoleDependencies.ts';
import { adminProblem, renderAdmin } from './adminPages.ts';
import { personFormValues } from './personFormFields.ts';
import { renderPersonForm } from './personFormPage.ts';
import { personOrProblem } from './personOrProblem.ts';
import { formText, personPath, shownTime } from './personPath.ts';

/**
 * "Issue a temporary password" of Work with (`POST /admin/persons/:name/temporary-password`):
 * the same issueTemporaryPassword as the CLI and the admin API, for the minutes typed (the
 * form is prefilled with the class's). The password is shown once, as the direct answer of
 * the form — never after a redirect, in a URL, a notice or the log; the admin view's pages
 * are not cached. Refused minutes send the person's page back with the message, and
 * nothing is changed.
 */
export function personTemporaryPasswordPages(router: Router, { gate, services }: AdminConsoleDependencies): void {
  router.post('/persons/:name/temporary-password', async (ctx) => {
    const visit = await gate.change(ctx);
    if (!visit) return;
    const person = await personOrProblem(ctx, visit, services, ctx.params.name!);
    if (!person) return;
    const { t } = visit;
    const minutes = formText(visit.body, 'minutes').trim();
    let shown: Awaited<ReturnType<typeof issueTemporaryPassword>>;
    try {
      shown = await issueTemporaryPassword(services, person.name, { minutes, actor: visit.actor });
    } catch (error) {
      // The person went meanwhile: the 404 page. The only other refusal is of the minutes, checked before anything changes.
      if (error instanceof NotFoundError) return adminProblem(ctx, 404, 'admin.persons.notFound', visit.person, { name: person.name });
      if (!(error instanceof InvalidInputError)) throw error;
      return renderPersonForm(ctx, visit, services, { mode: 'edit', person, values: personFormValues(person), temporary: { minutes, problem: t('admin.persons.temporary.minutesRefused') } });
    }
    const { name, issued } = shown;
    await renderAdmin(ctx, visit, 'persons/temporaryPassword', {
      title: t('admin.persons.temporary.issuedTitle', { name }),
      lead: t('admin.persons.temporary.issuedLead', { name }),
      password: issued.password,
      until: issued.expires_at === null ? t('admin.persons.temporary.noLimit') : t('admin.persons.temporary.expires', { time: shownTime(issued.expires_at)! }),
      person: { name, href: personPath(name) },
    });
  });
}
