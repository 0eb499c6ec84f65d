import type Koa from 'koa';
import type Provider from 'oidc-provider';

/**
 * The id of the provider session of the browser making this request, when it is a live
 * session with someone signed in: what a reset keeps with `revokeSessions(…, { keepSessionId })`
 * (createPersonSessions.ts). It is the session's own id, the one its `_session` cookie holds
 * and the adapter is given (the database keeps only its keyed hash): a bearer value, to be
 * handed on within the request, never logged, stored or shown.
 *
 * Our pages are not the provider's routes: their ctx has no `ctx.oidc`, so Session.get
 * reads the signed cookie through a context of the provider's own (`provider.createContext`
 * over ctx.req and ctx.res) and leaves nothing on ctx. A cookie naming no stored session,
 * or none at all, gets a new unsaved session with a made-up id: no account, no answer.
 */
export async function currentSessionId(provider: Provider, ctx: Koa.Context): Promise<string | undefined> {
  const session = await provider.Session.get(ctx);
  return session.accountId ? session.jti : undefined;
}
