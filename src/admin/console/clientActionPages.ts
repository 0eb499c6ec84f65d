import type Router from '@koa/router';
import type { Context } from 'koa';
import { usesSecret } from '../../directory/clientDirectory.ts';
import { InvalidInputError, NotFoundError } from '../../errors/GatehouseError.ts';
import type { MessageKey } from '../../i18n/messages.en.ts';
import type { AdminConsoleDependencies } from './AdminConsoleDependencies.ts';
import type { AdminVisit } from './AdminVisit.ts';
import { adminProblem, redirectAfterChange, renderAdmin } from './adminPages.ts';
import { renderClientSecret } from './clientSecretPage.ts';
import { clientPath, isBuiltInClient } from './clientWords.ts';

type Confirmation = { title: MessageKey; warning: MessageKey; submit: MessageKey };

const rotation: Confirmation = { title: 'admin.clients.rotate.title', warning: 'admin.clients.rotate.warning', submit: 'admin.clients.rotate.submit' };
const removal: Confirmation = { title: 'admin.clients.remove.title', warning: 'admin.clients.remove.warning', submit: 'admin.clients.remove.submit' };

/**
 * A client's two actions that go through a confirmation page: a new secret (shown once,
 * the former one refused from then on) and removal (with every grant, code and token
 * issued to it: clientDirectory.remove). Built-in clients have neither.
 */
export function clientActionPages(router: Router, { gate, services }: AdminConsoleDependencies): void {
  /** The client to act on, or undefined when the answer is given: unknown (404) or built in (403). */
  const actOn = async (ctx: Context, visit: AdminVisit) => {
    const clientId = ctx.params.id!;
    if (isBuiltInClient(clientId)) {
      await adminProblem(ctx, 403, 'admin.clients.builtInRefused', visit.person);
      return undefined;
    }
    try {
      const client = await services.clients.show(clientId);
      if (client.client_id === clientId) return client;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    await adminProblem(ctx, 404, 'admin.clients.notFound', visit.person);
    return undefined;
  };

  const confirm = (path: string, words: Confirmation, danger: boolean) =>
    router.get(`/clients/:id/${path}`, async (ctx) => {
      const visit = await gate.page(ctx);
      if (!visit) return;
      const client = await actOn(ctx, visit);
      if (!client) return;
      if (path === 'rotate-secret' && !usesSecret(client.token_endpoint_auth_method)) return adminProblem(ctx, 409, 'admin.clients.noSecretToRotate', visit.person);
      const { t } = visit;
      await renderAdmin(ctx, visit, 'clients/confirm', {
        title: t(words.title, { id: client.client_id }),
        warning: t(words.warning),
        submit: t(words.submit),
        buttonClass: danger ? 'danger' : 'primary',
        action: `${clientPath(client.client_id)}/${path}`,
        back: clientPath(client.client_id),
      });
    });

  confirm('rotate-secret', rotation, false);
  confirm('remove', removal, true);

  router.post('/clients/:id/rotate-secret', async (ctx) => {
    const visit = await gate.change(ctx);
    if (!visit) return;
    const client = await actOn(ctx, visit);
    if (!client) return;
    let rotated;
    try {
      rotated = await services.clients.rotateSecret(client.client_id, { actor: visit.actor });
    } catch (error) {
      if (error instanceof InvalidInputError) return adminProblem(ctx, 409, 'admin.clients.noSecretToRotate', visit.person);
      throw error;
    }
    await renderClientSecret(ctx, visit, { status: 200, clientId: client.client_id, secret: rotated.clientSecret, lead: 'admin.clients.secret.rotated' });
  });

  router.post('/clients/:id/remove', async (ctx) => {
    const visit = await gate.change(ctx);
    if (!visit) return;
    const client = await actOn(ctx, visit);
    if (!client) return;
    try {
      await services.clients.remove(client.client_id, { actor: visit.actor });
    } catch (error) {
      if (error instanceof NotFoundError) return adminProblem(ctx, 404, 'admin.clients.notFound', visit.person);
      throw error;
    }
    redirectAfterChange(ctx, '/admin/clients', 'clientRemoved');
  });
}
