import { bodyParser } from '@koa/bodyparser';
import type { Context, Next } from 'koa';
import { GatehouseError } from '../errors/GatehouseError.ts';
import { isSameOriginRequest } from '../security/sameOrigin.ts';
import { readingBody, type Parse } from './readingBody.ts';

export type FormOptions = {
  /** The issuer's origin (scheme, host, port), the only one our forms may be sent from. */
  issuerOrigin: string;
  /** Largest form accepted, e.g. '16kb'. */
  limit: string;
  /** The face's own answer to a cross-origin POST (a page in the person's language); by default a 403 error page. */
  refuse?: (ctx: Context) => Promise<void>;
};

/**
 * The front of every router of Gatehouse's own HTML forms: a POST (any state-changing
 * method) from another origin changes nothing (403), and the form body is read with clear
 * 4xx answers for bodies that cannot be read. Each form still checks its CSRF token.
 */
export function acceptForm({ issuerOrigin, limit, refuse }: FormOptions) {
  const parse = readingBody(bodyParser({ enableTypes: ['form'], formLimit: limit }) as Parse);
  return async (ctx: Context, next: Next) => {
    if (!isSameOriginRequest(ctx, issuerOrigin)) {
      if (refuse) return refuse(ctx);
      throw new GatehouseError('This form can only be sent from Gatehouse\'s own pages. Go back to the page, reload it and try again.', { status: 403, expose: true, messageKey: 'error.foreignForm' });
    }
    await parse(ctx, next);
  };
}
