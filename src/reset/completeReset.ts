import { randomBytes } from 'node:crypto';
import type { Context } from 'koa';
import { maskDestination } from '../delivery/maskDestination.ts';
import { GatehouseError } from '../errors/GatehouseError.ts';
import { chooseLocale, translator } from '../i18n/translate.ts';
import type { PasswordReset } from '../store/passwordResets.ts';
import { loadedResetOf, type LoadedReset } from './loadReset.ts';
import type { ResetPages } from './resetPages.ts';
import type { ResetDependencies, VerifiedBy } from './ResetDependencies.ts';
import { codeReaches } from './codeReaches.ts';
import { redirectToStep } from './redirectToStep.ts';
import { afterAnswer } from './afterAnswer.ts';

const actorOf = (loaded: LoadedReset) => ({ kind: 'person' as const, id: loaded.person._id, name: loaded.person.name });

const untilText = (until: Date | undefined) => (until ? `${until.toISOString().slice(0, 16).replace('T', ' ')} UTC` : undefined);

/**
 * What a verified reset does (the class's "Reset your password by" and "Get new password
 * by"): a new password typed, or a temporary one shown once, sent by SMS or by email; or
 * the account re-enabled after failed sign-ins. Each happens once (a claim per reset),
 * only for a genuine person (an unknown user ID or a disabled person gets the same pages
 * and nothing changes), and is followed by the aftermath: sessions and refresh tokens
 * revoked, the person told by email, the audit log written. A temporary password never
 * enters a log, the audit or the reset's record.
 */
