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

/**
 * The six operations of a named record under `base`: list, add, show, change some fields
 * (PATCH), create or replace (PUT, the name in the path), delete. `putView` takes the
 * record out of what `put` returns.
 */
export function namedRecordRoutes<View extends { name: string }, Put extends { status: Status }>(
  base: string,
  directory: NamedRecordDirectory<View, Put>,
  putView: (result: Put) => View,
): AdminRoute[] {
  const at = (name: string) => `${base}/${encodeURIComponent(name)}`;
  return [
    {
      method: 'GET',
      path: base,
      async handle(ctx) {
        ctx.body = { items: await directory.list() };
      },
    },
    {
      method: 'POST',
      path: base,
      async handle(ctx) {
        const record = await directory.add(bodyObject(ctx), { actor: actorOf(ctx) });
        created(ctx, at(record.name), record);
      },
    },
    {
      method: 'GET',
      path: `${base}/:name`,
      async handle(ctx) {
        ctx.body = await directory.show(ctx.params.name!);
      },
    },
    {
      method: 'PATCH',
      path: `${base}/:name`,
      async handle(ctx) {
        ctx.body = await directory.update(ctx.params.name!, bodyObject(ctx), { actor: actorOf(ctx) });
      },
    },
    {
      method: 'PUT',
      path: `${base}/:name`,
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
      async handle(ctx) {
        await directory.delete(ctx.params.name!, { actor: actorOf(ctx) });
        noContent(ctx);
      },
    },
  ];
}
