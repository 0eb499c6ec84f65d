import type { Context } from 'koa';
import type { z } from 'zod';

/** An answer of an operation, as the OpenAPI document tells it. */
export type ResponseDoc = {
  description: string;
  /** A JSON body: a schema with an id (`.meta({ id })`), listed once under components. */
  schema?: z.ZodType;
  /** Not JSON: a QR code image. */
  image?: 'image/svg+xml' | 'image/png';
  /** A Location header says where the new record is. */
  location?: boolean;
};

/** What the OpenAPI document says of an operation; openapi.ts builds the document from these. */
export type OperationDoc = {
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** Each field one query parameter. */
  query?: z.ZodObject;
  /** The JSON body (a schema with an id); `bodyOptional`: it may be left out. */
  body?: z.ZodType;
  bodyOptional?: boolean;
  /** A body this operation accepts, shown in the document (the OpenAPI test checks the body's schema takes it). */
  example?: unknown;
  responses: Record<number, ResponseDoc>;
  /** The refusals this operation may answer besides 401 and 403 (every operation behind authentication answers those). */
  refusals?: (400 | 404 | 409)[];
};

/** One operation of the admin API: the router mounts it behind authentication; openapi.ts documents it from `doc`. */
export type AdminRoute = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Below /admin/api, in @koa/router syntax (`/persons/:name`). */
  path: string;
  doc: OperationDoc;
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
