import type { Context } from 'koa';

/** One operation of the admin API: the router mounts it behind authentication; openapi.ts documents it. */
export type AdminRoute = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Below /admin/api, in @koa/router syntax (`/persons/:name`). */
  path: string;
  handle(ctx: Context): Promise<void>;
};

export const adminApiPrefix = '/admin/api';

/** 201 with the new record and where it now lives. */
export function created(ctx: Context, location: string, body: unknown): void {
  ctx.status = 201;
  ctx.set('Location', `${adminApiPrefix}${location}`);
  ctx.body = body;
}

export function noContent(ctx: Context): void {
  ctx.status = 204;
}
