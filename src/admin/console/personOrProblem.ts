import type { Context } from 'koa';
import type { PersonView } from '../../directory/personInput.ts';
import { NotFoundError } from '../../errors/GatehouseError.ts';
import type { AdminConsoleDependencies } from './AdminConsoleDependencies.ts';
import type { AdminVisit } from './AdminVisit.ts';
import { adminProblem } from './adminPages.ts';

/** The person of a page's `:name` (ignoring case), or undefined once the 404 page saying there is no such person is given. */
export async function personOrProblem(ctx: Context, visit: AdminVisit, services: AdminConsoleDependencies['services'], name: string): Promise<PersonView | undefined> {
  try {
    return await services.persons.show(name);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    await adminProblem(ctx, 404, 'admin.persons.notFound', visit.person, { name });
    return undefined;
  }
}

/** Runs a change; a NotFoundError (the person went meanwhile) becomes the 404 page, and the answer is false. */
export async function unlessGone(ctx: Context, visit: AdminVisit, name: string, change: () => Promise<void>): Promise<boolean> {
  try {
    await change();
    return true;
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    await adminProblem(ctx, 404, 'admin.persons.notFound', visit.person, { name });
    return false;
  }
}
