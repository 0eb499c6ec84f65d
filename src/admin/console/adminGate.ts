import type Router from '@koa/router';
import type { Context } from 'koa';
import type { FirstPartySession, Visit } from '../../http/firstPartySession.ts';
import { acrValues } from '../../oidc/acr.ts';
import { isAdministrator } from '../../security/isAdministrator.ts';
import type { AdminChange, AdminVisit } from './AdminVisit.ts';
import { adminLanguage, adminRefuse, renderAdminBare } from './adminPages.ts';
import { sensitiveStepUpMs } from './adminSessionOptions.ts';

/**
 * Who may use the admin view, checked at every request: a live admin session (signed in
 * through Gatehouse as the admin view's client, at the elevated level, not idle), whose
 * person is enabled and has the admin role now, with an elevation younger than
 * ADMIN_ELEVATION_TTL. Without a session the browser goes to sign in; with an old
 * elevation, to step up again (prompt=login, acr_values elevated), and back to the page
 * it asked for; a person without the admin role gets a 403 page. Forms also need the
 * session's CSRF token (and, like every form of ours, the issuer's Origin: acceptForm).
 */
export function createAdminGate(session: FirstPartySession, { idleSeconds }: { idleSeconds: number }) {
  const refuse = adminRefuse(Math.round(idleSeconds / 60));
  const elevated = (visit: Visit, now: number) => visit.session.acr === acrValues.elevated && session.isRecent(visit.session.authTime, now);

  const admitted = (ctx: Context, visit: Visit, now: number): AdminVisit => ({
    ...visit,
    ...adminLanguage(ctx, visit.person),
    csrf: session.csrfTokenOf(visit),
    actor: { kind: 'admin-view', id: visit.person._id, name: visit.person.name },
    now,
    elevatedUntil: new Date(visit.session.authTime.getTime() + session.options.maxAgeMs),
  });

  /** The 403 page of a signed-in person who is not an admin: who they are, the way to their account page, and signing out. */
  const notAdmin = async (ctx: Context, visit: Visit) => {
    const { t } = adminLanguage(ctx, visit.person);
    await renderAdminBare(ctx, 'notAdmin', 403, { title: t('admin.notAdmin.title'), name: visit.person.name, csrf: session.csrfTokenOf(visit) }, visit.person);
  };

  return {
    refuse,

    /** The visit of a page (GET), or undefined when the answer is already given (sign in, step up, 403). */
    async page(ctx: Context): Promise<AdminVisit | undefined> {
      const now = Date.now();
      const visit = await session.visitOf(ctx, now);
      if (!visit) {
        await session.sendToSignIn(ctx, 'sign-in', undefined, ctx.originalUrl);
        return undefined;
      }
      if (!isAdministrator(visit.person)) {
        await notAdmin(ctx, visit);
        return undefined;
      }
      if (!elevated(visit, now)) {
        await session.sendToSignIn(ctx, 'reauthenticate', visit.person, ctx.originalUrl);
        return undefined;
      }
      return admitted(ctx, visit, now);
    },

    /**
     * The visit of a form (POST), or undefined when the answer is already given: no session
     * (403), a wrong CSRF token (403), not an admin (403), or an old elevation, which steps
     * up and comes back to the form's `return_to` page (what was typed is not kept).
     */
    async change(ctx: Context): Promise<AdminChange | undefined> {
      const visit = await session.changeVisit(ctx, refuse);
      if (!visit) return undefined;
      if (!isAdministrator(visit.person)) {
        await notAdmin(ctx, visit);
        return undefined;
      }
      if (visit.session.acr !== acrValues.elevated) {
        await session.sendToSignIn(ctx, 'reauthenticate', visit.person, typeof visit.body.return_to === 'string' ? visit.body.return_to : undefined);
        return undefined;
      }
      return { ...admitted(ctx, visit, visit.now), body: visit.body };
    },

    /**
     * Whether a sensitive action (display a key and emergency tokens, delete a person, rotate
     * signing keys) may go on: the elevation is at most two minutes old. Otherwise the admin
     * steps up again and comes back to `returnTo` (the action's confirmation page), and
     * false is returned: the answer is given.
     */
    async sensitive(ctx: Context, visit: AdminVisit, returnTo: string): Promise<boolean> {
      if (visit.now - visit.session.authTime.getTime() <= sensitiveStepUpMs) return true;
      await session.sendToSignIn(ctx, 'reauthenticate', visit.person, returnTo);
      return false;
    },

    /** The routes of the sign-in itself: the callback, a step-up on request, signing out. */
    routes(router: Router): void {
      session.routes(router, refuse);
    },
  };
}

export type AdminGate = ReturnType<typeof createAdminGate>;
