import { z } from 'zod';
import type { Actor } from '../security/createAuditLog.ts';
import { AdminApiError } from './AdminApiError.ts';
import { created, noContent, type AdminRoute } from './AdminRoute.ts';
import { actorOf } from './authenticateAdmin.ts';
import { bodyObject } from './readJsonBody.ts';

type Options = { actor?: Actor };
type Status = 'created' | 'updated' | 'unchanged';

/** A directory of records named case-insensitively (classes, IP groups), as the admin API uses it. */
export type NamedRecordDirectory<View extends { name: string }, Put extends { status: Status }> = {
  add(input: unknown, options: Options): Promise<View>;
  show(name: string): Promise<View>;
  list(): Promise<View[]>;
  update(name: string, change: unknown, options: Options): Promise<View>;
  put(input: unknown, options: Options): Promise<Put>;
  delete(name: string, options: Options): Promise<void>;
};

/** How the OpenAPI document tells a kind of named record: its tag, its name in a sentence, its input and view schemas. */
export type NamedRecordDoc = { tag: string; what: string; input: z.ZodType; view: z.ZodType; changes: z.ZodType; examples: { input: { name: string }; changes: object } };

/**
 * The six operations of a named record under `base`: list, add, show, change some fields
 * (PATCH), create or replace (PUT, the name in the path), delete. `putView` takes the
 * record out of what `put` returns.
 */
export function namedRecordRoutes<View extends { name: string }, Put extends { status: Status }>(
  base: string,
  directory: NamedRecordDirectory<View, Put>,
  putView: (result: Put) => View,
  { tag, what, input, view, changes, examples }: NamedRecordDoc,
): AdminRoute[] {
  const at = (name: string) => `${base}/${encodeURIComponent(name)}`;
  const list = z.object({ items: z.array(view) }).meta({ id: `${tag}List` });
  return [
    {
      method: 'GET',
      path: base,
      doc: { operationId: `list${tag}`, summary: `List the ${what}s`, tag, responses: { 200: { description: `The ${what}s, by name.`, schema: list } } },
      async handle(ctx) {
        ctx.body = { items: await directory.list() };
      },
    },
    {
      method: 'POST',
      path: base,
      doc: { operationId: `add${tag}`, summary: `Add a ${what}`, tag, body: input, example: examples.input, responses: { 201: { description: `The new ${what}.`, schema: view, location: true } }, refusals: [400, 409] },
      async handle(ctx) {
        const record = await directory.add(bodyObject(ctx), { actor: actorOf(ctx) });
        created(ctx, at(record.name), record);
      },
    },
    {
      method: 'GET',
      path: `${base}/:name`,
      doc: { operationId: `show${tag}`, summary: `Show a ${what}`, tag, responses: { 200: { description: `The ${what}.`, schema: view } }, refusals: [404] },
      async handle(ctx) {
        ctx.body = await directory.show(ctx.params.name!);
      },
    },
    {
      method: 'PATCH',
      path: `${base}/:name`,
      doc: {
        operationId: `change${tag}`,
        summary: `Change some fields of a ${what}`,
        description: 'The fields given replace the stored ones; the name cannot change.',
        tag,
        body: changes,
        example: examples.changes,
        responses: { 200: { description: `The changed ${what}.`, schema: view } },
        refusals: [400, 404],
      },
      async handle(ctx) {
        ctx.body = await directory.update(ctx.params.name!, bodyObject(ctx), { actor: actorOf(ctx) });
      },
    },
    {
      method: 'PUT',
      path: `${base}/:name`,
      doc: {
        operationId: `put${tag}`,
        summary: `Create or replace a ${what}`,
        description: `The whole ${what}: a field left out gets its default. The body's name may be left out; if given, it must be the name in the path.`,
        tag,
        body: input,
        example: examples.input,
        responses: { 200: { description: `The replaced (or unchanged) ${what}.`, schema: view }, 201: { description: `The new ${what}.`, schema: view, location: true } },
        refusals: [400],
      },
      async handle(ctx) {
        const name = ctx.params.name!;
        const body = bodyObject(ctx);
        if (body.name !== undefined && (typeof body.name !== 'string' || body.name.toUpperCase() !== name.toUpperCase())) {
          throw new AdminApiError(400, 'invalid_request', `name: the body's name must be the name in the path ("${name}"), or left out.`);
        }
        const result = await directory.put({ ...body, name }, { actor: actorOf(ctx) });
        const record = putView(result);
        if (result.status === 'created') created(ctx, at(record.name), record);
        else ctx.body = record;
      },
    },
    {
      method: 'DELETE',
      path: `${base}/:name`,
      doc: { operationId: `delete${tag}`, summary: `Delete a ${what}`, description: 'Refused (409) while a person uses it.', tag, responses: { 204: { description: 'Deleted.' } }, refusals: [404, 409] },
      async handle(ctx) {
        await directory.delete(ctx.params.name!, { actor: actorOf(ctx) });
        noContent(ctx);
      },
    },
  ];
}
