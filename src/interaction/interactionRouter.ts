import Router from '@koa/router';
import type { Context, Next } from 'koa';
import { GatehouseError } from '../errors/GatehouseError.ts';
import { acceptForm } from '../http/acceptForm.ts';
import { abortSignIn } from './abort.ts';
import { showAnotherWay, chooseAnotherWay } from './anotherWay.ts';
import { resendCode, showSignIn, verifyChallenge } from './challenge.ts';
import { createConsent } from './consent.ts';
import { confirmEnrolment, continueAfterEnrolment } from './enrol.ts';
import { createFactorSteps } from './factorSteps.ts';
import { createSignInEnds } from './finishSignIn.ts';
import { afterPassword } from './afterPassword.ts';
import { identify } from './identify.ts';
import { chooseOwnPassword, ownPasswordFirst } from './newPasswordStep.ts';
import { loadSignIn, signInOf } from './loadSignIn.ts';
import { passkeySignIn } from './passkeySignIn.ts';
import { createSignInPages } from './signInPages.ts';
import type { SignInDependencies } from './SignInDependencies.ts';
import { createStepUp } from './stepUp.ts';

/**
 * The hosted sign-in: one small file per step, each only rendering and collecting.
 * oidc-provider keeps the interaction; the person's progress between pages is in the
 * database; the planner decides what is asked and nextStep what follows a verdict. No
 * result reaches the provider — so no code or token is issued — before the password and
 * the planned second factor have both been passed (finishSignIn.ts).
 */
export function interactionRouter(deps: SignInDependencies): Router {
  const router = new Router({ prefix: '/interaction/:uid' });
  const pages = createSignInPages(deps);
  const ends = createSignInEnds(deps);
  const factorSteps = createFactorSteps(deps);
  const stepUp = createStepUp(deps, { pages, ends, factorSteps });
  const consent = createConsent(deps, { ends });
  const steps = { pages, ends, factorSteps, stepUp, afterPassword: afterPassword(deps, { pages, ends, factorSteps }) };

  /**
   * Every form of a sign-in page carries a CSRF token bound to its interaction, besides the
   * interaction cookie (SameSite=Lax) and the Origin check of acceptForm: a form posted
   * from anywhere else changes nothing.
   */
  const formOfThisInteraction = async (ctx: Context, next: Next) => {
    const uid = ctx.params.uid!;
    ctx.state.csrf = deps.formTokens.tokenFor(uid);
    if (ctx.method === 'POST' && !deps.formTokens.matches(uid, (ctx.request.body as Record<string, unknown> | undefined)?.csrf)) {
      deps.logger.info({ uid }, 'sign-in form refused: CSRF token missing or wrong');
      throw new GatehouseError('This sign-in form has expired or was not sent from the sign-in page. Go back to the application and sign in again.', { status: 403, expose: true, messageKey: 'error.interactionForm' });
    }
    await next();
  };

  const signInPage = showSignIn(steps);
  // Each request loads its sign-in once; the steps that start or end one read no progress.
  const resumed = loadSignIn(deps);
  const fresh = loadSignIn(deps, { resume: false });
  router.use(acceptForm({ issuerOrigin: new URL(deps.issuer).origin, limit: '16kb' }), formOfThisInteraction);
  router.get('/', resumed, (ctx) => (signInOf(ctx).interaction.prompt.name === 'login' ? signInPage(ctx) : consent.show(ctx)));
  router.post('/login', fresh, identify(deps, steps));
  router.post('/passkey', fresh, passkeySignIn(deps, steps));
  router.post('/password', resumed, chooseOwnPassword(deps, steps));
  router.post('/verify', resumed, ownPasswordFirst, verifyChallenge(deps, steps));
  router.post('/resend', resumed, ownPasswordFirst, resendCode(steps));
  router.get('/another-way', resumed, ownPasswordFirst, showAnotherWay());
  router.post('/another-way', resumed, ownPasswordFirst, chooseAnotherWay(steps));
  router.post('/enrol', resumed, ownPasswordFirst, confirmEnrolment(deps, steps));
  router.post('/enrol/continue', resumed, ownPasswordFirst, continueAfterEnrolment(deps, steps));
  router.post('/confirm', fresh, consent.confirm);
  router.post('/abort', fresh, abortSignIn(steps));
  return router;
}
