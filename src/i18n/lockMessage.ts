import { formatWait } from './formatWait.ts';
import type { Translate } from './translate.ts';

/** A refusal for a lock: the factor's (until when, or until an admin unlocks) or the client address's throttle. */
export const lockMessage = (t: Translate, lock: { until?: number; byAddress?: true }) =>
  lock.byAddress && lock.until
    ? t('signin.addressThrottled', { wait: formatWait(t, lock.until, Date.now(), { relative: true }) })
    : lock.until
      ? t('locked.until', { wait: formatWait(t, lock.until, Date.now()) })
      : t('locked.admin');
