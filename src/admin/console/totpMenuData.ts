import type { Context } from 'koa';
import type { PersonView } from '../../directory/personInput.ts';
import { NotFoundError } from '../../errors/GatehouseError.ts';
import type { TotpKeyStatus } from '../../factors/totp/createTotpKeyMenu.ts';
import type { Services } from '../../services.ts';
import type { AdminVisit } from './AdminVisit.ts';
import { adminProblem } from './adminPages.ts';
import { auditDateTime } from './auditDateTime.ts';

/** The person of a TOTP page and their key's status (nothing secret, not audited). */
export type TotpSubject = { person: PersonView; status: TotpKeyStatus; base: string };

/** `/admin/persons/NAME/totp`: the menu's path, from the name as stored. */
export const totpMenuPath = (name: string) => `/admin/persons/${encodeURIComponent(name)}/totp`;

/**
 * The person named in the path and their key's status; undefined when there is no such
 * person, and the 404 page is the answer.
 */
export async function loadTotpSubject(ctx: Context, visit: AdminVisit, services: Pick<Services, 'persons' | 'totpKeys'>): Promise<TotpSubject | undefined> {
  const name = ctx.params.name ?? '';
  try {
    const person = await services.persons.show(name);
    const status = await services.totpKeys.status(person.name, { actor: visit.actor });
    return { person, status, base: totpMenuPath(person.name) };
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    await adminProblem(ctx, 404, 'admin.totp.noPerson', visit.person, { name });
    return undefined;
  }
}

/** Why option 5 cannot work now, in words; undefined when it can. */
export function linkObstacle({ person, status }: Pick<TotpSubject, 'person' | 'status'>, t: AdminVisit['t']): string | undefined {
  const name = person.name;
  if (status.state === 'none') return t('admin.totp.option.linkNoKey');
  if (status.state === 'active') return t('admin.totp.option.linkActive');
  if (!person.email) return t('admin.totp.option.linkNoEmail', { name });
  return undefined;
}

const stateBadge = { none: '', pending: 'warn', active: 'ok' } as const;

/** The menu's header, prepared for the view: the key's state, since when, its parameters, the tokens left, where links go. */
export function totpFacts({ person, status }: Pick<TotpSubject, 'person' | 'status'>, { t, locale }: Pick<AdminVisit, 't' | 'locale'>) {
  const name = person.name;
  const facts: { label: string; value: string }[] = [];
  if (status.since) facts.push({ label: t(status.state === 'active' ? 'admin.totp.fact.activeSince' : 'admin.totp.fact.createdSince'), value: auditDateTime(status.since, locale) });
  if (status.algorithm && status.digits && status.period) {
    facts.push({ label: t('admin.totp.fact.parameters'), value: t('admin.totp.parameters', { algorithm: status.algorithm, digits: status.digits, period: status.period }) });
  }
  facts.push({ label: t('admin.totp.fact.tokens'), value: String(status.tokensLeft) });
  facts.push({ label: t('admin.totp.fact.email'), value: person.email ?? t('admin.totp.noEmail') });
  return {
    state: { label: t(`admin.totp.state.${status.state}`), badge: stateBadge[status.state], hint: t(`admin.totp.state.${status.state}Hint`, { name }) },
    facts,
  };
}

/** The menu's options, in the seed's order (admins know them by number), and removing: a page to open, or (5) a button that sends at once. */
export function totpOptions(subject: TotpSubject, t: AdminVisit['t']) {
  const { base } = subject;
  const name = subject.person.name;
  const obstacle = linkObstacle(subject, t);
  return [
    { number: 1, title: t('admin.totp.option.create'), hint: t('admin.totp.option.createHint', { name }), href: `${base}/create` },
    { number: 2, title: t('admin.totp.option.tokens'), hint: t('admin.totp.option.tokensHint'), href: `${base}/tokens` },
    { number: 3, title: t('admin.totp.option.display'), hint: t('admin.totp.option.displayHint'), href: `${base}/display` },
    { number: 4, title: t('admin.totp.option.qr'), hint: t('admin.totp.option.qrHint', { name }), href: `${base}/qr` },
    { number: 5, title: t('admin.totp.option.link'), hint: t('admin.totp.option.linkHint', { name }), post: `${base}/link`, obstacle },
    { number: undefined, title: t('admin.totp.option.remove'), hint: t('admin.totp.option.removeHint', { name }), href: `${base}/remove`, danger: true },
  ];
}
