import { InvalidInputError } from '../errors/GatehouseError.ts';
import type { PersonFilter, PersonRepository, StoredPerson } from '../store/repositories/personRepository.ts';
import { toPersonView, type PersonView } from './personInput.ts';
import type { PersonPlanner, ResolvedClass } from './personPlanner.ts';

/** The filters of "Work with Persons". Y/N filters are booleans here. */
export type PersonQuery = {
  /** Free text: name, first/family name, email, external ID, employee number, ID number or a user ID containing it (ignoring case). */
  q?: string;
  /** Exactly this user ID (ignoring case). */
  userId?: string;
  /** TOTP key registered (active). */
  totp?: boolean;
  /** Private questions answered. */
  questions?: boolean;
  /** A second factor is required at sign-in (the MFA plan of the person's class). */
  mfa?: boolean;
  /** 1-based. */
  page?: number;
  pageSize?: number;
};

export type PersonPage = { items: PersonView[]; total: number; page: number; pageSize: number };

export const maxPageSize = 500;

function checkQuery(query: PersonQuery): Required<Pick<PersonQuery, 'page' | 'pageSize'>> {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 50;
  if (!Number.isInteger(page) || page < 1) throw new InvalidInputError('page: a whole number from 1.');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > maxPageSize) throw new InvalidInputError(`page_size: a whole number from 1 to ${maxPageSize}.`);
  if (query.q !== undefined && (typeof query.q !== 'string' || query.q.length > 100)) throw new InvalidInputError('q: a text of at most 100 characters.');
  return { page, pageSize };
}

/** The store's filter for everything but `mfa`, which needs each person's plan. */
function storedFilter(query: PersonQuery): PersonFilter {
  return {
    ...(query.q ? { text: query.q } : {}),
    ...(query.userId ? { userIdKey: query.userId.toLowerCase() } : {}),
    ...(query.totp !== undefined ? { totpActive: query.totp } : {}),
    ...(query.questions !== undefined ? { questionsAnswered: query.questions } : {}),
  };
}

/** "Work with Persons" as a query: filtered, sorted by name, paged. */
export async function filterPersons(persons: Pick<PersonRepository, 'countMatching' | 'matching'>, planner: PersonPlanner, query: PersonQuery): Promise<PersonPage> {
  const { page, pageSize } = checkQuery(query);
  const filter = storedFilter(query);
  if (query.mfa === undefined) {
    const [total, found] = await Promise.all([
      persons.countMatching(filter),
      persons.matching(filter, { skip: (page - 1) * pageSize, limit: pageSize }),
    ]);
    return { items: found.map(toPersonView), total, page, pageSize };
  }
  // MFA required depends on each person's class and facts: plan every candidate once.
  const now = Date.now();
  const classes = new Map<string, ResolvedClass>();
  const matching: StoredPerson[] = [];
  for (const person of await persons.matching(filter)) {
    const { plan } = await planner.planWithClass(person, 'MFA', now, classes);
    if (plan.secondFactorRequired === query.mfa) matching.push(person);
  }
  return { items: matching.slice((page - 1) * pageSize, page * pageSize).map(toPersonView), total: matching.length, page, pageSize };
}
