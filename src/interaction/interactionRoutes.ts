import Router from '@koa/router';
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import { errors, type InteractionResults } from 'oidc-provider';
import type { Logger } from 'pino';
import type { Config } from '../configuration/loadConfig.ts';
import type { PersonDirectory } from '../directory/personDirectory.ts';
import { signInAllowedFrom } from '../directory/signInAllowedFrom.ts';
import { createUnknownUserStandIn } from '../directory/unknownUserStandIn.ts';
import { passwordAttempt } from '../factors/attempts/attemptKey.ts';
import { GatehouseError } from '../errors/GatehouseError.ts';
import { maskDestination } from '../delivery/maskDestination.ts';
import { codeMessage } from '../factors/otp/codeMessage.ts';
import { otpauthIssuerFor } from '../factors/totp/otpauthUri.ts';
import { totpSetupView } from '../factors/totp/totpSetupView.ts';
import { accountClientId } from '../oidc/accountClientId.ts';
import { emergencyTokensDownload } from '../factors/emergency/emergencyTokensFile.ts';
import { acceptForm } from '../http/acceptForm.ts';
import { renderPage } from '../http/renderPage.ts';
import { formatWait } from '../i18n/formatWait.ts';
import { chooseLocale, translator, type Translate } from '../i18n/translate.ts';
import { createArtefactKeys } from '../oidc/createArtefactKeys.ts';
import { adminScope } from '../oidc/scopes.ts';
import { limitAdminScope } from '../oidc/limitAdminScope.ts';
import type { Plan } from '../policy/types.ts';
import { createFormTokens } from '../security/formTokens.ts';
import { isAdministrator } from '../security/isAdministrator.ts';
import type { Services } from '../services.ts';
import type { StoredPerson } from '../store/models/personModel.ts';
import type { SignInProgress } from '../store/models/signInProgressModel.ts';
import { acrRequestOf, acrValues, aimOf, asksOnlyUnknownAcr, meetsAcrRequest, signInAmr } from '../oidc/acr.ts';
import { describeScopes } from './describeScopes.ts';
import { createSecondFactor, isPermitted, permittedSteps, retryRule, type SignInStep } from './secondFactor.ts';
import { createSignInProgress } from './signInProgress.ts';

type Dependencies = { provider: Provider; services: Services; config: Config; logger: Logger };
type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

/** An interaction that ended or expired: the person starts again at the application. */
export class InteractionExpiredError extends GatehouseError {
  constructor() {
    super('This sign-in page has expired or was already used. Go back to the application and sign in again.', { status: 400, expose: true });
  }
}


/** The language of a sign-in page and its translator (chooseLocale's order). */
const translate = (ctx: Context, interaction: Interaction, person?: StoredPerson | null): { t: Translate; locale: string } => {
  const locale = chooseLocale({
    ...(person?.preferredLanguage ? { preferred: person.preferredLanguage } : {}),
    ...(typeof interaction.params.ui_locales === 'string' ? { uiLocales: interaction.params.ui_locales } : {}),
    acceptLanguage: ctx.get('accept-language'),
  });
  return { t: translator(locale), locale };
};

/** Renders an interaction page, never cached; its forms carry the interaction's CSRF token. */
const render = async (ctx: Context, view: string, status: number, data: Record<string, unknown> & { title: string }) => {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = await renderPage(view, { ...data, csrf: ctx.state.csrf as string });
};

/** A refusal for a lock: the factor's (until when, or until an admin unlocks) or the client address's throttle. */
const lockMessage = (t: Translate, until: number | undefined, byAddress?: boolean) =>
  byAddress && until
    ? t('signin.addressThrottled', { wait: formatWait(t, until, Date.now(), { relative: true }) })
    : until
      ? t('locked.until', { wait: formatWait(t, until, Date.now()) })
      : t('locked.admin');

