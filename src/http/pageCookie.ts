import type { Context } from 'koa';

export type PageCookieOptions = { path: string; maxAgeSeconds: number; secure: boolean };

/**
 * Sets (or, with `undefined`, clears) a cookie of one of Gatehouse's own pages: httpOnly,
 * SameSite=Lax, sent only to `path`, and Secure when the issuer is https. Written by hand
 * rather than with ctx.cookies, which refuses a Secure cookie on a request that reached us
 * over plain http (TLS ended at a proxy that is not trusted for X-Forwarded-Proto).
 */
export function setPageCookie(ctx: Context, name: string, value: string | undefined, options: PageCookieOptions): void {
  const attributes = [
    `${name}=${value ?? ''}`,
    `Path=${options.path}`,
    `Max-Age=${value === undefined ? 0 : Math.max(0, Math.floor(options.maxAgeSeconds))}`,
    ...(value === undefined ? ['Expires=Thu, 01 Jan 1970 00:00:00 GMT'] : []),
    'HttpOnly',
    'SameSite=Lax',
    ...(options.secure ? ['Secure'] : []),
  ];
  ctx.append('Set-Cookie', attributes.join('; '));
}

export function readPageCookie(ctx: Context, name: string): string | undefined {
  return ctx.cookies.get(name) || undefined;
}
