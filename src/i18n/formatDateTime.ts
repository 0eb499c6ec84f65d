/** The Intl locale each language writes dates in: day before month and a 24-hour clock, as the audit log's (admin/console/auditDateTime.ts). */
const intlLocales: Record<string, string> = { en: 'en-GB', es: 'es-ES' };

/**
 * A moment in a message to a person, in their language: the date in words and the time
 * to the second, in UTC and saying so ("7 March 2025 at 09:05:03 UTC", "7 de marzo de
 * 2025 a las 9:05:03 UTC"): the mail may be read anywhere, long after.
 */
export function formatDateTime(at: Date, locale: string): string {
  return at.toLocaleString(intlLocales[locale] ?? 'en-GB', { dateStyle: 'long', timeStyle: 'long', timeZone: 'UTC' });
}
