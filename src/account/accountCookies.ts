import type { Context } from 'koa';
import { readPageCookie, setPageCookie } from '../http/pageCookie.ts';

/** The account session's id (accountSessions.ts). */
export const sessionCookie = 'gatehouse.account';
/** The sealed pending sign-in (accountSignIn.ts), between /account and /account/callback. */
export const signInCookie = 'gatehouse.account_signin';

/** Sets or clears a cookie of the account page (pageCookie.ts), only sent to /account. */
export function setAccountCookie(ctx: Context, name: string, value: string | undefined, options: { maxAgeSeconds: number; secure: boolean }): void {
  setPageCookie(ctx, name, value, { path: '/account', ...options });
}

export const readAccountCookie = readPageCookie;
