import { formatDateTime } from '../i18n/formatDateTime.ts';
import { emailNotice, noticeLanguage, type NoticeDependencies, type NoticeRecipient } from './personNotice.ts';

/** What happened to the person's password or account. */
export type PasswordEventKind = 'password-reset' | 'account-re-enabled' | 'temporary-password-issued';

/** How whoever asked proved they were the person (the reset's verification), or that an administrator did it. */
export type PasswordVerifiedBy = 'sms-code' | 'email-code' | 'factors' | 'none' | 'administrator';

export type PasswordEvent = {
  kind: PasswordEventKind;
  verifiedBy: PasswordVerifiedBy;
  /** The client address the request came from (ctx.ip, as the sign-in counts it); none from the command line. */
  address?: string;
  /** When it happened (ms since the epoch); now by default. */
  now?: number;
  /** Where a temporary password went: by SMS, by email, or shown on the screen. Never the password. */
  sentTo?: 'sms' | 'email' | 'screen';
};

/**
 * Tells a person by email, in their language, that their password was reset, their
 * account re-enabled or a temporary password issued: when (UTC), from which address, how
 * whoever asked was verified, where a temporary password went, and to tell their
 * administrator if it was not them — so that a reset by someone else does not go
 * unnoticed. Never a password or a code. Sent as the factor notices are (personNotice.ts):
 * no email address or a failed delivery is false, logged with the address masked.
 */
export function createPasswordNotices(dependencies: NoticeDependencies) {
  return {
    async send(person: NoticeRecipient, event: PasswordEvent): Promise<boolean> {
      const { t, locale, name } = noticeLanguage(person);
      const when = formatDateTime(new Date(event.now ?? Date.now()), locale);
      const paragraphs = [
        t('passwordMail.greeting', { name }),
        t(`passwordMail.${event.kind}`, { when }),
        ...(event.address ? [t('passwordMail.address', { address: event.address })] : []),
        t(`passwordMail.verifiedBy.${event.verifiedBy}`),
        ...(event.sentTo ? [t(`passwordMail.sentTo.${event.sentTo}`)] : []),
        t('passwordMail.notYou'),
      ];
      return emailNotice(dependencies, person, { subject: t(`passwordMail.subject.${event.kind}`), paragraphs }, { what: 'password event', about: { event: event.kind } });
    },
  };
}

export type PasswordNotices = ReturnType<typeof createPasswordNotices>;
