import { z } from 'zod';
import type { ClientDirectory } from '../directory/clientDirectory.ts';
import { clientSchema } from '../directory/schemas/clientSchema.ts';
import { noContent, type AdminRoute } from './AdminRoute.ts';
import { actorOf } from './authenticateAdmin.ts';
import { clientCreatedSchema, clientViewSchema } from './apiSchemas/recordApiSchemas.ts';
import { bodyObject } from './readJsonBody.ts';

const clientListSchema = z.object({ items: z.array(clientViewSchema) }).meta({ id: 'ClientList' });

/** Relying parties: list, register (the secret is in this one answer only), remove. */
export function clientRoutes(clients: Pick<ClientDirectory, 'add' | 'list' | 'remove'>): AdminRoute[] {
  return [
    {
      method: 'GET',
      path: '/clients',
      doc: { operationId: 'listClients', summary: 'List the clients (never their secrets)', tag: 'Clients', responses: { 200: { description: 'The clients, by client_id.', schema: clientListSchema } } },
      async handle(ctx) {
        ctx.body = { items: await clients.list() };
      },
    },
    {
      method: 'POST',
      path: '/clients',
      doc: {
        operationId: 'addClient',
        summary: 'Register a client',
        tag: 'Clients',
        body: clientSchema,
        example: { client_id: 'crm', client_name: 'CRM', redirect_uris: ['https://crm.example.com/callback'] },
        responses: { 201: { description: 'The client, and its secret — shown this once only.', schema: clientCreatedSchema } },
        refusals: [400, 409],
      },
      async handle(ctx) {
        const { client, clientSecret } = await clients.add(bodyObject(ctx), { actor: actorOf(ctx) });
        ctx.status = 201;
        ctx.body = { client, ...(clientSecret ? { client_secret: clientSecret } : {}) };
      },
    },
    {
      method: 'DELETE',
      path: '/clients/:client_id',
      doc: { operationId: 'deleteClient', summary: 'Remove a client', tag: 'Clients', responses: { 204: { description: 'Deleted.' } }, refusals: [404] },
      async handle(ctx) {
        await clients.remove(ctx.params.client_id!, { actor: actorOf(ctx) });
        noContent(ctx);
      },
    },
  ];
}
