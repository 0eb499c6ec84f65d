import Router from '@koa/router';
import type { Context, Next } from 'koa';
import * as oidc from 'openid-client';
import type { Logger } from 'pino';
import type { Config } from '../configuration/loadConfig.ts';
import { InvalidInputError } from '../errors/GatehouseError.ts';
import { acceptForm } from '../http/acceptForm.ts';
import type { MessageKey } from '../i18n/messages.en.ts';
import type { Services } from '../services.ts';
import type { StoredPerson } from '../store/models/personModel.ts';
import { accountClientId } from '../oidc/accountClientId.ts';
import { readAccountCookie, sessionCookie, setAccountCookie, signInCookie } from './accountCookies.ts';
import { createAccountSessions, csrfTokenMatches, csrfTokenOf, type AccountSession } from './accountSessions.ts';
import { createAccountSignIn, pendingSignInSeconds, type SignInPurpose } from './accountSignIn.ts';
import { accountTotpRoutes } from './accountTotpRoutes.ts';
import { displayName, languageOf, problem, render } from './accountPages.ts';
import { describeQuestionProblem, questionRowCount, questionsAskedBy, readQuestionRows } from './questionForm.ts';

type Dependencies = { config: Config; services: Services; logger: Logger };

/** A change of factors needs a sign-in at most this old; an older one signs in again first (prompt=login). */
export const recentSignInMs = 10 * 60 * 1000;

/** How long an account session lasts: half an hour, and never longer than the provider's session. */
export const accountSessionSeconds = (config: Pick<Config, 'ttl'>) => Math.min(config.ttl.session, 30 * 60);

/** A visit with a live account session: its cookie value, the session and its person. */
export type Visit = { sessionId: string; session: AccountSession; person: StoredPerson };

/** What the page shows besides the stored state: a message, and the question texts just typed. */
type PageExtra = { status?: number; notice?: string; error?: string; typedQuestions?: Record<number, string> };

const isRecent = (authTime: Date, now: number) => now - authTime.getTime() <= recentSignInMs;

/** The address this server was reached on: where the account page's back channel goes (accountSignIn.ts). */
function localOrigin(ctx: Context): string {
  const { localAddress, localPort } = ctx.req.socket;
  const host = !localAddress ? '127.0.0.1' : localAddress.includes(':') ? `[${localAddress}]` : localAddress;
  return `http://${host}:${localPort}`;
}

const noStore = async (ctx: Context, next: Next) => {
  ctx.set('Cache-Control', 'no-store');
  await next();
};

/**
 * The self-service account page (product.md: a signed-in person enrols factors). The
 * person signs in to it through Gatehouse like to any relying party — the full sign-in
 * with the class's second factor — as the first-party client `gatehouse-account`; the
 * callback opens an account session of its own (accountSessions.ts). Every form carries
 * the session's CSRF token, and a change of factors needs a sign-in of the last ten
 * minutes. Routes only collect and render: the private-questions service checks and
 * stores.
 */
