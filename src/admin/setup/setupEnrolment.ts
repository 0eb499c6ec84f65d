import type Router from '@koa/router';
import type { Context } from 'koa';
import { emergencyTokensFile } from '../../factors/emergency/emergencyTokensFile.ts';
import { limitAttempts } from '../../factors/attempts/limitAttempts.ts';
import { retryRuleOf } from '../../factors/attempts/retryRuleOf.ts';
import { otpauthIssuerFor } from '../../factors/totp/otpauthUri.ts';
import { totpSetupView } from '../../factors/totp/totpSetupView.ts';
import { readPageCookie, setPageCookie } from '../../http/pageCookie.ts';
import type { FormTokens } from '../../security/formTokens.ts';
import type { StoredPerson } from '../../store/repositories/personRepository.ts';
import type { SetupDependencies } from './SetupDependencies.ts';
import { setupActor } from './setupLinks.ts';
import { refuseSetup, renderSetup, setupLanguage } from './setupPages.ts';

/** What the enrolment step is bound to, sealed in its cookie: the setup link that created the person, the person, their pending key. */
type Enrolment = { linkId: string; personId: string; keyId: string; className: string; classCreated: boolean; until: number };

const enrolmentCookie = 'gatehouse.setup.app';
const sealContext = 'gatehouse setup enrolment';
/** Time enough to install an app, scan and confirm. */
const enrolmentMs = 30 * 60 * 1000;

/** The enrolment form's CSRF token is bound to the person and the key. */
const csrfBinding = (enrolment: Enrolment) => `enrol:${enrolment.personId}:${enrolment.keyId}`;

type Dependencies = Omit<SetupDependencies, 'allowRemote'> & { forms: FormTokens; secure: boolean };

/**
 * The setup's last step: the new administrator's authenticator app, enrolled before the
 * admin view opens, as on the registration page (the same QR code, key and emergency
 * token partials; the same confirmation of a pending key under the TOTP retry limits).
 * The key is made pending by the admin's key menu (totpKeys.create) when the person is
 * created; the step is bound to that setup by a sealed cookie (half an hour), not by the
 * link's token, which is used up by then.
 */
export function setupEnrolment(router: Router, { issuer: issuerUrl, services, setupLinks, forms, secure }: Dependencies) {
  const { persons, totp, emergencyTokens, attempts } = services;
  const issuer = otpauthIssuerFor(issuerUrl);
  const cookie = { path: '/setup', secure };

  function readEnrolment(ctx: Context): Enrolment | undefined {
    const sealed = readPageCookie(ctx, enrolmentCookie);
    if (!sealed) return undefined;
    try {
      const enrolment = JSON.parse(services.secretBox.open(sealed, sealContext)) as Enrolment;
      return enrolment.until > Date.now() ? enrolment : undefined;
    } catch {
      return undefined;
    }
  }

  /** The enrolment of the request's cookie and its person, while the key it was made for is still pending and the link still names the person. */
  async function open(ctx: Context): Promise<{ enrolment: Enrolment; person: StoredPerson } | undefined> {
    const enrolment = readEnrolment(ctx);
    const person = enrolment ? await persons.findBySub(enrolment.personId) : null;
    const link = enrolment && person ? await setupLinks.byId(enrolment.linkId) : null;
    if (enrolment && person && link?.personId === person._id && person.totp?.keyId === enrolment.keyId && person.totp.state === 'pending') return { enrolment, person };
    setPageCookie(ctx, enrolmentCookie, undefined, { ...cookie, maxAgeSeconds: 0 });
    await refuseSetup(ctx, 'enrolment', person?.preferredLanguage);
    return undefined;
  }

  async function showPage(ctx: Context, { enrolment, person }: { enrolment: Enrolment; person: StoredPerson }, extra: { status?: number; error?: string } = {}) {
    const key = await totp.openKey(person._id);
    if (!key || key.state !== 'pending') return refuseSetup(ctx, 'enrolment', person.preferredLanguage);
    const { t, locale } = setupLanguage(ctx, person.preferredLanguage);
    await renderSetup(ctx, 'enrol', extra.status ?? 200, {
      title: t('setup.enrol.title'),
      lang: locale,
      t,
      created: t(enrolment.classCreated ? 'setup.enrol.createdClass' : 'setup.enrol.created', { name: person.name, className: enrolment.className }),
      setup: await totpSetupView({ issuer, account: person.defaultUserId, key }),
      tokens: await emergencyTokens.list(person._id),
      action: '/setup/app',
      download: '/setup/tokens.txt',
      csrf: forms.tokenFor(csrfBinding(enrolment)),
      error: extra.error,
    });
  }

  router.get('/app', async (ctx) => {
    const found = await open(ctx);
    if (found) await showPage(ctx, found);
  });

  router.get('/tokens.txt', async (ctx) => {
    const found = await open(ctx);
    if (!found) return;
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'text/plain; charset=utf-8';
    ctx.set('Content-Disposition', 'attachment; filename="gatehouse-emergency-tokens.txt"');
    ctx.body = emergencyTokensFile(issuer, found.person.defaultUserId, await emergencyTokens.list(found.person._id));
  });

  router.post('/app', async (ctx) => {
    const found = await open(ctx);
    if (!found) return;
    const { enrolment, person } = found;
    const { t, locale } = setupLanguage(ctx, person.preferredLanguage);
    const body = (ctx.request.body ?? {}) as Record<string, unknown>;
    if (!forms.matches(csrfBinding(enrolment), body.csrf)) return showPage(ctx, found, { status: 403, error: t('setup.forbidden') });
    const now = Date.now();
    const { policy } = await persons.planFor(person, 'MFA', now);
    const verdict = await limitAttempts(attempts, { personId: person._id, factor: 'TOTP', rule: retryRuleOf(policy), now, origin: { address: ctx.ip } }, () =>
      totp.confirmPending(person, typeof body.code === 'string' ? body.code : '', now),
    );
    if (verdict.outcome === 'not-applicable') return refuseSetup(ctx, 'enrolment', person.preferredLanguage);
    if (verdict.outcome === 'locked') return showPage(ctx, found, { status: 429, error: t('register.locked') });
    if (verdict.outcome !== 'success') return showPage(ctx, found, { status: 422, error: t('register.wrongCode') });
    setPageCookie(ctx, enrolmentCookie, undefined, { ...cookie, maxAgeSeconds: 0 });
    await services.factorNotices.send(person, 'totp-activated', { by: 'person', now });
    await renderSetup(ctx, 'done', 200, { title: t('setup.done.title'), lang: locale, t, userId: person.defaultUserId });
  });

  return {
    /** The person was just created by the link `linkId`: a pending key and emergency tokens for them, and the browser on to the enrolment page. */
    async begin(ctx: Context, made: { linkId: string; personName: string; personId: string; className: string; classCreated: boolean }): Promise<void> {
      await services.totpKeys.create(made.personName, {}, { actor: setupActor });
      const keyId = (await persons.findBySub(made.personId))?.totp?.keyId;
      if (!keyId) throw new Error('The key made for the first administrator is not on their record.');
      const enrolment: Enrolment = { linkId: made.linkId, personId: made.personId, keyId, className: made.className, classCreated: made.classCreated, until: Date.now() + enrolmentMs };
      setPageCookie(ctx, enrolmentCookie, services.secretBox.seal(JSON.stringify(enrolment), sealContext), { ...cookie, maxAgeSeconds: enrolmentMs / 1000 });
      ctx.set('Cache-Control', 'no-store');
      ctx.status = 303;
      ctx.redirect('/setup/app');
    },
  };
}
