import type Router from '@koa/router';
import type { Context } from 'koa';
import { InvalidInputError } from '../../errors/GatehouseError.ts';
import type { PersonView } from '../../directory/personInput.ts';
import type { Translate } from '../../i18n/translate.ts';
import type { AdminConsoleDependencies } from './AdminConsoleDependencies.ts';
import type { AdminVisit } from './AdminVisit.ts';
import { doneNotice, renderAdmin } from './adminPages.ts';
import { factorStateOf } from './personFactorState.ts';
import { fieldErrorOf } from './personFieldError.ts';
import { personOptions } from './personOptions.ts';
import { personPath } from './personPath.ts';

export const pageSizes = [10, 20, 50, 100] as const;
const defaultPageSize = 20;
const yesNoFilters = ['totp', 'questions', 'mfa'] as const;

/** The subset form as typed: every filter a text ("" = any), the page size one of pageSizes. */
type ListFilters = { q: string; user_id: string; totp: string; questions: string; mfa: string; page_size: string };

const queryText = (ctx: Context, name: string, max: number) => {
  const value = ctx.query[name];
  const text = (Array.isArray(value) ? value[0] : value) ?? '';
  return text.trim().slice(0, max);
};

/** The filters of the address; a value that is not one the form offers counts as not given. */
function filtersOf(ctx: Context): { filters: ListFilters; page: number } {
  const yesNo = (name: string) => (['Y', 'N'].includes(queryText(ctx, name, 1).toUpperCase()) ? queryText(ctx, name, 1).toUpperCase() : '');
  const size = Number(queryText(ctx, 'page_size', 4));
  const page = Number(queryText(ctx, 'page', 7));
  return {
    filters: {
      q: queryText(ctx, 'q', 100),
      user_id: queryText(ctx, 'user_id', 64),
      totp: yesNo('totp'),
      questions: yesNo('questions'),
      mfa: yesNo('mfa'),
      page_size: String((pageSizes as readonly number[]).includes(size) ? size : defaultPageSize),
    },
    page: Number.isInteger(page) && page >= 1 ? page : 1,
  };
}

/** The list's address with these filters (those given) and page: what the pager's links keep. */
function listHref(filters: ListFilters, page: number): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value !== '' && !(name === 'page_size' && value === String(defaultPageSize))) query.set(name, value);
  if (page > 1) query.set('page', String(page));
  const text = query.toString();
  return text ? `/admin/persons?${text}` : '/admin/persons';
}

const flag = (value: string) => (value === '' ? undefined : value === 'Y');

/** One row of the table: the person, their factors as sign-in sees them, and the options. */
async function rowOf(services: AdminConsoleDependencies['services'], visit: AdminVisit, person: PersonView) {
  const { t } = visit;
  const stored = await services.persons.findBySub(person.sub);
  const state = stored ? await factorStateOf(services, stored, visit.now) : undefined;
  return {
    name: person.name,
    href: personPath(person.name),
    fullName: [person.first_name, person.family_name].filter(Boolean).join(' '),
    defaultUserId: person.default_user_id,
    className: person.class,
    enabled: { text: t(person.enabled ? 'admin.persons.enabled' : 'admin.persons.disabled'), tone: person.enabled ? 'ok' : 'danger' },
    totp: state ? { text: t(`admin.persons.totp.${state.totp}`), tone: state.totp === 'active' ? 'ok' : state.totp === 'pending' ? 'warn' : '' } : undefined,
    questions: state ? String(state.questionsAnswered) : '',
    locked: state?.locked ? { text: t('admin.persons.locked'), tone: 'danger' } : undefined,
    options: personOptions(t, person.name).slice(1),
  };
}

/** The choices of a Y/N/any filter. */
const yesNoChoices = (t: Translate, value: string) =>
  [
    { value: '', label: t('admin.persons.filter.any') },
    { value: 'Y', label: t('admin.yes') },
    { value: 'N', label: t('admin.no') },
  ].map((choice) => ({ ...choice, selected: choice.value === value }));

/** "Work with Persons" (`/admin/persons`): the subset form, one page of persons by name, the options of each. */
export function personListPage(router: Router, { gate, services }: AdminConsoleDependencies): void {
  router.get('/persons', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    const { t } = visit;
    const { filters, page } = filtersOf(ctx);
    const pageSize = Number(filters.page_size);
    let result: { items: PersonView[]; total: number } = { items: [], total: 0 };
    let problem: { field?: string; message: string } | undefined;
    try {
      result = await services.persons.list({ ...(filters.q ? { q: filters.q } : {}), ...(filters.user_id ? { userId: filters.user_id } : {}), totp: flag(filters.totp), questions: flag(filters.questions), mfa: flag(filters.mfa), page, pageSize });
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      problem = fieldErrorOf(error.message, ['q', 'user_id']);
    }
    const pages = Math.max(1, Math.ceil(result.total / pageSize));
    const filtered = Object.entries(filters).some(([name, value]) => name !== 'page_size' && value !== '');
    const rows = await Promise.all(result.items.map((person) => rowOf(services, visit, person)));
    await renderAdmin(ctx, visit, 'persons/list', {
      title: t('admin.persons.list.title'),
      notice: doneNotice(ctx, t),
      problem: problem ? { ...problem, id: problem.field === 'user_id' ? 'filter-user-id' : 'filter-q' } : undefined,
      filters,
      yesNoFilters: yesNoFilters.map((name) => ({ name, id: `filter-${name}`, label: t(`admin.persons.filter.${name}`), choices: yesNoChoices(t, filters[name]) })),
      pageSizes: pageSizes.map((size) => ({ value: String(size), selected: String(size) === filters.page_size })),
      clearHref: filtered ? '/admin/persons' : undefined,
      rows,
      count: t(result.total === 1 ? 'admin.persons.list.countOne' : 'admin.persons.list.count', { count: result.total }),
      empty: rows.length > 0 ? undefined : result.total > 0 ? t('admin.persons.list.noPage', { page }) : t(filtered ? 'admin.persons.list.noMatch' : 'admin.persons.list.none'),
      firstPageHref: result.total > 0 && rows.length === 0 ? listHref(filters, 1) : undefined,
      pager:
        result.total > 0 && rows.length > 0
          ? { text: t('admin.pageOf', { page, pages }), previous: page > 1 ? listHref(filters, page - 1) : undefined, next: page < pages ? listHref(filters, page + 1) : undefined }
          : undefined,
    });
  });
}
