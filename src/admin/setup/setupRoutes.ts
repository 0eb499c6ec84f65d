import Router from '@koa/router';
import type { Context } from 'koa';
import { ConflictError, InvalidInputError } from '../../errors/GatehouseError.ts';
import { acceptForm } from '../../http/acceptForm.ts';
import { readPageCookie, setPageCookie } from '../../http/pageCookie.ts';
import { createFormTokens } from '../../security/formTokens.ts';
import type { SetupDependencies } from './SetupDependencies.ts';
import { setupEnrolment } from './setupEnrolment.ts';
import type { Translate } from '../../i18n/translate.ts';
import { checkSetupForm, errorOfMessage, fitsFirstAdmin, freeClassName, newAdminClass, personInputOf, readSetupForm, setupInputs, setupLanguages, type SetupErrors, type SetupValues } from './setupForm.ts';
import { setupActor } from './setupLinks.ts';
import { fromLoopback, refuseSetup, renderSetup, setupLanguage } from './setupPages.ts';

/** Holds the link's token between its pages, so that no URL after the printed one carries it. */
const linkCookie = 'gatehouse.setup';
const cookieSeconds = 30 * 60;

/**
 * The first-run setup (`/setup`): the link printed at start (setupLinks.ts) opens a form
 * that creates the first administrator — name, user ID, email, password twice, language,
 * and a class that asks for TOTP for elevated access (ADMIN is made when none does) — then
 * the enrolment of their authenticator app (setupEnrolment.ts), and the way to the admin
 * view. Only from the loopback unless SETUP_LINK_REMOTE. As on the registration page, the
 * printed URL's token moves at once into a short-lived httpOnly cookie for /setup and the
 * browser goes on to /setup, so the address bar, the history and any Referer never keep
 * it. The form's CSRF token is bound to the link; its Origin must be the issuer's. The
 * link is used up by the form that creates the administrator: one atomic claim, given back
 * only when the directory refuses what was typed.
 */
