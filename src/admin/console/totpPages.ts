import type Router from '@koa/router';
import type { Context } from 'koa';
import { InvalidInputError, NotFoundError } from '../../errors/GatehouseError.ts';
import type { AdminConsoleDependencies } from './AdminConsoleDependencies.ts';
import type { AdminVisit } from './AdminVisit.ts';
import { doneNotice, redirectAfterChange, renderAdmin } from './adminPages.ts';
import { fieldErrorOf, readTotpKeyForm, totpKeyFormData, totpKeyRequest, type FieldErrors, type TotpKeyTyped } from './totpKeyForm.ts';
import { loadTotpSubject, totpFacts, totpOptions, type TotpSubject } from './totpMenuData.ts';
import { totpSecretPages } from './totpSecretPages.ts';

/** The menu; `extra` re-shows it after a refused action (an alert, its status). */
async function showMenu(ctx: Context, visit: AdminVisit, subject: TotpSubject, extra: { alert?: string; status?: number } = {}) {
  const { t } = visit;
  const name = subject.person.name;
  await renderAdmin(ctx, visit, 'totp/menu', {
    title: t('admin.totp.menu.title', { name }),
    status: extra.status ?? 200,
    notice: extra.alert ? undefined : doneNotice(ctx, t),
    alert: extra.alert,
    name,
    base: subject.base,
    backToPerson: { href: `/admin/persons/${encodeURIComponent(name)}`, label: t('admin.totp.backToPerson', { name }) },
    lead: t('admin.totp.menu.lead', { name }),
    ...totpFacts(subject, visit),
    options: totpOptions(subject, t),
  });
}

/** Option 1's form: first shown, or again with what was typed and why it was refused (400). */
const showForm = async (ctx: Context, visit: AdminVisit, subject: TotpSubject, typed?: TotpKeyTyped, errors: FieldErrors = {}, summary?: string) =>
  renderAdmin(ctx, visit, 'totp/create', { ...totpKeyFormData(subject, visit, typed, errors, summary), status: typed ? 400 : 200 });

/**
 * Option 8 of Work with Persons, the TOTP key menu (`/admin/persons/NAME/totp`), over
 * services.totpKeys as the CLI and the admin API use it: the key's state and the menu;
 * 1 create or replace (a form), 2 recreate emergency tokens and remove (confirmation
 * pages), 5 send the registration link (a button on the menu). 3 and 4 display secrets:
 * totpSecretPages.ts. Every change answers 303 back to the menu with a notice that never
 * holds the key.
 */
export function totpPages(router: Router, deps: AdminConsoleDependencies): void {
  const { gate, services } = deps;
  const { totpKeys } = services;

  router.get('/persons/:name/totp', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    const subject = await loadTotpSubject(ctx, visit, services);
    if (subject) await showMenu(ctx, visit, subject);
  });

  // 1. Create or replace the key.
  router.get('/persons/:name/totp/create', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    const subject = await loadTotpSubject(ctx, visit, services);
    if (subject) await showForm(ctx, visit, subject);
  });

  router.post('/persons/:name/totp/create', async (ctx) => {
    const visit = await gate.change(ctx);
    if (!visit) return;
    const subject = await loadTotpSubject(ctx, visit, services);
    if (!subject) return;
    const { t } = visit;
    const name = subject.person.name;
    const typed = readTotpKeyForm(visit.body);
    if (subject.status.state === 'active' && !typed.confirmReplace) return showForm(ctx, visit, subject, typed, { confirmReplace: t('admin.totp.create.confirmRequired') });
    if (typed.email && !subject.person.email) return showForm(ctx, visit, subject, typed, { email: t('admin.totp.create.noEmail', { name }) });
    try {
      const made = await totpKeys.create(name, totpKeyRequest(typed), { actor: visit.actor, email: typed.email });
      const done = `${made.replaced === 'none' ? 'totpCreated' : 'totpReplaced'}${made.link ? 'Mailed' : ''}`;
      redirectAfterChange(ctx, subject.base, done);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      const onField = fieldErrorOf(error);
      await showForm(ctx, visit, subject, typed, onField ?? {}, onField ? undefined : error.message);
    }
  });

  // 2. Recreate emergency tokens, and removing key and tokens: a confirmation page, then the POST.
  const confirmation = (path: 'tokens' | 'remove') =>
    router.get(`/persons/:name/totp/${path}`, async (ctx) => {
      const visit = await gate.page(ctx);
      if (!visit) return;
      const subject = await loadTotpSubject(ctx, visit, services);
      if (!subject) return;
      const { t } = visit;
      const name = subject.person.name;
      const nothing = path === 'remove' && subject.status.state === 'none' && subject.status.tokensLeft === 0;
      await renderAdmin(ctx, visit, 'totp/confirm', {
        title: t(path === 'tokens' ? 'admin.totp.tokens.title' : 'admin.totp.remove.title', { name }),
        base: subject.base,
        action: `${subject.base}/${path}`,
        lead: path === 'tokens' ? t('admin.totp.tokens.lead', { name, count: subject.status.tokensLeft }) : undefined,
        warning: path === 'tokens' ? t('admin.totp.tokens.warning', { name }) : t('admin.totp.remove.warning', { name }),
        nothing: nothing ? t('admin.totp.remove.nothing', { name }) : undefined,
        submitLabel: t(path === 'tokens' ? 'admin.totp.tokens.submit' : 'admin.totp.remove.submit'),
      });
    });
  confirmation('tokens');
  confirmation('remove');

  router.post('/persons/:name/totp/tokens', async (ctx) => {
    const visit = await gate.change(ctx);
    if (!visit) return;
    const subject = await loadTotpSubject(ctx, visit, services);
    if (!subject) return;
    await totpKeys.recreateTokens(subject.person.name, { actor: visit.actor });
    redirectAfterChange(ctx, subject.base, 'totpTokensRecreated');
  });

  router.post('/persons/:name/totp/remove', async (ctx) => {
    const visit = await gate.change(ctx);
    if (!visit) return;
    const subject = await loadTotpSubject(ctx, visit, services);
    if (!subject) return;
    try {
      await totpKeys.remove(subject.person.name, { actor: visit.actor });
      redirectAfterChange(ctx, subject.base, 'totpRemoved');
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      await showMenu(ctx, visit, subject, { alert: visit.t('admin.totp.remove.nothing', { name: subject.person.name }), status: 409 });
    }
  });

  // 5. Send the registration link; the service refuses (400/404) without an email address or a pending key, said here in words.
  router.post('/persons/:name/totp/link', async (ctx) => {
    const visit = await gate.change(ctx);
    if (!visit) return;
    const subject = await loadTotpSubject(ctx, visit, services);
    if (!subject) return;
    const { t } = visit;
    const name = subject.person.name;
    try {
      await totpKeys.sendLink(name, { actor: visit.actor });
      redirectAfterChange(ctx, subject.base, 'totpLinkSent');
    } catch (error) {
      if (!(error instanceof InvalidInputError) && !(error instanceof NotFoundError)) throw error;
      const now = await loadTotpSubject(ctx, visit, services);
      if (!now) return;
      const why = !now.person.email ? 'admin.totp.link.noEmail' : now.status.state === 'none' ? 'admin.totp.link.noKey' : now.status.state === 'active' ? 'admin.totp.link.active' : undefined;
      await showMenu(ctx, visit, now, { alert: why ? t(why, { name }) : error.message, status: 400 });
    }
  });

  totpSecretPages(router, deps);
}
