import type { Logger } from 'pino';
import type { Delivery } from './Delivery.ts';
import { maskDestination } from './maskDestination.ts';
import { chooseLocale, translator } from '../i18n/translate.ts';
import type { StoredPerson } from '../store/repositories/personRepository.ts';

/** A change of the ways a person signs in, of which they are told by email. */
export type FactorChange = 'totp-activated' | 'totp-replaced' | 'totp-removed' | 'emergency-tokens-recreated' | 'questions-changed';

/** Who made the change: the person themselves (account page, sign-in, registration link) or an administrator. */
export type ChangedBy = 'person' | 'administrator';

type Dependencies = { delivery: Pick<Delivery, 'sendEmail'>; logger: Logger };

/**
 * Tells a person by email that a factor of theirs was added, replaced or removed, so that
 * a change they did not make (a stolen session, a careless admin) does not go unnoticed.
 * The message names the change and when, never a key, token or answer. A person with no
 * email address gets no notice; a failed delivery is logged and does not undo the change,
 * which has already happened.
 */
export function createFactorNotices({ delivery, logger }: Dependencies) {
  return {
    async send(person: Pick<StoredPerson, '_id' | 'name' | 'firstName' | 'familyName' | 'email' | 'preferredLanguage'>, change: FactorChange, options: { by: ChangedBy; now?: number }): Promise<boolean> {
      if (!person.email) {
        logger.info({ sub: person._id, change }, 'factor change not notified: the person has no email address');
        return false;
      }
      const t = translator(chooseLocale(person.preferredLanguage ? { preferred: person.preferredLanguage } : {}));
      const name = [person.firstName, person.familyName].filter(Boolean).join(' ') || person.name;
      const when = `${new Date(options.now ?? Date.now()).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
      const text = [
        t('factorMail.greeting', { name }),
        t(`factorMail.${change}`, { when }),
        t(options.by === 'person' ? 'factorMail.byYou' : 'factorMail.byAdministrator'),
        t('factorMail.notYou'),
      ].join('\n\n');
      try {
        await delivery.sendEmail({ to: person.email, subject: t('factorMail.subject'), text: `${text}\n` });
      } catch (error) {
        logger.warn({ err: error, sub: person._id, change, to: maskDestination('email', person.email) }, 'factor change notice could not be sent');
        return false;
      }
      return true;
    },
  };
}

export type FactorNotices = ReturnType<typeof createFactorNotices>;
