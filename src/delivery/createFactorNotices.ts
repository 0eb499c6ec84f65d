import { emailNotice, noticeLanguage, type NoticeDependencies, type NoticeRecipient } from './personNotice.ts';

/** A change of the ways a person signs in, of which they are told by email. */
export type FactorChange = 'totp-activated' | 'totp-replaced' | 'totp-removed' | 'emergency-tokens-recreated' | 'questions-changed' | 'passkey-added' | 'passkey-removed';

/** Who made the change: the person themselves (account page, sign-in, registration link) or an administrator. */
export type ChangedBy = 'person' | 'administrator';

/**
 * Tells a person by email that a factor of theirs was added, replaced or removed, so that
 * a change they did not make (a stolen session, a careless admin) does not go unnoticed.
 * The message names the change and when, never a key, token or answer. A person with no
 * email address gets no notice; a failed delivery is logged and does not undo the change,
 * which has already happened (personNotice.ts).
 */
export function createFactorNotices(dependencies: NoticeDependencies) {
  return {
    async send(person: NoticeRecipient, change: FactorChange, options: { by: ChangedBy; now?: number }): Promise<boolean> {
      const { t, name } = noticeLanguage(person);
      const when = `${new Date(options.now ?? Date.now()).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
      const paragraphs = [
        t('factorMail.greeting', { name }),
        t(`factorMail.${change}`, { when }),
        t(options.by === 'person' ? 'factorMail.byYou' : 'factorMail.byAdministrator'),
        t('factorMail.notYou'),
      ];
      return emailNotice(dependencies, person, { subject: t('factorMail.subject'), paragraphs }, { what: 'factor change', about: { change } });
    },
  };
}

export type FactorNotices = ReturnType<typeof createFactorNotices>;