/** What every progress of this interaction shares: its uid, context and expiry. */
const base = (interaction: Interaction, context: SignInProgress['context']) => ({
  _id: interaction.uid,
  context,
  expiresAt: new Date(interaction.exp * 1000),
});

/** The plan refuses sign-in: why, and (for a timed lock) the way back. No result reaches the provider. */
const deniedPage = async (ctx: Context, interaction: Interaction, person: StoredPerson, plan: Plan) => {
  const { t, locale } = translate(ctx, interaction, person);
  const denied = plan.denied!;
  const message =
    denied.reason === 'locked'
      ? denied.lockedUntil
        ? t('denied.locked', { wait: formatWait(t, denied.lockedUntil, Date.now()) })
        : t('denied.lockedAdmin')
      : t('denied.noFactor');
  // A timed lock ends: the person may come back to this page and try again.
  const retry = denied.reason === 'locked' && denied.lockedUntil !== undefined;
  await render(ctx, 'interaction/denied', 403, { title: t('denied.title'), lang: locale, t, uid: interaction.uid, message, retry });
};

const stepKey = (step: SignInStep) => (step.channel ? `${step.factor}.${step.channel}` : step.factor);

/**
 * The hosted sign-in: Koa routes that only render and collect. oidc-provider keeps the
 * interaction; the person's progress between pages is in the database
 * (signInProgress.ts); the planner decides what is asked (secondFactor.ts). No result is
 * given to the provider — so no code or token is issued — before the password and the
 * planned second factor have both been passed.
 */