export function completeReset(deps: ResetDependencies, { pages }: { pages: ResetPages }) {
  const save = (loaded: LoadedReset, change: Partial<PasswordReset>) => {
    Object.assign(loaded.record, change);
    return deps.resets.save(loaded.record);
  };

  async function aftermath(ctx: Context, loaded: LoadedReset, kind: 'password-reset' | 'account-re-enabled', sentTo?: 'sms' | 'email' | 'screen') {
    const { person, record, reset } = loaded;
    const verifiedBy = record.verifiedBy ?? 'none';
    if (kind === 'password-reset') {
      const keepSessionId = deps.keepCurrentDevice ? await deps.sessions.currentSessionId(deps.provider, ctx) : undefined;
      await deps.sessions.revokeSessions(person._id, keepSessionId ? { keepSessionId } : {});
    }
    await deps.audit.record({ actor: actorOf(loaded), action: kind, entity: 'person', entityId: person._id, after: { name: person.name, verified_by: verifiedBy, new_password_by: reset.newPasswordBy, reset_by: reset.outcome } });
    // In the background: the page does not wait for the mail server (a failure is logged by the notices).
    void deps.passwordNotices.send(person, { kind, verifiedBy, address: ctx.ip, ...(sentTo ? { sentTo } : {}) }).catch((error: unknown) => deps.logger.warn({ err: error, sub: person._id }, 'password notice could not be sent'));
    deps.logger.info({ sub: person._id, kind, verifiedBy }, 'password reset done');
  }

  /** A temporary password to the person's own channel, in their language; the message is the only place it is written. */
  async function sendTemporary(loaded: LoadedReset, channel: 'sms' | 'email', password: string, expiresAt: Date | undefined) {
    const { person } = loaded;
    const t = translator(chooseLocale(person.preferredLanguage ? { preferred: person.preferredLanguage } : {}));
    const until = untilText(expiresAt);
    const text = t('resetPassword.text', { password, until: until ? t('resetPassword.until', { until }) : '' });
    if (channel === 'sms') await deps.delivery.sendSms({ to: person.cellPhone!, text });
    else await deps.delivery.sendEmail({ to: person.email!, subject: t('resetPassword.subject'), text: `${text}\n` });
  }

  async function newPassword(ctx: Context, loaded: LoadedReset) {
    const { reset, genuine } = loaded;
    const by = reset.newPasswordBy;
    if (by === 'typed') {
      await save(loaded, { stage: 'password' });
      return redirectToStep(ctx);
    }
    const minutes = reset.temporaryMinutes ?? 999;
    if (by === 'screen') {
      // Only a verified person gets here (verification none goes with SMS or email only).
      if (!(await deps.resets.claim(loaded.id, 'complete'))) return redirectToStep(ctx);
      await save(loaded, { stage: 'done', result: { kind: 'shown' } });
      // A person an admin disabled sees the same page, and nothing changes: the answer does not say the account is disabled.
      const issued = genuine ? await deps.temporaryPasswords.issue(loaded.person, { minutes, actor: actorOf(loaded), reason: 'reset' }) : { password: randomBytes(12).toString('base64url'), expiresAt: reset.temporaryMinutes ? new Date(Date.now() + minutes * 60_000) : undefined };
      if (genuine) await aftermath(ctx, loaded, 'password-reset', 'screen');
      const until = untilText(issued.expiresAt);
      return pages.done(ctx, { password: issued.password, ...(until ? { until } : {}) });
    }
    await save(loaded, { stage: 'done', result: { kind: 'sent', sentBy: by } });
    // Claimed for every reset, so that a genuine person's takes no more time than another's.
    const claimed = await deps.resets.claim(loaded.id, 'complete');
    if (claimed && genuine && codeReaches(loaded, by)) {
      // In the background, as the start's code: the time taken says nothing of the user ID.
      const deliver = async () => {
        const issued = await deps.temporaryPasswords.issue(loaded.person, { minutes, actor: actorOf(loaded), reason: 'reset' });
        await sendTemporary(loaded, by, issued.password, issued.expiresAt);
        await aftermath(ctx, loaded, 'password-reset', by);
      };
      const to = maskDestination(by, (by === 'sms' ? loaded.person.cellPhone : loaded.person.email) ?? '');
      afterAnswer(ctx, deps.logger, { message: 'temporary password could not be sent', sub: loaded.person._id, to }, deliver);
    }
    return pages.done(ctx);
  }

  async function reEnable(ctx: Context, loaded: LoadedReset) {
    await save(loaded, { stage: 'done', result: { kind: 're-enabled' } });
    // Only the password's lock: a person an admin disabled stays disabled, and a factor's lock stays (product.md).
    if (loaded.genuine && (await deps.resets.claim(loaded.id, 'complete'))) {
      await deps.attempts.unlock(loaded.person._id, 'password', { actor: actorOf(loaded), personName: loaded.person.name });
      await aftermath(ctx, loaded, 'account-re-enabled');
    }
    return pages.done(ctx);
  }

  return {
    /** The person is verified (or, with verification none, nothing is asked): on to what the class says. */
    async afterVerified(ctx: Context, verifiedBy: VerifiedBy) {
      const { loaded } = loadedResetOf(ctx);
      loaded.record.verifiedBy = verifiedBy;
      delete loaded.record.state;
      const { outcome } = loaded.reset;
      if (outcome === 'choose') {
        await save(loaded, { stage: 'choose' });
        return redirectToStep(ctx);
      }
      return outcome === 're-enable' ? reEnable(ctx, loaded) : newPassword(ctx, loaded);
    },

    /** POST /reset/choose — reset by 9: the person's choice. */
    async choose(ctx: Context) {
      const { loaded } = loadedResetOf(ctx);
      if (loaded.record.stage !== 'choose') return redirectToStep(ctx);
      const choice = (ctx.request.body as Record<string, unknown> | undefined)?.choice;
      if (choice === 're-enable') return reEnable(ctx, loaded);
      if (choice === 'new-password') return newPassword(ctx, loaded);
      throw new GatehouseError('Choose a new password or opening the account again.', { status: 400, expose: true, messageKey: 'reset.chooseMissing' });
    },

    /** POST /reset/password — new password by N: typed twice, under the password rules. */
    async password(ctx: Context) {
      const { loaded, t } = loadedResetOf(ctx);
      if (loaded.record.stage !== 'password') return redirectToStep(ctx);
      const body = (ctx.request.body ?? {}) as Record<string, unknown>;
      const password = typeof body.password === 'string' ? body.password : '';
      const confirm = typeof body.confirm === 'string' ? body.confirm : '';
      const again = (error: string) => pages.password(ctx, { status: 422, error, minimumLength: deps.passwordMinLength });
      if (password !== confirm) return again(t('reset.password.mismatch'));
      try {
        if (loaded.genuine) await deps.temporaryPasswords.setOwn(loaded.person, password, { actor: actorOf(loaded), reason: 'reset' });
      } catch (error) {
        if (error instanceof GatehouseError && error.expose && error.status === 400) return again(error.messageKey ? t(error.messageKey, error.messageParams) : error.message);
        throw error;
      }
      await save(loaded, { stage: 'done', result: { kind: 'typed' } });
      if (loaded.genuine && (await deps.resets.claim(loaded.id, 'complete'))) await aftermath(ctx, loaded, 'password-reset');
      return pages.done(ctx);
    },
  };
}

export type ResetFlow = ReturnType<typeof completeReset>;