export function setupRoutes({ issuer, allowRemote, services, setupLinks }: SetupDependencies): Router {
  const { persons, classes } = services;
  const secure = issuer.startsWith('https:');
  const forms = createFormTokens(services.secretBox.deriveKey('gatehouse setup form'));
  const router = new Router({ prefix: '/setup' });

  // Before anything is looked up, so that a remote request learns nothing of a link.
  router.use(async (ctx, next) => {
    if (!allowRemote && !fromLoopback(ctx)) return refuseSetup(ctx, 'remote');
    await next();
  });
  router.use(acceptForm({ issuerOrigin: new URL(issuer).origin, limit: '8kb' }));

  const clearLinkCookie = (ctx: Context) => setPageCookie(ctx, linkCookie, undefined, { path: '/setup', maxAgeSeconds: 0, secure });

  /** The link of `token` when it may still create the first administrator; else the answer (a refusal page) is given. */
  async function openLink(ctx: Context, token: string | undefined): Promise<{ id: string; token: string; expiresAt: Date } | undefined> {
    const checked = await setupLinks.check(token);
    if (checked.state !== 'open') {
      if (checked.state !== 'unknown' || token) clearLinkCookie(ctx);
      await refuseSetup(ctx, checked.state);
      return undefined;
    }
    // An administrator made meanwhile (the CLI, the admin API) ends the link's purpose.
    if (await persons.hasAdministrator()) {
      await refuseSetup(ctx, 'adminExists');
      return undefined;
    }
    return { id: checked.id, token: token!, expiresAt: checked.link.expiresAt };
  }

  async function classChoices() {
    const all = await classes.list();
    const fitting = all.filter(fitsFirstAdmin);
    return { all, fitting, newName: freeClassName(all) };
  }

  async function showForm(ctx: Context, linkId: string, extra: { values?: SetupValues; errors?: SetupErrors; status?: number; error?: string } = {}) {
    const { t, locale } = setupLanguage(ctx, extra.values?.language);
    const { fitting, newName } = await classChoices();
    const values = extra.values ?? { name: '', user_id: '', email: '', language: setupLanguages.find((language) => language.locale === locale)!.value, class: fitting[0]?.name ?? '' };
    const errors = extra.errors ?? {};
    const inputs = setupInputs(values, errors, t, persons.passwordRules.minimumLength);
    const labelled = [...inputs, { field: 'language', label: t('setup.language'), error: errors.language }, { field: 'class', label: t('setup.class'), error: errors.class }];
    await renderSetup(ctx, 'form', extra.status ?? 200, {
      title: t('setup.title'),
      lang: locale,
      t,
      csrf: forms.tokenFor(`setup:${linkId}`),
      error: extra.error,
      // The alert at the top: each refused field, linked to its input.
      summary: labelled.filter((input) => input.error).map(({ field, label, error }) => ({ field, label, error })),
      inputs,
      languages: setupLanguages.map((language) => ({ ...language, selected: language.value === values.language })),
      languageError: errors.language,
      classes: [...fitting.map((view) => ({ value: view.name, label: view.text ? `${view.name} — ${view.text}` : view.name, selected: view.name === values.class })), { value: '', label: t('setup.classNew', { name: newName }), selected: values.class === '' }],
      offerClasses: fitting.length > 0,
      classError: errors.class,
      newClassNote: t('setup.classCreated', { name: newName }),
    });
  }

  const enrolment = setupEnrolment(router, { issuer, services, setupLinks, forms, secure });

  // The printed link: its token goes into the cookie, and the browser on to /setup.
  router.get('/:token', async (ctx) => {
    const link = await openLink(ctx, ctx.params.token);
    if (!link) return;
    setPageCookie(ctx, linkCookie, link.token, { path: '/setup', maxAgeSeconds: Math.min(cookieSeconds, (link.expiresAt.getTime() - Date.now()) / 1000), secure });
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 303;
    ctx.redirect('/setup');
  });

  router.get('/', async (ctx) => {
    const link = await openLink(ctx, readPageCookie(ctx, linkCookie));
    if (link) await showForm(ctx, link.id);
  });

  router.post('/', async (ctx) => {
    const link = await openLink(ctx, readPageCookie(ctx, linkCookie));
    if (!link) return;
    const body = (ctx.request.body ?? {}) as Record<string, string>;
    const form = readSetupForm(body);
    const { t } = setupLanguage(ctx, form.values.language);
    if (!forms.matches(`setup:${link.id}`, body.csrf)) return showForm(ctx, link.id, { status: 403, error: t('setup.forbidden') });
    const { fitting, newName } = await classChoices();
    const invalid = (problem: SetupErrors | string) => showForm(ctx, link.id, { values: form.values, status: 400, ...(typeof problem === 'string' ? { error: problem } : { errors: problem }) });
    const errors = checkSetupForm(form, { classes: fitting.map((view) => view.name) }, t);
    if (Object.keys(errors).length) return invalid(errors);
    // The directory checks the person (the shared schema and the password rules) before anything is stored (a class made for nothing would stay).
    const problem = directoryProblem(() => persons.validate(personInputOf(form.values, form.password, form.values.class || '*NEVER')), t);
    if (problem) return invalid(problem);

    const claim = await setupLinks.claim(link.id);
    if (!claim) return refuseSetup(ctx, 'used');
    let created;
    let className = form.values.class;
    try {
      if (!className) className = (await classes.add(newAdminClass(newName), { actor: setupActor })).name;
      created = await persons.add(personInputOf(form.values, form.password, className), { actor: setupActor });
    } catch (error) {
      await setupLinks.release(link.id, claim);
      const refused = directoryProblem(() => {
        throw error;
      }, t);
      if (refused) return invalid(refused);
      throw error;
    }
    await setupLinks.notePerson(link.id, claim, created.sub);
    clearLinkCookie(ctx);
    await enrolment.begin(ctx, { linkId: link.id, personName: created.name, personId: created.sub, className, classCreated: !form.values.class });
  });

  return router;
}

/**
 * The directory's refusal of what was typed: next to its field (in the page's language when
 * the refusal has a message key, as the password rules' do), or the whole message when it
 * names none; undefined when it passed. Other errors are thrown on.
 */
function directoryProblem(check: () => unknown, t: Translate): SetupErrors | string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (!(error instanceof InvalidInputError || error instanceof ConflictError)) throw error;
    const located = errorOfMessage(error.message);
    if (located && error.messageKey) {
      const [field] = Object.keys(located) as (keyof SetupErrors)[];
      return { [field!]: t(error.messageKey, error.messageParams) };
    }
    return located ?? error.message;
  }
}
