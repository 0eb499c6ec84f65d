import type { ClientDirectory } from '../directory/clientDirectory.ts';
import { noContent, type AdminRoute } from './AdminRoute.ts';
import { actorOf } from './authenticateAdmin.ts';
import { bodyObject } from './readJsonBody.ts';

/** Relying parties: list, register (the secret is in this one answer only), remove. */
export function clientRoutes(clients: Pick<ClientDirectory, 'add' | 'list' | 'remove'>): AdminRoute[] {
  return [
    {
      method: 'GET',
      path: '/clients',
      async handle(ctx) {
        ctx.body = { items: await clients.list() };
      },
    },
    {
      method: 'POST',
      path: '/clients',
      async handle(ctx) {
        const { client, clientSecret } = await clients.add(bodyObject(ctx), { actor: actorOf(ctx) });
        ctx.status = 201;
        ctx.body = { client, ...(clientSecret ? { client_secret: clientSecret } : {}) };
      },
    },
    {
      method: 'DELETE',
      path: '/clients/:client_id',
      async handle(ctx) {
        await clients.remove(ctx.params.client_id!, { actor: actorOf(ctx) });
        noContent(ctx);
      },
    },
  ];
}
