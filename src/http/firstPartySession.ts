import type Router from '@koa/router';
import type { Context } from 'koa';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import { InvalidInputError } from '../errors/GatehouseError.ts';
import type { SecretBox } from '../security/secretBox.ts';
import type { StoredPerson } from '../store/repositories/personRepository.ts';
import { ensureFirstPartyClient, type FirstPartyClientStore } from './firstPartyClient.ts';
import { csrfTokenMatches, csrfTokenOf, type FirstPartySessionRecord, type FirstPartySessions } from './firstPartySessions.ts';
import { createFirstPartySignIn, pendingSignInSeconds, type SignInPurpose } from './firstPartySignIn.ts';
import { readPageCookie, setPageCookie } from './pageCookie.ts';

/** One of Gatehouse's own pages that signs persons in through its provider (the account page; next, the admin view). */
export type FirstPartySessionOptions = {
  clientId: string;
  clientName: string;
  /** What the log lines call the page. */
  pageName: string;
  /** Where the page lives ('/account'): its cookies are sent only there, and the provider calls back at `<basePath>/callback`. */
  basePath: string;
  cookies: { session: string; signIn: string };
  /** The context the pending sign-in is sealed under (firstPartySignIn.ts). */
  sealContext: string;
  /** A change needs a sign-in at most this old (ms); an older one signs in again first (prompt=login). */
  maxAgeMs: number;
  /** The acr the sign-in must reach, asked with acr_values (step-up); a session opened with another is refused. */
  requiredAcr?: string;
  /** Where the browser goes after the callback and after signing out. */
  returnTo: { signedIn: string; reauthenticated: string; signedOut: string };
};

type Dependencies = {
  issuer: string;
  secretBox: SecretBox;
  clients: FirstPartyClientStore;
  persons: { findBySub(sub: string): Promise<StoredPerson | null> };
  /** Built by the composition root, which sweeps them too. */
  sessions: FirstPartySessions;
  logger: Logger;
};

/** A visit with a live session: its cookie value, the session and its person. */
export type Visit = { sessionId: string; session: FirstPartySessionRecord; person: StoredPerson };

/** Why the page cannot go on; the page says it in its own words (`Refuse`). */
export type SessionProblem = 'session-ended' | 'forbidden' | 'expired' | 'cancelled' | 'failed' | 'short-acr';
export type Refuse = (ctx: Context, status: number, problem: SessionProblem, person?: StoredPerson) => Promise<void>;

/** The address this server was reached on: where the sign-in's back channel goes (firstPartySignIn.ts). */
function localOrigin(ctx: Context): string {
  const { localAddress, localPort } = ctx.req.socket;
  const host = !localAddress ? '127.0.0.1' : localAddress.includes(':') ? `[${localAddress}]` : localAddress;
  return `http://${host}:${localPort}`;
}

const redirect = (ctx: Context, to: string) => {
  ctx.status = 303;
  ctx.redirect(to);
};

/**
 * The browser sign-in of a first-party page: the person signs in to it through Gatehouse
 * like to any relying party — the full sign-in with the class's second factor — as the
 * page's own confidential client; the callback opens a session of the page's own
 * (firstPartySessions.ts), in an httpOnly cookie sent only to the page. Every form carries
 * the session's CSRF token, and a change needs a sign-in at most `maxAgeMs` old. Built
 * once at start; the page's routes use it.
 */
