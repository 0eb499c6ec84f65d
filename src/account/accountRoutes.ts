import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { InvalidInputError } from '../errors/GatehouseError.ts';
import { acceptForm } from '../http/acceptForm.ts';
import type { Visit } from '../http/firstPartySession.ts';
import type { MessageKey } from '../i18n/messages.en.ts';
import type { StoredPerson } from '../store/repositories/personRepository.ts';
import type { AccountDependencies } from './AccountDependencies.ts';
import { accountTotpRoutes } from './accountTotpRoutes.ts';
import { accountWebauthnRoutes } from './accountWebauthnRoutes.ts';
import { displayName, languageOf, problem, refuse, render } from './accountPages.ts';
import { describeQuestionProblem, questionRowCount, questionsAskedBy, readQuestionRows } from '../factors/questions/questionForm.ts';

/** What the page shows besides the stored state: a message, and the question texts just typed. */
type PageExtra = { status?: number; notice?: string; error?: string; typedQuestions?: Record<number, string> };

const day = (date: Date) => date.toISOString().slice(0, 10);

const noStore = async (ctx: Context, next: Next) => {
  ctx.set('Cache-Control', 'no-store');
  await next();
};

/**
 * The self-service account page (product.md: a signed-in person enrols factors). The
 * person signs in to it through Gatehouse like to any relying party, as the first-party
 * client `gatehouse-account` (http/firstPartySession.ts, accountSessionOptions.ts). Every
 * form carries the session's CSRF token, and a change of factors needs a sign-in of the
 * last ten minutes. Routes only collect and render: the private-questions service checks
 * and stores.
 */
export function accountRoutes({ issuer, session, services, logger }: AccountDependencies): Router {
  const { persons, questions } = services;
  const issuerOrigin = new URL(issuer).origin;
  const router = new Router({ prefix: '/account' });

  /** The class's demand and the rows of the questions form. */
  const questionState = async (person: StoredPerson, now: number) => {
    const [{ policy }, stored] = await Promise.all([persons.planFor(person, 'MFA', now), questions.questionsOf(person._id)]);
    const asked = questionsAskedBy(policy);
    return { asked, stored, rows: questionRowCount(asked, stored.length) };
  };

  const accountPage = async (ctx: Context, visit: Visit, extra: PageExtra = {}) => {
    const { person } = visit;
    const { t, locale } = languageOf(ctx, person);
    const now = Date.now();
    const { asked, stored, rows } = await questionState(person, now);
    const totp = await services.totpSelfService.status(person);
    const passkeys = await services.webauthn.listOf(person._id);
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
      recent: session.isRecent(visit.session.authTime, now),
      csrf: session.csrfTokenOf(visit),
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
      passkeys: passkeys.map((each) => ({ id: each._id, name: each.name, created: day(each.createdAt), lastUsed: each.lastUsedAt ? day(each.lastUsedAt) : t('account.passkeys.never') })),
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
    const visit = await session.visitOf(ctx);
    if (!visit) return session.sendToSignIn(ctx, 'sign-in');
    const { t } = languageOf(ctx, visit.person);
    const notices: Record<string, MessageKey> = { saved: 'account.questions.saved', reauthenticated: 'account.questions.reauthenticated', removed: 'account.totp.removed', passkeyAdded: 'account.passkeys.added', passkeyRenamed: 'account.passkeys.renamed', passkeyRemoved: 'account.passkeys.removed' };
    const shown = Object.keys(notices).find((name) => ctx.query[name] === '1');
    const notice = shown ? t(notices[shown]!) : undefined;
    await accountPage(ctx, visit, { notice });
  });

  session.routes(router, refuse);

  router.post('/questions', async (ctx) => {
    const visit = await session.changeVisit(ctx, refuse);
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
      return accountPage(ctx, visit, { status: 400, error: t('account.questions.invalid', { detail: describeQuestionProblem(error, filled, t) }), typedQuestions });
    }
    logger.info({ sub: person._id, questions: filled.length }, 'private questions set on the account page');
    await services.factorNotices.send(person, 'questions-changed', { by: 'person', now });
    ctx.status = 303;
    ctx.redirect('/account?saved=1');
  });

  accountTotpRoutes(router, { issuer, session, services, logger });
  accountWebauthnRoutes(router, { issuer, session, services, logger }, accountPage);

  router.get('/signed-out', async (ctx) => {
    const { t, locale } = languageOf(ctx);
    await render(ctx, 'account/signedOut', 200, { title: t('account.signedOut.title'), lang: locale, t, endSession: session.endSessionUrl() });
  });

  return router;
}
