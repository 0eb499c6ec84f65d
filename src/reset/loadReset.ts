import type { Context, Next } from 'koa';
import { standInOfId, unknownUserPrefix } from '../directory/unknownUserStandIn.ts';
import { readPageCookie } from '../http/pageCookie.ts';
import { chooseLocale, translator, type Translate } from '../i18n/translate.ts';
import { planReset, type ResetPlan } from '../policy/resetPlan.ts';
import type { ClassPolicy, Plan } from '../policy/types.ts';
import type { StoredPerson } from '../store/repositories/personRepository.ts';
import type { PasswordReset } from '../store/passwordResets.ts';
import { ResetExpiredError } from './ResetExpiredError.ts';
import type { ResetDependencies } from './ResetDependencies.ts';

/** The cookie that names the browser's reset (its value is the reset's id: never in a URL). */
export const resetCookie = 'gatehouse.reset';

/** A reset under way: its record, whose it is, and what the class asks of it. */
export type LoadedReset = {
  id: string;
  record: PasswordReset;
  person: StoredPerson;
  /** A person who may be helped: known and not disabled (an unknown user ID's stand-in, or a disabled person, goes through the same pages and gets nothing). */
  genuine: boolean;
  plan: Plan;
  policy?: ClassPolicy;
  reset: ResetPlan;
};

/** What every reset page finds on ctx.state.reset. The pages keep the browser's language all through: the person's would tell that the user ID is known. */
export type ResetVisit = { t: Translate; locale: 'en' | 'es'; id?: string; loaded?: LoadedReset };

export const languageOfReset = (ctx: Context) => {
  const locale = chooseLocale({ acceptLanguage: ctx.get('accept-language') }) as 'en' | 'es';
  return { t: translator(locale), locale };
};

/**
 * The person of a reset: the directory's, or an unknown user ID's stand-in (rebuilt from
 * its id) — looked up the same way for both, so every page of a reset takes the same time.
 */
export async function personOfReset(persons: ResetDependencies['persons'], personId: string): Promise<StoredPerson> {
  const found = await persons.findBySub(personId);
  return found && !personId.startsWith(unknownUserPrefix) ? found : standInOf(personId);
}

const standInOf = (id: string) => standInOfId(id.startsWith(unknownUserPrefix) ? id : `${unknownUserPrefix}${id}`);

/** Loads the reset the cookie names (`required`: or the page says it expired), its person and their P-R plan, once per request. */
export function loadReset(deps: Pick<ResetDependencies, 'resets' | 'persons'>, options: { required: boolean }) {
  return async (ctx: Context, next: Next) => {
    const visit: ResetVisit = { ...languageOfReset(ctx) };
    const id = readPageCookie(ctx, resetCookie);
    if (id) visit.id = id;
    const record = id ? await deps.resets.find(id) : undefined;
    if (record) {
      const person = await personOfReset(deps.persons, record.personId);
      const { plan, policy } = await deps.persons.planFor(person, 'P-R', Date.now());
      visit.loaded = { id: id!, record, person, genuine: person.enabled && !person._id.startsWith(unknownUserPrefix), plan, ...(policy ? { policy } : {}), reset: planReset(policy) };
    }
    if (options.required && !visit.loaded) throw new ResetExpiredError();
    ctx.state.reset = visit;
    await next();
  };
}

export const resetVisitOf = (ctx: Context): ResetVisit => ctx.state.reset as ResetVisit;

export function loadedResetOf(ctx: Context): ResetVisit & { loaded: LoadedReset } {
  const visit = resetVisitOf(ctx);
  if (!visit.loaded) throw new ResetExpiredError();
  return visit as ResetVisit & { loaded: LoadedReset };
}
