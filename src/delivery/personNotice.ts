import type { Logger } from 'pino';
import { chooseLocale, translator, type Translate } from '../i18n/translate.ts';
import type { StoredPerson } from '../store/repositories/personRepository.ts';
import type { Delivery } from './Delivery.ts';
import { maskDestination } from './maskDestination.ts';

/** Who a notice is about, and goes to. */
export type NoticeRecipient = Pick<StoredPerson, '_id' | 'name' | 'firstName' | 'familyName' | 'email' | 'preferredLanguage'>;

export type NoticeDependencies = { delivery: Pick<Delivery, 'sendEmail'>; logger: Logger };

/** The person's language (their preferred one, else English) and the name a notice greets them by. */
export function noticeLanguage(person: NoticeRecipient): { t: Translate; locale: string; name: string } {
  const locale = chooseLocale(person.preferredLanguage ? { preferred: person.preferredLanguage } : {});
  return { t: translator(locale), locale, name: [person.firstName, person.familyName].filter(Boolean).join(' ') || person.name };
}

/**
 * Emails a notice to the person: its paragraphs, one blank line apart. A person with no
 * email address gets none (noted at info); a failed delivery is logged with the address
 * masked and does not undo what the notice tells of, which has already happened. The
 * text is never logged. `log.about` names the notice in the log (`{ change }`, `{ event }`),
 * `log.what` begins the log's sentences ("factor change").
 */
export async function emailNotice(
  { delivery, logger }: NoticeDependencies,
  person: NoticeRecipient,
  mail: { subject: string; paragraphs: string[] },
  log: { what: string; about: Record<string, unknown> },
): Promise<boolean> {
  if (!person.email) {
    logger.info({ sub: person._id, ...log.about }, `${log.what} not notified: the person has no email address`);
    return false;
  }
  try {
    await delivery.sendEmail({ to: person.email, subject: mail.subject, text: `${mail.paragraphs.join('\n\n')}\n` });
  } catch (error) {
    logger.warn({ err: error, sub: person._id, ...log.about, to: maskDestination('email', person.email) }, `${log.what} notice could not be sent`);
    return false;
  }
  return true;
}
