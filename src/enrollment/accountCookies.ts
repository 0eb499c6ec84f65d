import type { Context } from 'koa';

/** The account session's id (accountSessions.ts). */
export const sessionCookie = 'gatehouse.account';
/** The sealed pending sign-in (accountSignIn.ts), between /account and /account/callback. */
export const signInCookie = 'gatehouse.account_signin';

/**
 * Sets or clears a cookie of the account page: httpOnly, SameSite=Lax, only sent to
 * /account, and Secure when the issuer is https. Written by hand rather than with
 * ctx.cookies, which refuses a Secure cookie on a request that reached us over plain
 * http (TLS ended at a proxy that is not trusted for X-Forwarded-Proto).
 */
export function setAccountCookie(ctx: Context, name: string, value: string | undefined, options: { maxAgeSeconds: number; secure: boolean }): void {
  const attributes = [
    `${name}=${value ?? ''}`,
    'Path=/account',
    `Max-Age=${value === undefined ? 0 : options.maxAgeSeconds}`,
    ...(value === undefined ? ['Expires=Thu, 01 Jan 1970 00:00:00 GMT'] : []),
    'HttpOnly',
    'SameSite=Lax',
    ...(options.secure ? ['Secure'] : []),
  ];
  ctx.append('Set-Cookie', attributes.join('; '));
}

export function readAccountCookie(ctx: Context, name: string): string | undefined {
  return ctx.cookies.get(name) || undefined;
}