export function interactionRoutes({ provider, services, config, logger }: Dependencies): Router {
  const { persons, ipGroups, attempts } = services;
  const unknownUser = createUnknownUserStandIn(services.secretBox.deriveKey('gatehouse unknown user ID'));
  const router = new Router({ prefix: '/interaction/:uid' });
  const progressStore = createSignInProgress(services.store.connection, createArtefactKeys(services.secretBox));
  const secondFactor = createSecondFactor({ config, services });

  const formTokens = createFormTokens(services.secretBox.deriveKey('gatehouse interaction form'));

  /**
   * Every form of a sign-in page carries a CSRF token bound to its interaction, besides the
   * interaction cookie (SameSite=Lax) and the Origin check of acceptForm: a form posted
   * from anywhere else changes nothing.
   */
  const formOfThisInteraction = async (ctx: Context, next: () => Promise<unknown>) => {
    const uid = ctx.params.uid!;
    ctx.state.csrf = formTokens.tokenFor(uid);
    if (ctx.method === 'POST' && !formTokens.matches(uid, (ctx.request.body as Record<string, unknown> | undefined)?.csrf)) {
      logger.info({ uid }, 'sign-in form refused: CSRF token missing or wrong');
      throw new GatehouseError('This sign-in form has expired or was not sent from the sign-in page. Go back to the application and sign in again.', { status: 403, expose: true });
    }
    await next();
  };

  const details = async (ctx: Context): Promise<Interaction> => {
    try {
      const interaction = await provider.interactionDetails(ctx.req, ctx.res);
      if (interaction.uid !== ctx.params.uid) throw new InteractionExpiredError();
      return interaction;
    } catch (error) {
      if (error instanceof errors.SessionNotFound || error instanceof InteractionExpiredError) throw new InteractionExpiredError();
      throw error;
    }
  };

  const finish = async (ctx: Context, result: InteractionResults) => {
    const redirectTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    ctx.status = 303;
    ctx.redirect(redirectTo);
  };

  /**
   * An essential acr that this sign-in cannot meet goes back to the relying party as an
   * error (OIDC Core 3.1.2.6): finishing with another acr would make the provider ask for
   * the sign-in again, forever.
   */
  const unmetAcr = async (ctx: Context, interaction: Interaction, description: string) => {
    await progressStore.end(interaction.uid);
    logger.info({ uid: interaction.uid, clientId: interaction.params.client_id }, 'sign-in ended: essential acr cannot be met');
    await finish(ctx, { error: 'unmet_authentication_requirements', error_description: description });
  };

  /**
   * The only way a sign-in reaches the provider: the password (or, for a step-up, the
   * session's own sign-in) and the planned factor were passed. With elevated access asked
   * for, the acr is the elevated one; otherwise it says whether a second factor was passed.
   */
  const finishSignIn = async (ctx: Context, interaction: Interaction, person: StoredPerson, factorAmr: readonly string[] | undefined, options: { elevated?: boolean; sessionAmr?: readonly string[] } = {}) => {
    const amr = [...new Set([...(options.sessionAmr ?? []), ...signInAmr(factorAmr)])];
    const acr = options.elevated ? acrValues.elevated : amr.includes('mfa') ? acrValues.mfa : acrValues.password;
    // The plan was aimed at the essential acr (aimOf); should the class have changed under way, the result still never loops.
    if (!meetsAcrRequest(acrRequestOf(interaction.params), acr)) return unmetAcr(ctx, interaction, 'The sign-in could not reach any of the requested acr values.');
    await progressStore.end(interaction.uid);
    await finish(ctx, { login: { accountId: person._id, amr, acr } });
  };

  /** A step-up inside a signed-in session: the AOD plan, without asking the password again. */
  const stepUp = async (ctx: Context, interaction: Interaction) => {
    const person = await persons.findBySub(interaction.session!.accountId);
    if (!person || !person.enabled) throw new InteractionExpiredError();
    const now = Date.now();
    const sessionAmr = (interaction.session as { amr?: string[] } | undefined)?.amr ?? ['pwd'];
    const { plan, policy } = await secondFactor.planFor(person, 'AOD', now);
    const request = acrRequestOf(interaction.params);
    if (request.essential) {
      const aim = aimOf(request, { mfa: (await secondFactor.planFor(person, 'MFA', now)).plan.secondFactorRequired, aod: plan.secondFactorRequired });
      if ('unmet' in aim) return unmetAcr(ctx, interaction, aim.unmet);
      // An essential value below elevated access that the session lacks: the whole sign-in again.
      if (!aim.elevated) return loginPage(ctx, interaction);
    }
    if (plan.denied) return deniedPage(ctx, interaction, person, plan);
    // A class with no AOD factor asks nothing more for elevated access (unless it is essential, above).
    if (!plan.secondFactorRequired) return finishSignIn(ctx, interaction, person, undefined, { elevated: true, sessionAmr });
    const progress = await secondFactor.begin(person, base(interaction, 'AOD'), plan.challenge!, policy, messageFor(ctx, interaction, person), now);
    await progressStore.save(progress);
    return challengePage(ctx, interaction, person, progress, plan);
  };

  /** The session's elevated access ran out: the same sign-in again, at the sign-in level. */
  const fallBack = async (ctx: Context, interaction: Interaction) => {
    const person = await persons.findBySub(interaction.session!.accountId);
    if (!person || !person.enabled) throw new InteractionExpiredError();
    const sessionAmr = (interaction.session as { amr?: string[] } | undefined)?.amr ?? ['pwd'];
    await finish(ctx, { login: { accountId: person._id, amr: sessionAmr, acr: sessionAmr.includes('mfa') ? acrValues.mfa : acrValues.password } });
  };

  const clientName = async (clientId: string) => {
    const client = await provider.Client.find(clientId);
    return client?.clientName ?? clientId;
  };

  const loginPage = async (ctx: Context, interaction: Interaction, extra: { error?: string; username?: string; status?: number } = {}) => {
    const { t, locale } = translate(ctx, interaction);
    await render(ctx, 'interaction/login', extra.status ?? 200, {
      title: t('signin.title'),
      lang: locale,
      t,
      uid: interaction.uid,
      clientName: await clientName(interaction.params.client_id as string),
      username: extra.username ?? (interaction.params.login_hint as string | undefined) ?? '',
      error: extra.error,
    });
  };

  const challengePage = async (ctx: Context, interaction: Interaction, person: StoredPerson, progress: SignInProgress, plan: Plan, extra: { error?: string; status?: number } = {}) => {
    const { t, locale } = translate(ctx, interaction, person);
    const { step } = progress;
    const questionTexts = step.factor === 'Qstn' ? await services.questions.questionsOf(person._id) : [];
    const asked = (progress.questionIds ?? []).map((id) => ({ id, text: questionTexts.find((q) => q.id === id)?.text ?? '' }));
    const instruction =
      step.factor === 'TOTP'
        ? t('challenge.totp')
        : step.factor === 'Emergency'
          ? t('challenge.emergency')
          : step.factor === 'OTP'
            ? t('challenge.otpSent', { destination: progress.sentTo ?? '', minutes: secondFactor.otpMinutes })
            : t('challenge.questions');
    const others = permittedSteps(plan).filter((other) => stepKey(other) !== stepKey(step));
    await render(ctx, 'interaction/challenge', extra.status ?? 200, {
      title: t('challenge.title'),
      lang: locale,
      t,
      uid: interaction.uid,
      lead: t('challenge.lead', { name: [person.firstName, person.familyName].filter(Boolean).join(' ') || person.defaultUserId, client: await clientName(interaction.params.client_id as string) }),
      factor: step.factor,
      instruction,
      questions: asked,
      error: extra.error,
      anotherWay: others.length > 0,
      emergencyLink: step.factor === 'TOTP' && others.some((other) => other.factor === 'Emergency'),
      tokensLeft: step.factor === 'Emergency' ? await services.emergencyTokens.countLeft(person._id) : undefined,
    });
  };

  /** Rule 6's offer: the authenticator app's setup (QR code, key) and a code to confirm it, or go on without it. */
  const enrolmentPage = async (ctx: Context, interaction: Interaction, person: StoredPerson, progress: SignInProgress, extra: { error?: string; status?: number } = {}) => {
    const { t, locale } = translate(ctx, interaction, person);
    const key = services.totpSelfService.openCandidate(person, progress.enrolment!.candidate);
    await render(ctx, 'interaction/enrol', extra.status ?? 200, {
      title: t('enrol.title'),
      lang: locale,
      t,
      uid: interaction.uid,
      setup: await totpSetupView({ issuer: otpauthIssuerFor(config.issuer), account: person.defaultUserId, key }),
      client: await clientName(interaction.params.client_id as string),
      error: extra.error,
    });
  };

  const messageFor = (ctx: Context, interaction: Interaction, person: StoredPerson) => (code: string) =>
    codeMessage(translate(ctx, interaction, person).locale as 'en' | 'es', code, secondFactor.otpMinutes);

  /** The person and plan of a sign-in whose password step is done, or undefined. */
  const resume = async (interaction: Interaction) => {
    const progress = await progressStore.find(interaction.uid);
    if (!progress) return undefined;
    const person = await persons.findBySub(progress.personId);
    if (!person || !person.enabled) return undefined;
    const { plan, policy } = await secondFactor.planFor(person, progress.context, Date.now());
    return { progress, person, plan, policy };
  };

  router.use(acceptForm({ issuerOrigin: new URL(config.issuer).origin, limit: '16kb' }), formOfThisInteraction);

  router.get('/', async (ctx) => {
    const interaction = await details(ctx);
    if (interaction.prompt.name === 'login') {
      const resumed = await resume(interaction);
      const reasons = new Set(interaction.prompt.reasons);
      const signedIn = Boolean(interaction.session?.accountId) && !['no_session', 'login_prompt', 'max_age', 'id_token_hint'].some((reason) => reasons.has(reason));
      if (!resumed && asksOnlyUnknownAcr(acrRequestOf(interaction.params))) return unmetAcr(ctx, interaction, 'None of the requested acr values is supported.');
      if (!resumed && signedIn && reasons.has('elevated_access_requested')) return stepUp(ctx, interaction);
      if (!resumed && signedIn && reasons.has('elevated_access_expired')) return fallBack(ctx, interaction);
      if (!resumed) return loginPage(ctx, interaction);
      if (resumed.progress.enrolment) return enrolmentPage(ctx, interaction, resumed.person, resumed.progress);
      if (resumed.plan.denied) return deniedPage(ctx, interaction, resumed.person, resumed.plan);
      return challengePage(ctx, interaction, resumed.person, resumed.progress, resumed.plan);
    }
    const client = await provider.Client.find(interaction.params.client_id as string);
    if (client?.metadata().first_party === true) return finish(ctx, await grantConsent(provider, persons, interaction));
    await render(ctx, 'interaction/consent', 200, {
      title: 'Allow access',
      uid: interaction.uid,
      clientName: client?.clientName ?? interaction.params.client_id,
      scopes: describeScopes(interaction.prompt.details),
    });
  });

  router.post('/login', async (ctx) => {
    const interaction = await details(ctx);
    if (interaction.prompt.name !== 'login') throw new InteractionExpiredError();
    const { t } = translate(ctx, interaction);
    const now = Date.now();
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const username = typeof body.username === 'string' ? body.username.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const code = typeof body.code === 'string' ? body.code.replace(/\s/g, '') : '';

    // The person the user ID names — or, for a user ID nobody has, a stand-in of the default
    // class — is planned, checked and counted the same way, so that neither the time taken
    // nor the answers after some failures tell whether the user ID exists. Its class gives
    // the password's retry rule; after a right password the plan is the sign-in's
    // (authenticating changes none of its facts). Password failures count per person and
    // address, so failures elsewhere do not lock the person out here, and for the address.
    const known = username ? await persons.findByUserId(username) : null;
    const candidate = known ?? unknownUser(username);
    const candidatePlan = await secondFactor.planFor(candidate, 'MFA', now);
    const passwordRule = retryRule(candidatePlan.policy);
    const passwordKey = passwordAttempt(ctx.ip);
    const origin = { address: ctx.ip };
    const lock = await attempts.status(candidate._id, passwordKey, passwordRule, now, origin);
    if (lock.locked) {
      if (lock.byAddress) ctx.set('Retry-After', String(Math.max(1, Math.ceil((lock.until!.getTime() - now) / 1000))));
      const error = lock.byAddress ? lockMessage(t, lock.until?.getTime(), true) : lock.until ? t('signin.passwordLocked', { wait: formatWait(t, lock.until.getTime(), now) }) : t('signin.passwordLockedAdmin');
      return loginPage(ctx, interaction, { status: 429, username, error });
    }

    // Outside the person's IP group the answer is the same as for a wrong password, so the
    // restriction does not tell anyone elsewhere that the password was right.
    const fromAllowedAddress = async (person: StoredPerson) => {
      const allowed = await signInAllowedFrom(person, ctx.ip, ipGroups);
      if (!allowed) logger.info({ sub: person._id, ipGroup: person.ipGroup, ip: ctx.ip }, 'sign-in refused: address outside the person\'s IP group');
      return allowed;
    };
    const person = username && password ? await persons.authenticate(username, password, fromAllowedAddress, known) : undefined;
    if (!person) {
      await attempts.recordFailure(candidate._id, passwordKey, passwordRule, now, origin);
      return loginPage(ctx, interaction, { status: 401, username, error: t('signin.wrongCredentials') });
    }
    await attempts.recordSuccess(person._id, passwordKey);

    // Elevated access asked for at sign-in: the AOD factor is the second factor (the MFA one
    // when the class has no AOD factor, unless elevated access is essential). An essential
    // acr the class cannot reach ends here, before any code is sent.
    const request = acrRequestOf(interaction.params);
    let context: SignInProgress['context'] = 'MFA';
    let { plan, policy } = candidate._id === person._id ? candidatePlan : await secondFactor.planFor(person, 'MFA', now);
    const aod = request.elevated ? await secondFactor.planFor(person, 'AOD', now) : undefined;
    const aim = aimOf(request, { mfa: plan.secondFactorRequired, aod: aod?.plan.secondFactorRequired ?? false });
    if ('unmet' in aim) return unmetAcr(ctx, interaction, aim.unmet);
    const { elevated } = aim;
    if (elevated && aod?.plan.secondFactorRequired) ({ plan, policy, context } = { ...aod, context: 'AOD' });
    if (plan.denied) return deniedPage(ctx, interaction, person, plan);
    if (!plan.secondFactorRequired) return finishSignIn(ctx, interaction, person, undefined, { elevated });

    // One screen (second source document): user ID, password and the authenticator code at once.
    if (code && isPermitted(plan, { factor: 'TOTP' })) {
      const progress: SignInProgress = { ...base(interaction, context), personId: person._id, step: { factor: 'TOTP' } };
      const outcome = await secondFactor.verify(person, progress, policy, { code }, now, origin);
      if (outcome.outcome === 'success') return finishSignIn(ctx, interaction, person, outcome.amr, { elevated });
      await progressStore.save(progress);
      const { t: personal } = translate(ctx, interaction, person);
      const error = outcome.outcome === 'locked' ? lockMessage(personal, outcome.until, outcome.byAddress) : personal(outcome.message);
      return challengePage(ctx, interaction, person, progress, plan, { status: outcome.outcome === 'locked' ? 429 : 401, error });
    }

    const progress = await secondFactor.begin(person, base(interaction, context), plan.challenge!, policy, messageFor(ctx, interaction, person), now);
    await progressStore.save(progress);
    ctx.status = 303;
    ctx.redirect(`/interaction/${interaction.uid}`);
  });

  router.post('/verify', async (ctx) => {
    const interaction = await details(ctx);
    const resumed = interaction.prompt.name === 'login' ? await resume(interaction) : undefined;
    if (!resumed) throw new InteractionExpiredError();
    const { progress, person, plan, policy } = resumed;
    if (plan.denied) return deniedPage(ctx, interaction, person, plan);
    if (!isPermitted(plan, progress.step)) {
      // The plan changed under way (a lock, a new class): start again at its challenge,
      // saying why when the step in use got locked.
      const now = Date.now();
      const lock = await secondFactor.lockOf(person, progress.step, policy, now);
      const restarted = await secondFactor.begin(person, progress, plan.challenge!, policy, messageFor(ctx, interaction, person), now);
      await progressStore.save(restarted);
      const { t } = translate(ctx, interaction, person);
      return challengePage(ctx, interaction, person, restarted, plan, lock ? { status: 429, error: lockMessage(t, lock.until) } : {});
    }
    if (progress.enrolment) throw new InteractionExpiredError();
    const outcome = await secondFactor.verify(person, progress, policy, (ctx.request.body ?? {}) as Record<string, unknown>, Date.now(), { address: ctx.ip });
    // Rule 6: a sign-in with a one-time code in place of TOTP goes on to set up the app before it
    // finishes — except into the account page, whose first section offers the same setup.
    if (outcome.outcome === 'success' && plan.enrolment?.factor === 'TOTP' && progress.context === 'MFA' && progress.step.factor === 'OTP' && interaction.params.client_id !== accountClientId) {
      const enrolling: SignInProgress = { ...progress, enrolment: { candidate: services.totpSelfService.newCandidate(person), amr: [...outcome.amr] } };
      await progressStore.save(enrolling);
      ctx.status = 303;
      return ctx.redirect(`/interaction/${interaction.uid}`);
    }
    if (outcome.outcome === 'success') {
      const stepUpOfSession = interaction.session?.accountId === person._id;
      const sessionAmr = stepUpOfSession ? (interaction.session as { amr?: string[] } | undefined)?.amr : undefined;
      // An essential acr was aimed at when the sign-in began: elevated then means the AOD context.
      const request = acrRequestOf(interaction.params);
      const elevated = progress.context === 'AOD' || (!request.essential && request.elevated);
      return finishSignIn(ctx, interaction, person, outcome.amr, { elevated, ...(sessionAmr ? { sessionAmr } : {}) });
    }
    const { t } = translate(ctx, interaction, person);
    const error = outcome.outcome === 'locked' ? lockMessage(t, outcome.until, outcome.byAddress) : t(outcome.message);
    return challengePage(ctx, interaction, person, progress, plan, { status: outcome.outcome === 'locked' ? 429 : 401, error });
  });

  /** The person and progress of a sign-in in its enrolment step (the second factor is passed), or an expired page. */
  const enrolling = async (ctx: Context) => {
    const interaction = await details(ctx);
    const resumed = interaction.prompt.name === 'login' ? await resume(interaction) : undefined;
    const enrolment = resumed?.progress.enrolment;
    if (!resumed || !enrolment) throw new InteractionExpiredError();
    return { interaction, ...resumed, enrolment };
  };

  router.post('/enrol', async (ctx) => {
    const { interaction, person, progress, policy, enrolment } = await enrolling(ctx);
    if (enrolment.confirmed) return finishSignIn(ctx, interaction, person, enrolment.amr);
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const now = Date.now();
    const outcome = await services.totpSelfService.confirm(person, enrolment.candidate, typeof body.code === 'string' ? body.code : '', policy, now, { address: ctx.ip });
    const { t, locale } = translate(ctx, interaction, person);
    if (outcome.outcome !== 'success') {
      const error = outcome.outcome === 'stale' ? t('enrol.keyChanged') : outcome.outcome === 'locked' ? lockMessage(t, outcome.until, outcome.byAddress) : t(`verdict.${outcome.reason}`);
      return enrolmentPage(ctx, interaction, person, progress, { status: outcome.outcome === 'locked' ? 429 : outcome.outcome === 'stale' ? 409 : 422, error });
    }
    await progressStore.save({ ...progress, enrolment: { ...enrolment, confirmed: true } });
    logger.info({ sub: person._id, newTokens: outcome.newTokens.length }, 'authenticator app set up during sign-in');
    // The new emergency tokens are shown here once (never stored plain); the person then goes on to the application.
    await render(ctx, 'interaction/enrolled', 200, {
      title: t('enrol.done.title'),
      lang: locale,
      t,
      uid: interaction.uid,
      tokens: outcome.newTokens,
      download: emergencyTokensDownload(otpauthIssuerFor(config.issuer), person.defaultUserId, outcome.newTokens),
      client: await clientName(interaction.params.client_id as string),
    });
  });

  router.post('/enrol/continue', async (ctx) => {
    const { interaction, person, enrolment } = await enrolling(ctx);
    logger.info({ sub: person._id }, enrolment.confirmed ? 'sign-in continues after enrolment' : 'TOTP enrolment skipped at sign-in');
    await finishSignIn(ctx, interaction, person, enrolment.amr);
  });

  router.get('/another-way', async (ctx) => {
    const interaction = await details(ctx);
    const resumed = interaction.prompt.name === 'login' ? await resume(interaction) : undefined;
    if (!resumed) throw new InteractionExpiredError();
    const { person, plan } = resumed;
    const { t, locale } = translate(ctx, interaction, person);
    const destination = (step: SignInStep) => (step.channel === 'sms' ? person.cellPhone : person.email) ?? '';
    const options = permittedSteps(plan).map((step) => ({
      factor: step.factor,
      channel: step.channel ?? '',
      label: step.factor === 'OTP' ? t(step.channel === 'sms' ? 'factor.OTP.sms' : 'factor.OTP.email', { destination: maskDestination(step.channel === 'sms' ? 'sms' : 'email', destination(step)) }) : t(`factor.${step.factor}` as 'factor.TOTP'),
    }));
    await render(ctx, 'interaction/anotherWay', 200, { title: t('anotherWay.title'), lang: locale, t, uid: interaction.uid, options });
  });

  router.post('/another-way', async (ctx) => {
    const interaction = await details(ctx);
    const resumed = interaction.prompt.name === 'login' ? await resume(interaction) : undefined;
    if (!resumed) throw new InteractionExpiredError();
    const { progress, person, plan, policy } = resumed;
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    const step = permittedSteps(plan).find((candidate) => candidate.factor === body.factor && (candidate.channel ?? '') === (body.channel ?? ''));
    if (!step) throw new GatehouseError('This way of signing in is not offered to you.', { status: 400, expose: true });
    const next = await secondFactor.begin(person, progress, step, policy, messageFor(ctx, interaction, person), Date.now());
    await progressStore.save(next);
    ctx.status = 303;
    ctx.redirect(`/interaction/${interaction.uid}`);
  });

  router.post('/resend', async (ctx) => {
    const interaction = await details(ctx);
    const resumed = interaction.prompt.name === 'login' ? await resume(interaction) : undefined;
    if (!resumed) throw new InteractionExpiredError();
    const { progress, person, plan } = resumed;
    try {
      await progressStore.save(await secondFactor.resend(person, progress, messageFor(ctx, interaction, person), Date.now()));
    } catch (error) {
      if (!(error instanceof GatehouseError) || !error.expose) throw error;
      return challengePage(ctx, interaction, person, progress, plan, { status: error.status, error: error.message });
    }
    ctx.status = 303;
    ctx.redirect(`/interaction/${interaction.uid}`);
  });

  router.post('/confirm', async (ctx) => {
    const interaction = await details(ctx);
    if (interaction.prompt.name !== 'consent') throw new InteractionExpiredError();
    await finish(ctx, await grantConsent(provider, persons, interaction));
  });

  router.post('/abort', async (ctx) => {
    const interaction = await details(ctx);
    await progressStore.end(interaction.uid);
    await finish(ctx, { error: 'access_denied', error_description: 'The person cancelled the sign-in.' });
  });

  return router;
}

