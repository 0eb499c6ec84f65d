import type { Context, Next } from 'koa';
import { GatehouseError } from '../errors/GatehouseError.ts';

/** The provider's authorization endpoint (oidc-provider's default route). */
export const authorizationPath = '/auth';

/**
 * The largest form accepted: its parameters become the query of the GET it is redirected
 * to, which must stay well under Node's 16 KiB limit for a request head.
 */
const formLimitBytes = 8 * 1024;

async function readForm(ctx: Context): Promise<URLSearchParams> {
  if (!ctx.is('application/x-www-form-urlencoded')) {
    throw new GatehouseError('An authorization request sent by POST must be form-encoded (Content-Type: application/x-www-form-urlencoded).', { status: 400, expose: true });
  }
  const encoding = ctx.get('content-encoding').toLowerCase();
  if (encoding && encoding !== 'identity') {
    throw new GatehouseError('An authorization request sent by POST must not be compressed (no Content-Encoding).', { status: 415, expose: true });
  }
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > formLimitBytes) {
      throw new GatehouseError(`An authorization request sent by POST may have at most ${formLimitBytes} bytes of parameters; send a long request object by reference (request_uri) instead.`, { status: 413, expose: true });
    }
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * OIDC Core 3.1.2.1: the authorization endpoint takes POST as well as GET. oidc-provider
 * serves POST only when its session cookie is SameSite=None, which browsers refuse over
 * plain http and which would send that cookie with every cross-site POST. Instead the form
 * is answered with a 303 to the same request as GET: the browser follows it as a top-level
 * GET navigation, so it sends the SameSite=Lax session cookie and the request goes on
 * exactly as if it had been sent by GET (parameters repeated in the form stay repeated, so
 * the provider still refuses them). A query string of the POST is ignored, as the provider
 * itself would: the parameters of a POST are its form.
 */
export function authorizationByPost() {
  return async (ctx: Context, next: Next) => {
    if (ctx.method !== 'POST' || ctx.path !== authorizationPath) return next();
    const parameters = await readForm(ctx);
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 303;
    ctx.redirect(`${authorizationPath}?${parameters.toString()}`);
  };
}
