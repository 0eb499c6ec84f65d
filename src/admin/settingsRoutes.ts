import type { SettingsDirectory } from '../directory/settingsDirectory.ts';
import { InvalidInputError } from '../errors/GatehouseError.ts';
import type { AdminRoute } from './AdminRoute.ts';
import { defaultClassSchema } from './apiSchemas/recordApiSchemas.ts';
import { actorOf } from './authenticateAdmin.ts';
import { parseInput } from '../directory/schemas/parseInput.ts';
import { bodyObject } from './readJsonBody.ts';

/** The default class: the class of persons whose class is *DFT. */
export function settingsRoutes(settings: Pick<SettingsDirectory, 'defaultClass' | 'setDefaultClass'>): AdminRoute[] {
  return [
    {
      method: 'GET',
      path: '/settings/default-class',
      doc: { operationId: 'showDefaultClass', summary: 'The default class', tag: 'Settings', responses: { 200: { description: 'The class of persons whose class is *DFT.', schema: defaultClassSchema } } },
      async handle(ctx) {
        ctx.body = { name: (await settings.defaultClass()) ?? null };
      },
    },
    {
      method: 'PUT',
      path: '/settings/default-class',
      doc: {
        operationId: 'setDefaultClass',
        summary: 'Set or clear the default class',
        tag: 'Settings',
        body: defaultClassSchema,
        example: { name: 'FULL' },
        responses: { 200: { description: 'The default class now.', schema: defaultClassSchema } },
        refusals: [400],
      },
      async handle(ctx) {
        const { name } = parseInput(defaultClassSchema, bodyObject(ctx));
        try {
          const result = await settings.setDefaultClass(name ?? undefined, { actor: actorOf(ctx) });
          ctx.body = { name: result.default_class ?? null };
        } catch (error) {
          // The service names the setting; this request calls it `name`.
          if (error instanceof InvalidInputError) throw new InvalidInputError(error.message.replace(/^default_class:/, 'name:'));
          throw error;
        }
      },
    },
  ];
}
