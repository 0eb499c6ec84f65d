import { retryRuleOf } from '../../factors/attempts/retryRuleOf.ts';
import type { Translate } from '../../i18n/translate.ts';
import type { Services } from '../../services.ts';
import { factorLabel } from './homeCharts.ts';

/** A person locked now, as the home lists them: who, what is locked until when, and where the person's page is. */
export type LockedRow = { name: string; href: string; unlockLabel: string; locks: { what: string; until: string; /** The badge's class: danger until an admin unlocks, warn for a wait. */ badge: 'danger' | 'warn' }[] };

/** 3 Dec, 14:05:09 in the page's language (the server's time zone, as the frame's clock). */
export const formatUntil = (locale: string) => new Intl.DateTimeFormat(locale === 'es' ? 'es-ES' : 'en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', second: '2-digit' });

/**
 * Everyone locked now, by name: the attempt limiter's locks (lockedNow), each person's
 * timed locks under the retries and wait of their class as at sign-in. Persons that are
 * gone meanwhile are left out (the sweeper forgets their locks).
 */
export async function lockedRows(services: Pick<Services, 'attempts' | 'persons'>, t: Translate, locale: string, now: number): Promise<LockedRow[]> {
  const persons = new Map<string, Awaited<ReturnType<Services['persons']['findBySub']>>>();
  const personOf = async (personId: string) => {
    if (!persons.has(personId)) persons.set(personId, await services.persons.findBySub(personId));
    return persons.get(personId) ?? null;
  };
  const locked = await services.attempts.lockedNow(async (personId) => {
    const person = await personOf(personId);
    if (!person) return undefined;
    const { policy } = await services.persons.planFor(person, 'MFA', now);
    return policy ? retryRuleOf(policy) : undefined;
  }, now);
  const until = formatUntil(locale);
  const rows: LockedRow[] = [];
  for (const { personId, locks } of locked) {
    const person = await personOf(personId);
    if (!person) continue;
    rows.push({
      name: person.name,
      href: `/admin/persons/${encodeURIComponent(person.name)}/mfa`,
      unlockLabel: t('admin.home.locked.unlockLabel', { name: person.name }),
      locks: locks.map((lock) => ({
        what: lock.address ? t('admin.home.locked.passwordFrom', { address: lock.address }) : factorLabel(t, lock.factor),
        until: lock.until ? t('admin.home.locked.until', { time: until.format(lock.until) }) : t('admin.home.locked.untilAdmin'),
        badge: lock.until === undefined ? 'danger' : 'warn',
      })),
    });
  }
  return rows.toSorted((a, b) => a.name.localeCompare(b.name));
}
