import { bodyParser } from '@koa/bodyparser';
import type { Context, Next } from 'koa';
import { GatehouseError } from '../errors/GatehouseError.ts';
import { bodyReadError, readingBody, type Parse } from '../http/readingBody.ts';
import { AdminApiError } from './AdminApiError.ts';

export const maximumBodySize = '64kb';

const parse = readingBody(bodyParser({ enableTypes: ['json'], jsonLimit: maximumBodySize, encoding: 'utf-8' }) as Parse, (error) => {
  const refusal = bodyReadError(error);
  return refusal instanceof GatehouseError ? new AdminApiError(refusal.status, 'invalid_request', refusal.message) : refusal;
});
const withBody = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Parses a JSON request body (and nothing else) for the admin routes. Only this router
 * reads bodies this way: oidc-provider parses its own requests.
 */
export async function readJsonBody(ctx: Context, next: Next): Promise<void> {
  // An empty body (Content-Length: 0, as fetch and curl send a POST without one) has no type to check.
  if (withBody.has(ctx.method) && ctx.request.length !== 0 && ctx.request.is('application/json') === false) {
    throw new AdminApiError(415, 'invalid_request', 'Send the request body as JSON, with "Content-Type: application/json".');
  }
  await parse(ctx, next);
}

/** The body as an object of fields; anything else (an array, a string, nothing) is refused. */
export function bodyObject(ctx: Context): Record<string, unknown> {
  const body: unknown = ctx.request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AdminApiError(400, 'invalid_request', 'The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

/** The body as an object holding only the `known` fields. */
export function bodyFields<Name extends string>(ctx: Context, known: readonly Name[]): Partial<Record<Name, unknown>> {
  const body = bodyObject(ctx);
  for (const field of Object.keys(body)) {
    if (!(known as readonly string[]).includes(field)) throw new AdminApiError(400, 'invalid_request', `${field}: not a field of this request (known: ${known.join(', ')}).`);
  }
  return body as Partial<Record<Name, unknown>>;
}
