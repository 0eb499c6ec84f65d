import type { Context } from 'koa';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

const originOf = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

/**
 * Whether a request that changes state was sent by one of our own pages: its Origin is
 * the issuer's origin, or — a browser that sends no Origin — its Referer is on it. Koa's
 * `ctx.origin` is not used: it is the request's own Origin header. `null` (a sandboxed
 * frame, a privacy tool, a redirect across sites), a foreign origin and a request with
 * neither header are refused. Our pages send `Referrer-Policy: same-origin`, so browsers
 * send the true Origin (and Referer) on our own forms and nothing to other sites.
 */
export function isSameOriginRequest(ctx: Context, issuerOrigin: string): boolean {
  if (safeMethods.has(ctx.method)) return true;
  const origin = ctx.get('origin');
  if (origin) return origin === issuerOrigin;
  const referer = ctx.get('referer');
  return referer !== '' && originOf(referer) === issuerOrigin;
}
