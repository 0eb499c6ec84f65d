import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Visit } from '../http/firstPartySession.ts';
import type { MessageKey } from '../i18n/messages.en.ts';
import type { StoredPerson } from '../store/repositories/personRepository.ts';
import type { AccountDependencies } from './AccountDependencies.ts';
import { languageOf, refuse, render } from './accountPages.ts';

/** The account page itself, with a message (the routes here render it on a refusal). */
export type AccountPage = (ctx: Context, visit: Visit, extra: { status?: number; notice?: string; error?: string }) => Promise<void>;

const field = (body: Record<string, unknown>, name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');

const redirect = (ctx: Context, to: string) => {
  ctx.status = 303;
  ctx.redirect(to);
};

/**
 * "Passkeys and security keys" on the account page: add one (a registration ceremony
 * whose challenge the server keeps, used once), rename it, remove it — refused for the
 * last way the class lets the person sign in with, as for the authenticator app. Adding
 * and removing tell the person by email. Every form carries the CSRF token and needs a
 * recent sign-in, but the answer of a registration the page started with one.
 */
export function accountWebauthnRoutes(router: Router, { session: firstParty, services, logger }: AccountDependencies, accountPage: AccountPage): void {
  const { webauthn, persons, factorNotices } = services;
  const changeVisit = (ctx: Context, options?: { recent?: boolean }) => firstParty.changeVisit(ctx, refuse, options);

  /** Whether the class would still have a usable second factor without this credential (the TOTP removal's rule). */
  const canSignInWithout = async (person: StoredPerson, id: string, now: number) => {
    const credentialIds = (person.webauthn?.credentialIds ?? []).filter((each) => each !== id);
    const { plan } = await persons.planFor({ ...person, webauthn: { credentialIds } }, 'MFA', now);
    return plan.denied?.reason !== 'no-usable-factor';
  };

  const addPage = async (ctx: Context, visit: Visit, extra: { status?: number; error?: MessageKey; name?: string } = {}) => {
    const { person } = visit;
    const { t, locale } = languageOf(ctx, person);
    const { ceremonyId, options } = await webauthn.startRegistration(person);
    await render(ctx, 'account/passkeyAdd', extra.status ?? 200, {
      title: t('account.passkeys.addTitle'),
      lang: locale,
      t,
      csrf: firstParty.csrfTokenOf(visit),
      ceremonyId,
      options: JSON.stringify(options),
      name: extra.name ?? '',
      error: extra.error ? t(extra.error) : undefined,
    });
  };

  router.post('/passkeys/new', async (ctx) => {
    const visit = await changeVisit(ctx);
    if (!visit) return;
    await addPage(ctx, visit);
  });

  router.post('/passkeys', async (ctx) => {
    const visit = await changeVisit(ctx, { recent: false });
    if (!visit) return;
    const { person, body, now } = visit;
    const outcome = await webauthn.finishRegistration(person, field(body, 'ceremony'), field(body, 'webauthnResponse'), body.name, now);
    if (outcome.outcome !== 'success') {
      const error = ({ 'bad-name': 'account.passkeys.nameInvalid', expired: 'account.passkeys.expired', refused: 'account.passkeys.refused' } as const)[outcome.outcome];
      // A new ceremony for the next try: the one just answered is used up.
      return addPage(ctx, visit, { status: 422, error, name: field(body, 'name').slice(0, 60) });
    }
    logger.info({ sub: person._id, credential: outcome.credential._id }, 'passkey added on the account page');
    await factorNotices.send(person, 'passkey-added', { by: 'person', now });
    redirect(ctx, '/account?passkeyAdded=1');
  });

  router.post('/passkeys/rename', async (ctx) => {
    const visit = await changeVisit(ctx);
    if (!visit) return;
    const { t } = languageOf(ctx, visit.person);
    const renamed = await webauthn.rename(visit.person, field(visit.body, 'id'), visit.body.name);
    if (renamed === 'bad-name') return accountPage(ctx, visit, { status: 400, error: t('account.passkeys.nameInvalid') });
    if (renamed === 'unknown') return accountPage(ctx, visit, { status: 404, error: t('account.passkeys.unknown') });
    redirect(ctx, '/account?passkeyRenamed=1');
  });

  router.post('/passkeys/remove', async (ctx) => {
    const visit = await changeVisit(ctx);
    if (!visit) return;
    const { person, body, now } = visit;
    const { t } = languageOf(ctx, person);
    const id = field(body, 'id');
    if (!person.webauthn?.credentialIds.includes(id)) return accountPage(ctx, visit, { status: 404, error: t('account.passkeys.unknown') });
    if (!(await canSignInWithout(person, id, now))) return accountPage(ctx, visit, { status: 409, error: t('account.passkeys.removeBlocked') });
    await webauthn.remove(person, id, now);
    logger.info({ sub: person._id, credential: id }, 'passkey removed on the account page');
    await factorNotices.send(person, 'passkey-removed', { by: 'person', now });
    redirect(ctx, '/account?passkeyRemoved=1');
  });
}
