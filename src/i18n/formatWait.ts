import { formatUntil } from './formatUntil.ts';
import type { Translate } from './translate.ts';

/**
 * How long to wait before trying again, as it goes after "Try again": under a minute the
 * seconds left, rounded up ("in 12 seconds", "dentro de 12 segundos"), since a time rounded
 * up to the minute would tell a person locked for 5 seconds to wait up to a minute more;
 * longer, the time the lock ends ("after 14:04 UTC", see formatUntil) or, `relative`, the
 * minutes left ("in 3 minutes") for a wait whose end moves, such as the address throttle.
 * At least one second: it is shown because the lock held when it was checked.
 */
export function formatWait(t: Translate, until: number, now: number, options: { relative?: boolean } = {}): string {
  const seconds = Math.max(1, Math.ceil((until - now) / 1000));
  if (seconds < 60) return seconds === 1 ? t('wait.inOneSecond') : t('wait.inSeconds', { seconds });
  if (!options.relative) return t('wait.after', { time: formatUntil(until, now) });
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? t('wait.inOneMinute') : t('wait.inMinutes', { minutes });
}
