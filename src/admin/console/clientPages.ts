import type Router from '@koa/router';
import type { Context } from 'koa';
import { usesSecret } from '../../directory/clientDirectory.ts';
import { ConflictError, InvalidInputError, NotFoundError } from '../../errors/GatehouseError.ts';
import type { AdminConsoleDependencies } from './AdminConsoleDependencies.ts';
import type { AdminVisit } from './AdminVisit.ts';
import { adminProblem, doneNotice, redirectAfterChange, renderAdmin } from './adminPages.ts';
import { clientActionPages } from './clientActionPages.ts';
import { addInputOf, blankClient, changesOf, clientFormView, fieldErrorOf, typedClient, typedOf, type ClientTyped, type FieldError } from './clientForm.ts';
import { renderClientSecret } from './clientSecretPage.ts';
import { builtInReason, clientFacts, clientPath, clientRow, isBuiltInClient } from './clientWords.ts';

const pageSize = 25;

/** The page number asked for (`?page=`), 1 when it is not a whole number from 1. */
const pageAsked = (ctx: Context) => {
  const page = Number(ctx.query.page);
  return Number.isInteger(page) && page >= 1 ? page : 1;
};

/**
 * A refusal the form shows (bad input: 400, a client_id taken: 409); undefined for any
 * other error, which is not the form's to show.
 */
function formRefusal(error: unknown): { status: number; error: FieldError } | undefined {
  if (error instanceof InvalidInputError) return { status: 400, error: fieldErrorOf(error.message) };
  if (error instanceof ConflictError) return { status: 409, error: fieldErrorOf(error.message) };
  return undefined;
}

/** The add form, blank, as typed, or with the refusal at its field. */
const renderNew = (ctx: Context, visit: AdminVisit, typed: ClientTyped, refusal?: { status: number; error: FieldError }) =>
  renderAdmin(ctx, visit, 'clients/new', {
    title: visit.t('admin.clients.new.title'),
    status: refusal?.status ?? 200,
    form: clientFormView(visit.t, typed, refusal?.error),
    conflict: refusal?.status === 409,
  });

/**
 * The clients screen: the list, adding a client (its secret shown once, as the answer to
 * the form), a client's page with the form of what `clients.update` changes, and (in
 * clientActionPages.ts) rotating its secret and removing it. Gatehouse's own clients are
 * listed, marked built in, and never changed here.
 */
export function clientPages(router: Router, deps: AdminConsoleDependencies): void {
  const { gate, services } = deps;

  router.get('/clients', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    const { t } = visit;
    const clients = await services.clients.list();
    const pages = Math.max(1, Math.ceil(clients.length / pageSize));
    const page = Math.min(pageAsked(ctx), pages);
    await renderAdmin(ctx, visit, 'clients/list', {
      title: t('admin.clients.title'),
      notice: doneNotice(ctx, t),
      rows: clients.slice((page - 1) * pageSize, page * pageSize).map((client) => clientRow(t, client)),
      pager: pages > 1 ? { text: t('admin.pageOf', { page, pages }), previous: page > 1 ? `/admin/clients?page=${page - 1}` : undefined, next: page < pages ? `/admin/clients?page=${page + 1}` : undefined } : undefined,
    });
  });

  router.get('/clients/new', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    await renderNew(ctx, visit, blankClient());
  });

  router.post('/clients/new', async (ctx) => {
    const visit = await gate.change(ctx);
    if (!visit) return;
    const typed = typedClient(visit.body);
    let added;
    try {
      added = await services.clients.add(addInputOf(typed), { actor: visit.actor });
    } catch (error) {
      const refusal = formRefusal(error);
      if (!refusal) throw error;
      await renderNew(ctx, visit, typed, refusal);
      return;
    }
    if (added.clientSecret) {
      // The answer to the form itself: the secret is in no URL, no redirect and no log.
      await renderClientSecret(ctx, visit, { status: 201, clientId: added.client.client_id, secret: added.clientSecret, lead: 'admin.clients.secret.added' });
      return;
    }
    redirectAfterChange(ctx, clientPath(added.client.client_id), 'clientAdded');
  });

  const renderClient = async (ctx: Context, visit: AdminVisit, clientId: string, typed?: ClientTyped, refusal?: { status: number; error: FieldError }) => {
    const { t, locale } = visit;
    let client;
    try {
      client = await services.clients.show(clientId);
    } catch (error) {
      if (error instanceof NotFoundError) return adminProblem(ctx, 404, 'admin.clients.notFound', visit.person);
      throw error;
    }
    // `show` also finds a client by name: this page is the client_id's own.
    if (client.client_id !== clientId) return adminProblem(ctx, 404, 'admin.clients.notFound', visit.person);
    const path = clientPath(client.client_id);
    const builtIn = builtInReason(t, client.client_id);
    await renderAdmin(ctx, visit, 'clients/show', {
      title: client.client_name ? `${client.client_name} (${client.client_id})` : client.client_id,
      status: refusal?.status ?? 200,
      notice: refusal ? undefined : doneNotice(ctx, t),
      facts: clientFacts(t, locale, client),
      builtIn,
      path,
      form: builtIn ? undefined : clientFormView(t, typed ?? typedOf(client), refusal?.error),
      conflict: refusal?.status === 409,
      rotateHref: !builtIn && usesSecret(client.token_endpoint_auth_method) ? `${path}/rotate-secret` : undefined,
      removeHref: builtIn ? undefined : `${path}/remove`,
    });
  };

  router.get('/clients/:id', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    await renderClient(ctx, visit, ctx.params.id!);
  });

  router.post('/clients/:id', async (ctx) => {
    const visit = await gate.change(ctx);
    if (!visit) return;
    const clientId = ctx.params.id!;
    if (isBuiltInClient(clientId)) return adminProblem(ctx, 403, 'admin.clients.builtInRefused', visit.person);
    const typed = { ...typedClient(visit.body), client_id: clientId };
    let updated;
    try {
      updated = await services.clients.update(clientId, changesOf(typed), { actor: visit.actor });
    } catch (error) {
      if (error instanceof NotFoundError) return adminProblem(ctx, 404, 'admin.clients.notFound', visit.person);
      const refusal = formRefusal(error);
      if (!refusal) throw error;
      return renderClient(ctx, visit, clientId, typed, refusal);
    }
    // A client that now authenticates with a secret and had none gets one: shown here, once.
    if (updated.generatedSecret) return renderClientSecret(ctx, visit, { status: 200, clientId, secret: updated.generatedSecret, lead: 'admin.clients.secret.made' });
    redirectAfterChange(ctx, clientPath(clientId), updated.status === 'unchanged' ? 'clientUnchanged' : 'clientSaved');
  });

  clientActionPages(router, deps);
}
