import type Router from '@koa/router';
import type { Context } from 'koa';
import { retryMessageKey } from '../factors/Verdict.ts';
import type { TotpCandidate } from '../factors/totp/createTotpFactor.ts';
import type { SelfServiceOutcome } from '../factors/totp/createTotpSelfService.ts';
import { otpauthIssuerFor } from '../factors/totp/otpauthUri.ts';
import { totpSetupView } from '../factors/totp/totpSetupView.ts';
import { emergencyTokensDownload } from '../factors/emergency/emergencyTokensFile.ts';
import type { Visit } from '../http/firstPartySession.ts';
import { formatWait } from '../i18n/formatWait.ts';
import type { Translate } from '../i18n/translate.ts';
import type { StoredPerson } from '../store/repositories/personRepository.ts';
import type { AccountDependencies } from './AccountDependencies.ts';
import { languageOf, problem, refuse, render } from './accountPages.ts';

/** The sentence for a code that did not pass. */
function failureText(t: Translate, outcome: Exclude<SelfServiceOutcome, { outcome: 'success' | 'stale' }>, now: number): string {
  if (outcome.outcome === 'locked' && outcome.byAddress && outcome.until) return t('signin.addressThrottled', { wait: formatWait(t, outcome.until, now, { relative: true }) });
  if (outcome.outcome === 'locked') return outcome.until ? t('account.totp.lockedUntil', { wait: formatWait(t, outcome.until, now) }) : t('account.totp.lockedAdmin');
  return t(retryMessageKey(outcome));
}

const redirect = (ctx: Context, to: string) => {
  ctx.status = 303;
  ctx.redirect(to);
};

/**
 * "TOTP configuration" on the account page (second source document): activate an
 * authenticator app by scanning a QR code and confirming one code; replace or remove it
 * after passing the current one again; make new emergency tokens. The key being set up
 * lives in the account session until confirmed (createTotpSelfService.ts decides). Every
 * form needs a sign-in of the last ten minutes, except the confirmation of a key whose
 * setup already did.
 */
