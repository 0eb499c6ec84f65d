/**
 * When a lock ends, for persons and admins: "14:04 UTC", rounded up to the minute so
 * that "try again after" is true, with the date when it is not today (UTC). Pure; for a
 * wait under a minute, formatWait counts seconds instead.
 */
export function formatUntil(until: number, now: number): string {
  const rounded = new Date(Math.ceil(until / 60_000) * 60_000).toISOString();
  const sameDay = rounded.slice(0, 10) === new Date(now).toISOString().slice(0, 10);
  return `${sameDay ? '' : `${rounded.slice(0, 10)} `}${rounded.slice(11, 16)} UTC`;
}