export function createFirstPartySession(options: FirstPartySessionOptions, { issuer, secretBox, clients, persons, sessions, logger }: Dependencies) {
  const { clientId, clientName, pageName, basePath, cookies, maxAgeMs, requiredAcr, returnTo } = options;
  const client = { clientId, clientName, redirectUri: `${issuer}${basePath}/callback` };
  const signIn = createFirstPartySignIn({ issuer, client, sealContext: options.sealContext, secretBox, clients, ...(requiredAcr ? { requiredAcr } : {}) });
  const secure = issuer.startsWith('https:');
  const setCookie = (ctx: Context, name: string, value: string | undefined, maxAgeSeconds: number) => setPageCookie(ctx, name, value, { path: basePath, maxAgeSeconds, secure });
  const isRecent = (authTime: Date, now: number) => now - authTime.getTime() <= maxAgeMs;

  /** The session of the request's cookie and its person; a session whose person is gone or disabled ends here. */
  const visitOf = async (ctx: Context, now = Date.now()): Promise<Visit | undefined> => {
    const sessionId = readPageCookie(ctx, cookies.session);
    const session = await sessions.find(sessionId, now);
    if (!sessionId || !session) return undefined;
    const person = await persons.findBySub(session.sub);
    if (person && person.enabled) return { sessionId, session, person };
    await sessions.end(sessionId);
    setCookie(ctx, cookies.session, undefined, 0);
    return undefined;
  };

  /** A path of the page itself (not `//host`, not elsewhere): where a sign-in may lead back to. */
  const isPagePath = (path: unknown): path is string =>
    typeof path === 'string' && (path === basePath || path.startsWith(`${basePath}/`) || path.startsWith(`${basePath}?`)) && !/[\\\s]|\/\//.test(path);

  /** Off to the provider's /auth; the pending request (and the page to come back to) is kept sealed in a short-lived cookie. */
  const sendToSignIn = async (ctx: Context, purpose: SignInPurpose, person?: StoredPerson, back?: string) => {
    const { url, sealed } = await signIn.start(purpose, { ...(person ? { loginHint: person.defaultUserId } : {}), ...(isPagePath(back) ? { returnTo: back } : {}) });
    setCookie(ctx, cookies.signIn, sealed, pendingSignInSeconds);
    redirect(ctx, url);
  };

  /** The callback: checks the answer against the pending request, and opens a new session. */
  const callback = async (ctx: Context, refuse: Refuse) => {
    const pending = signIn.open(readPageCookie(ctx, cookies.signIn));
    setCookie(ctx, cookies.signIn, undefined, 0);
    if (!pending) return refuse(ctx, 400, 'expired');
    let result;
    try {
      result = await signIn.finish(pending, ctx.querystring, localOrigin(ctx));
    } catch (error) {
      if (error instanceof oidc.AuthorizationResponseError) {
        logger.info({ error: error.error }, `${pageName} sign-in ended without a code`);
        if (error.error === 'unmet_authentication_requirements') return refuse(ctx, 403, 'short-acr');
        return refuse(ctx, 400, error.error === 'access_denied' ? 'cancelled' : 'failed');
      }
      if (error instanceof oidc.ResponseBodyError || error instanceof oidc.ClientError) {
        logger.warn({ err: error }, `${pageName} sign-in refused`);
        return refuse(ctx, 400, 'failed');
      }
      throw error;
    }
    const person = await persons.findBySub(result.sub);
    const now = Date.now();
    // prompt=login makes the provider sign the person in anew; a sign-in that is not recent, or short of the acr asked, is not what was asked for.
    if (!person || !person.enabled || (pending.purpose === 'reauthenticate' && !isRecent(result.authTime, now))) {
      return refuse(ctx, 403, 'failed', person ?? undefined);
    }
    if (requiredAcr !== undefined && result.acr !== requiredAcr) {
      logger.info({ sub: result.sub, acr: result.acr }, `${pageName} sign-in short of the level it needs`);
      return refuse(ctx, 403, 'short-acr', person);
    }
    // A new sign-in is a new session: the old one (of this person or another) ends.
    await sessions.end(readPageCookie(ctx, cookies.session));
    const sessionId = await sessions.open(result, now);
    setCookie(ctx, cookies.session, sessionId, sessions.lifetimeSeconds);
    logger.info({ sub: result.sub, purpose: pending.purpose }, `${pageName} session opened`);
    redirect(ctx, isPagePath(pending.returnTo) ? pending.returnTo : pending.purpose === 'reauthenticate' ? returnTo.reauthenticated : returnTo.signedIn);
  };

  return {
    options,
    sessions,
    isRecent,
    isPagePath,
    visitOf,
    sendToSignIn,
    /** The CSRF token the page's forms carry. */
    csrfTokenOf: (visit: Pick<Visit, 'sessionId'>) => csrfTokenOf(visit.sessionId),
    /** The provider's logout for this client, the last step of signing out. */
    endSessionUrl: () => `${issuer}/session/end?${new URLSearchParams({ client_id: clientId })}`,

    /**
     * At start: the sessions' collection, and the page's client registered for this
     * issuer. An issuer the client directory refuses as a redirect URI (plain http on a
     * host other than localhost) leaves the page unusable, not the server: the reason is
     * logged, and the page answers with it.
     */
    async prepare(): Promise<void> {
      await sessions.prepare();
      try {
        await ensureFirstPartyClient(clients, client);
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        logger.warn({ reason: error.message }, `the ${pageName} cannot sign persons in with this ISSUER`);
      }
    },

    /**
     * The visit of a form that changes something, or undefined when the answer is already
     * given: no session, a wrong CSRF token, or (with `recent`) a sign-in older than
     * `maxAgeMs`, which sends the person to sign in again — what they typed is not kept.
     */
    async changeVisit(ctx: Context, refuse: Refuse, { recent = true }: { recent?: boolean } = {}): Promise<(Visit & { body: Record<string, unknown>; now: number }) | undefined> {
      const body = (ctx.request.body ?? {}) as Record<string, unknown>;
      const now = Date.now();
      const visit = await visitOf(ctx, now);
      if (!visit) {
        await refuse(ctx, 403, 'session-ended');
        return undefined;
      }
      if (!csrfTokenMatches(visit.sessionId, body.csrf)) {
        logger.info({ sub: visit.person._id }, `${pageName} form refused: CSRF token missing or wrong`);
        await refuse(ctx, 403, 'forbidden', visit.person);
        return undefined;
      }
      if (recent && !isRecent(visit.session.authTime, now)) {
        await sendToSignIn(ctx, 'reauthenticate', visit.person, typeof body.return_to === 'string' ? body.return_to : undefined);
        return undefined;
      }
      return { ...visit, body, now };
    },

    /** The routes of the sign-in itself, under the page's router: the callback, a new sign-in on request, and signing out. */
    routes(router: Router, refuse: Refuse): void {
      router.get('/callback', (ctx) => callback(ctx, refuse));

      router.get('/reauthenticate', async (ctx) => {
        const visit = await visitOf(ctx);
        const back = typeof ctx.query.return_to === 'string' ? ctx.query.return_to : undefined;
        await sendToSignIn(ctx, visit ? 'reauthenticate' : 'sign-in', visit?.person, back);
      });

      router.post('/sign-out', async (ctx) => {
        const body = (ctx.request.body ?? {}) as Record<string, unknown>;
        const visit = await visitOf(ctx);
        if (visit && !csrfTokenMatches(visit.sessionId, body.csrf)) return refuse(ctx, 403, 'forbidden', visit.person);
        await sessions.end(visit?.sessionId);
        setCookie(ctx, cookies.session, undefined, 0);
        redirect(ctx, returnTo.signedOut);
      });
    },
  };
}

export type FirstPartySession = ReturnType<typeof createFirstPartySession>;