export function accountRoutes({ config, services, logger }: Dependencies): Router {
  const { persons, questions } = services;
  const issuerOrigin = new URL(config.issuer).origin;
  const secure = config.issuer.startsWith('https:');
  const sessions = createAccountSessions(services.store.connection, { lifetimeSeconds: accountSessionSeconds(config) });
  const signIn = createAccountSignIn({ issuer: config.issuer, secretBox: services.secretBox, clients: services.clients });
  const router = new Router({ prefix: '/account' });

  const clearCookie = (ctx: Context, name: string) => setAccountCookie(ctx, name, undefined, { maxAgeSeconds: 0, secure });

  /** The session of the request's cookie and its person; a session whose person is gone or disabled ends here. */
  const visitOf = async (ctx: Context, now = Date.now()): Promise<Visit | undefined> => {
    const sessionId = readAccountCookie(ctx, sessionCookie);
    const session = await sessions.find(sessionId, now);
    if (!sessionId || !session) return undefined;
    const person = await persons.findBySub(session.sub);
    if (person && person.enabled) return { sessionId, session, person };
    await sessions.end(sessionId);
    clearCookie(ctx, sessionCookie);
    return undefined;
  };

  /** Off to the provider's /auth; the pending request is kept sealed in a short-lived cookie. */
  const sendToSignIn = async (ctx: Context, purpose: SignInPurpose, person?: StoredPerson) => {
    const { url, sealed } = await signIn.start(purpose, person ? { loginHint: person.defaultUserId } : {});
    setAccountCookie(ctx, signInCookie, sealed, { maxAgeSeconds: pendingSignInSeconds, secure });
    ctx.status = 303;
    ctx.redirect(url);
  };

  /** The class's demand and the rows of the questions form. */
  const questionState = async (person: StoredPerson, now: number) => {
    const [{ policy }, stored] = await Promise.all([persons.planFor(person, 'MFA', now), questions.questionsOf(person._id)]);
    const asked = questionsAskedBy(policy);
    return { asked, stored, rows: questionRowCount(asked, stored.length) };
  };

  /**
   * The visit of a form that changes factors, or undefined when the answer is already
   * given: no session, a wrong CSRF token, or (with `recent`) a sign-in older than ten
   * minutes, which sends the person to sign in again — what they typed is not kept.
   */
  const changeVisit = async (ctx: Context, { recent = true }: { recent?: boolean } = {}): Promise<(Visit & { body: Record<string, unknown>; now: number }) | undefined> => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const now = Date.now();
    const visit = await visitOf(ctx, now);
    if (!visit) {
      await problem(ctx, 403, 'account.problem.sessionEnded');
      return undefined;
    }
    if (!csrfTokenMatches(visit.sessionId, body.csrf)) {
      logger.info({ sub: visit.person._id }, 'account page form refused: CSRF token missing or wrong');
      await problem(ctx, 403, 'account.problem.forbidden', visit.person);
      return undefined;
    }
    if (recent && !isRecent(visit.session.authTime, now)) {
      await sendToSignIn(ctx, 'reauthenticate', visit.person);
      return undefined;
    }
    return { ...visit, body, now };
  };

  const accountPage = async (ctx: Context, { sessionId, session, person }: Visit, extra: PageExtra = {}) => {
    const { t, locale } = languageOf(ctx, person);
    const now = Date.now();
    const { asked, stored, rows } = await questionState(person, now);
    const totp = await services.totpSelfService.status(person);
    const answered = stored.length;
    const minimum = Math.max(1, asked);
    await render(ctx, 'account/account', extra.status ?? 200, {
      title: t('account.title'),
      lang: locale,
      t,
      name: displayName(person),
      userId: person.defaultUserId,
      answeredText: answered === 0 ? t('account.questions.answeredNone') : answered === 1 ? t('account.questions.answeredOne') : t('account.questions.answered', { count: answered }),
      askedText: asked === 0 ? undefined : asked === 1 ? t('account.questions.classAsksOne') : t('account.questions.classAsks', { count: asked }),
      // Nothing asked and nothing answered: the form is folded away, a click from view.
      questionsFolded: asked === 0 && answered === 0 && !extra.typedQuestions,
      notice: extra.notice,
      error: extra.error,
      recent: isRecent(session.authTime, now),
      csrf: csrfTokenOf(sessionId),
      totp: {
        state: totp.state,
        statusText:
          totp.state === 'active'
            ? t('account.totp.active', { date: (totp.activatedAt ?? new Date(now)).toISOString().slice(0, 10) })
            : totp.state === 'pending'
              ? t('account.totp.pending')
              : t('account.totp.none'),
        tokensText: totp.state !== 'active' ? undefined : totp.tokensLeft === 1 ? t('account.totp.tokensLeftOne') : t('account.totp.tokensLeft', { count: totp.tokensLeft }),
      },
      rows: Array.from({ length: rows }, (_unused, index) => ({
        n: index + 1,
        question: extra.typedQuestions ? (extra.typedQuestions[index + 1] ?? '') : (stored[index]?.text ?? ''),
        questionLabel: t('account.questions.question', { n: index + 1 }),
        answerLabel: t('account.questions.answer', { n: index + 1 }),
        required: index < minimum,
      })),
    });
  };

  // Never cached. The cookies are SameSite=Lax and every form has a CSRF token; a POST from another origin is refused as well.
  router.use(noStore, acceptForm({ issuerOrigin, limit: '16kb', refuse: (ctx) => problem(ctx, 403, 'account.problem.forbidden') }));

  router.get('/', async (ctx) => {
    const visit = await visitOf(ctx);
    if (!visit) return sendToSignIn(ctx, 'sign-in');
    const { t } = languageOf(ctx, visit.person);
    const notices: Record<string, MessageKey> = { saved: 'account.questions.saved', reauthenticated: 'account.questions.reauthenticated', removed: 'account.totp.removed' };
    const shown = Object.keys(notices).find((name) => ctx.query[name] === '1');
    const notice = shown ? t(notices[shown]!) : undefined;
    await accountPage(ctx, visit, { notice });
  });

  router.get('/callback', async (ctx) => {
    const pending = signIn.open(readAccountCookie(ctx, signInCookie));
    clearCookie(ctx, signInCookie);
    if (!pending) return problem(ctx, 400, 'account.problem.expired');
    let result;
    try {
      result = await signIn.finish(pending, ctx.querystring, localOrigin(ctx));
    } catch (error) {
      if (error instanceof oidc.AuthorizationResponseError) {
        logger.info({ error: error.error }, 'account page sign-in ended without a code');
        return problem(ctx, 400, error.error === 'access_denied' ? 'account.problem.cancelled' : 'account.problem.failed');
      }
      if (error instanceof oidc.ResponseBodyError || error instanceof oidc.ClientError) {
        logger.warn({ err: error }, 'account page sign-in refused');
        return problem(ctx, 400, 'account.problem.failed');
      }
      throw error;
    }
    const person = await persons.findBySub(result.sub);
    const now = Date.now();
    // prompt=login makes the provider sign the person in anew; a sign-in that is not recent is not what was asked for.
    if (!person || !person.enabled || (pending.purpose === 'reauthenticate' && !isRecent(result.authTime, now))) {
      return problem(ctx, 403, 'account.problem.failed', person ?? undefined);
    }
    // A new sign-in is a new session: the old one (of this person or another) ends.
    await sessions.end(readAccountCookie(ctx, sessionCookie));
    const sessionId = await sessions.open(result, now);
    setAccountCookie(ctx, sessionCookie, sessionId, { maxAgeSeconds: sessions.lifetimeSeconds, secure });
    logger.info({ sub: result.sub, purpose: pending.purpose }, 'account page session opened');
    ctx.status = 303;
    ctx.redirect(pending.purpose === 'reauthenticate' ? '/account?reauthenticated=1' : '/account');
  });

  router.get('/reauthenticate', async (ctx) => {
    const visit = await visitOf(ctx);
    await sendToSignIn(ctx, visit ? 'reauthenticate' : 'sign-in', visit?.person);
  });

  router.post('/questions', async (ctx) => {
    const visit = await changeVisit(ctx);
    if (!visit) return;
    const { person, body, now } = visit;
    const { t } = languageOf(ctx, person);
    const { asked, rows } = await questionState(person, now);
    const filled = readQuestionRows(body, rows);
    const typedQuestions = Object.fromEntries(filled.map(({ row, question }) => [row, question]));
    const minimum = Math.max(1, asked);
    if (filled.length < minimum) {
      const error = minimum === 1 ? t('account.questions.tooFewOne') : t('account.questions.tooFew', { count: minimum });
      return accountPage(ctx, visit, { status: 400, error, typedQuestions });
    }
    try {
      const actor = { kind: 'person' as const, id: person._id, name: person.name };
      await questions.setAnswers(person._id, filled.map(({ question, answer }) => ({ question, answer })), { actor });
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      return accountPage(ctx, visit, { status: 400, error: t('account.questions.invalid', { detail: describeQuestionProblem(error.message, filled, t) }), typedQuestions });
    }
    logger.info({ sub: person._id, questions: filled.length }, 'private questions set on the account page');
    await services.factorNotices.send(person, 'questions-changed', { by: 'person', now });
    ctx.status = 303;
    ctx.redirect('/account?saved=1');
  });

  accountTotpRoutes(router, { config, services, logger, sessions, visitOf, changeVisit, sendToSignIn });

  router.post('/sign-out', async (ctx) => {
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const visit = await visitOf(ctx);
    if (visit && !csrfTokenMatches(visit.sessionId, body.csrf)) return problem(ctx, 403, 'account.problem.forbidden', visit.person);
    await sessions.end(visit?.sessionId);
    clearCookie(ctx, sessionCookie);
    ctx.status = 303;
    ctx.redirect('/account/signed-out');
  });

  router.get('/signed-out', async (ctx) => {
    const { t, locale } = languageOf(ctx);
    const endSession = `${config.issuer}/session/end?${new URLSearchParams({ client_id: accountClientId })}`;
    await render(ctx, 'account/signedOut', 200, { title: t('account.signedOut.title'), lang: locale, t, endSession });
  });

  return router;
}