export function accountTotpRoutes(router: Router, { issuer: issuerUrl, session: firstParty, services, logger }: AccountDependencies): void {
  const selfService = services.totpSelfService;
  const { sessions } = firstParty;
  const issuer = otpauthIssuerFor(issuerUrl);
  const changeVisit = (ctx: Context, options?: { recent?: boolean }) => firstParty.changeVisit(ctx, refuse, options);

  const setupPage = async (ctx: Context, visit: Visit, candidate: TotpCandidate, extra: { status?: number; error?: string } = {}) => {
    const { person } = visit;
    const { t, locale } = languageOf(ctx, person);
    const replacing = person.totp?.state === 'active';
    await render(ctx, 'account/totpSetup', extra.status ?? 200, {
      title: t(replacing ? 'account.totp.replaceTitle' : 'account.totp.setupTitle'),
      lang: locale,
      t,
      lead: t(replacing ? 'account.totp.setupLeadReplace' : 'account.totp.setupLead'),
      setup: await totpSetupView({ issuer, account: person.defaultUserId, key: selfService.openCandidate(person, candidate) }),
      csrf: firstParty.csrfTokenOf(visit),
      error: extra.error,
    });
  };

  /** The page asking for the current factor again, before a replace or a remove. */
  const provePage = async (ctx: Context, visit: Visit, action: 'replace' | 'remove', extra: { status?: number; error?: string; blocked?: boolean } = {}) => {
    const { person } = visit;
    const { t, locale } = languageOf(ctx, person);
    const blocked = extra.blocked ?? (action === 'remove' && !(await selfService.canSignInWithout(person)));
    await render(ctx, 'account/totpProve', extra.status ?? (blocked ? 409 : 200), {
      title: t(action === 'replace' ? 'account.totp.replaceTitle' : 'account.totp.removeTitle'),
      lang: locale,
      t,
      lead: t(action === 'replace' ? 'account.totp.replaceLead' : 'account.totp.removeLead'),
      blocked,
      action: `/account/totp/${action}`,
      submit: t(action === 'replace' ? 'account.totp.replaceSubmit' : 'account.totp.removeSubmit'),
      danger: action === 'remove',
      csrf: firstParty.csrfTokenOf(visit),
      error: extra.error,
    });
  };

  /** New emergency tokens, shown once, with a download of the same list. */
  const tokensPage = async (ctx: Context, person: StoredPerson, heading: 'account.totp.doneTitle' | 'account.totp.tokensTitle', lead: 'account.totp.doneLead' | 'account.totp.doneLeadReplaced' | 'account.totp.tokensLead', tokens: string[]) => {
    const { t, locale } = languageOf(ctx, person);
    await render(ctx, 'account/totpDone', 200, {
      title: t(heading),
      lang: locale,
      t,
      lead: t(lead),
      tokens,
      download: emergencyTokensDownload(issuer, person.defaultUserId, tokens),
    });
  };

  /** The person's key changed since this page was shown (an admin, another session): nothing was changed; start again. */
  const keyChanged = async (ctx: Context, sessionId: string, person: StoredPerson) => {
    await sessions.setTotpCandidate(sessionId, undefined);
    await problem(ctx, 409, 'account.problem.keyChanged', person);
  };

  router.post('/totp/activate', async (ctx) => {
    const visit = await changeVisit(ctx);
    if (!visit) return;
    if (visit.person.totp?.state === 'active') return redirect(ctx, '/account/totp/replace');
    await sessions.setTotpCandidate(visit.sessionId, selfService.newCandidate(visit.person));
    redirect(ctx, '/account/totp/setup');
  });

  router.get('/totp/setup', async (ctx) => {
    const visit = await firstParty.visitOf(ctx);
    if (!visit) return firstParty.sendToSignIn(ctx, 'sign-in');
    const candidate = visit.session.totpCandidate;
    if (!candidate) return redirect(ctx, '/account');
    await setupPage(ctx, visit, candidate);
  });

  router.post('/totp/confirm', async (ctx) => {
    // The setup page was reached with a recent sign-in (and the current factor, for a replace); confirming proves the new key.
    const visit = await changeVisit(ctx, { recent: false });
    if (!visit) return;
    const { person, session, sessionId, body, now } = visit;
    const candidate = session.totpCandidate;
    if (!candidate) return problem(ctx, 409, 'account.problem.noKeyInSetup', person);
    const { policy } = await services.persons.planFor(person, 'MFA', now);
    const outcome = await selfService.confirm(person, candidate, typeof body.code === 'string' ? body.code : '', policy, now, { address: ctx.ip });
    if (outcome.outcome === 'stale') return keyChanged(ctx, sessionId, person);
    if (outcome.outcome !== 'success') {
      const { t } = languageOf(ctx, person);
      return setupPage(ctx, visit, candidate, { status: outcome.outcome === 'locked' ? 429 : 422, error: failureText(t, outcome, now) });
    }
    await sessions.setTotpCandidate(sessionId, undefined);
    logger.info({ sub: person._id, replaced: outcome.replaced, newTokens: outcome.newTokens.length }, 'authenticator app set up on the account page');
    await tokensPage(ctx, person, 'account.totp.doneTitle', outcome.replaced === 'active' ? 'account.totp.doneLeadReplaced' : 'account.totp.doneLead', outcome.newTokens);
  });

  for (const action of ['replace', 'remove'] as const) {
    router.get(`/totp/${action}`, async (ctx) => {
      const visit = await firstParty.visitOf(ctx);
      if (!visit) return firstParty.sendToSignIn(ctx, 'sign-in');
      if (visit.person.totp?.state !== 'active') return redirect(ctx, '/account');
      await provePage(ctx, visit, action);
    });

    router.post(`/totp/${action}`, async (ctx) => {
      const visit = await changeVisit(ctx);
      if (!visit) return;
      const { person, sessionId, body, now } = visit;
      if (person.totp?.state !== 'active') return redirect(ctx, '/account');
      if (action === 'remove' && !(await selfService.canSignInWithout(person, now))) return provePage(ctx, visit, action, { blocked: true });
      const { policy } = await services.persons.planFor(person, 'MFA', now);
      const outcome = await selfService.proveCurrent(person, typeof body.code === 'string' ? body.code : '', policy, now, { address: ctx.ip });
      if (outcome.outcome === 'stale') return keyChanged(ctx, sessionId, person);
      if (outcome.outcome !== 'success') {
        const { t } = languageOf(ctx, person);
        // Here a slip may be a mistyped code or token: say what either looks like.
        const error = outcome.outcome === 'malformed' ? t('account.totp.proveMalformed') : failureText(t, outcome, now);
        return provePage(ctx, visit, action, { status: outcome.outcome === 'locked' ? 429 : 422, error });
      }
      if (action === 'replace') {
        await sessions.setTotpCandidate(sessionId, selfService.newCandidate(person));
        return redirect(ctx, '/account/totp/setup');
      }
      await selfService.remove(person, now);
      logger.info({ sub: person._id }, 'authenticator app removed on the account page');
      redirect(ctx, '/account?removed=1');
    });
  }

  router.post('/totp/tokens', async (ctx) => {
    const visit = await changeVisit(ctx);
    if (!visit) return;
    const { person, now } = visit;
    if (person.totp?.state !== 'active') return redirect(ctx, '/account');
    const tokens = await selfService.recreateTokens(person, now);
    logger.info({ sub: person._id }, 'emergency tokens recreated on the account page');
    await tokensPage(ctx, person, 'account.totp.tokensTitle', 'account.totp.tokensLead', tokens);
  });
}
