/**
 * A moment as the admin view's audit log and TOTP menu show it: the date and the time to
 * the second, in UTC and saying so (an audit log is read next to logs of other machines).
 */
export function auditDateTime(at: Date, locale: string): string {
  return at.toLocaleString(locale === 'es' ? 'es-ES' : 'en-GB', { dateStyle: 'medium', timeStyle: 'long', timeZone: 'UTC' });
}
