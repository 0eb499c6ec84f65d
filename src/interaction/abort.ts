import type { Context } from 'koa';
import type { SignInEnds } from './finishSignIn.ts';

/** POST /abort — the person cancelled: the relying party hears access_denied, and no sign-in happened. */
export function abortSignIn({ ends }: { ends: SignInEnds }) {
  return (ctx: Context) => ends.endWithError(ctx, 'access_denied', 'The person cancelled the sign-in.');
}