/**
 * Grants what the consent prompt found missing, on the existing grant or a new one — but
 * never the admin scope to a person who is not an administrator now: it is refused instead.
 */
async function grantConsent(provider: Provider, persons: PersonDirectory, interaction: Interaction): Promise<InteractionResults> {
  const { details: missing } = interaction.prompt;
  const accountId = interaction.session!.accountId;
  const clientId = interaction.params.client_id as string;
  const grant = (interaction.grantId ? await provider.Grant.find(interaction.grantId) : undefined) ?? new provider.Grant({ accountId, clientId });
  const missingScopes = Array.isArray(missing.missingOIDCScope) ? [...(missing.missingOIDCScope as string[])] : [];
  if (missingScopes.includes(adminScope)) {
    const administrator = isAdministrator(await persons.findBySub(accountId));
    if (!administrator) missingScopes.splice(missingScopes.indexOf(adminScope), 1);
    limitAdminScope(grant, { administrator, requested: new Set([adminScope]) });
  }
  if (missingScopes.length) grant.addOIDCScope(missingScopes.join(' '));
  if (Array.isArray(missing.missingOIDCClaims)) grant.addOIDCClaims(missing.missingOIDCClaims as string[]);
  if (missing.missingResourceScopes && typeof missing.missingResourceScopes === 'object') {
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes as Record<string, string[]>)) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
  }
  const grantId = await grant.save();
  return { consent: { grantId } };
}
