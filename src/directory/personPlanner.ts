import { translator } from '../i18n/translate.ts';
import { planInWords, type PlanInWords } from '../policy/explainPlan.ts';
import { formatPlan } from '../policy/formatPlan.ts';
import { planFactors } from '../policy/planner.ts';
import { contexts, type ClassPolicy, type ClassSource, type Plan, type PolicyContext } from '../policy/types.ts';
import { InvalidInputError } from '../errors/GatehouseError.ts';
import type { StoredPerson } from '../store/repositories/personRepository.ts';
import type { AttemptLimiter } from '../factors/attempts/createAttemptLimiter.ts';
import { factors } from '../factors/index.ts';
import { loadPersonFacts } from './loadPersonFacts.ts';

type ClassLookup = { findPolicy(name: string): Promise<ClassPolicy | undefined> };
type DefaultClassLookup = { defaultClass(): Promise<string | undefined> };

const english = translator('en');

export type ResolvedClass = { classSource: ClassSource; policy?: ClassPolicy; missingClassName?: string };

export function checkContext(value: unknown): PolicyContext {
  const context = value === undefined ? 'MFA' : value;
  if (typeof context !== 'string' || !(contexts as readonly string[]).includes(context.toUpperCase())) {
    throw new InvalidInputError(`context: one of ${contexts.join(', ')}; got ${JSON.stringify(value)}.`);
  }
  return context.toUpperCase() as PolicyContext;
}

/**
 * The one way to get a person's factor plan: resolve the class (own, *DFT, *NEVER),
 * gather the facts, and call the pure planner. Sign-in, option 9, the CLI and the API
 * all come here.
 */
export function createPersonPlanner(classes: ClassLookup, settings: DefaultClassLookup, attempts: Pick<AttemptLimiter, 'locksOf'>) {
  async function resolveClass(person: StoredPerson, cache?: Map<string, ResolvedClass>): Promise<ResolvedClass> {
    const cached = cache?.get(person.className);
    if (cached) return cached;
    let resolved: ResolvedClass;
    if (person.className === '*NEVER') {
      resolved = { classSource: 'never' };
    } else if (person.className === '*DFT') {
      const name = await settings.defaultClass();
      const policy = name ? await classes.findPolicy(name) : undefined;
      if (policy) resolved = { classSource: 'default', policy };
      else resolved = name ? { classSource: 'missing', missingClassName: name } : { classSource: 'no-default' };
    } else {
      const policy = await classes.findPolicy(person.className);
      // A class in use cannot be deleted; should one be missing all the same, sign-in is refused.
      resolved = policy ? { classSource: 'class', policy } : { classSource: 'missing', missingClassName: person.className };
    }
    cache?.set(person.className, resolved);
    return resolved;
  }

  async function planWithClass(person: StoredPerson, context: unknown, now: number, cache?: Map<string, ResolvedClass>): Promise<{ plan: Plan; policy?: ClassPolicy }> {
    const resolved = await resolveClass(person, cache);
    const checkedContext = checkContext(context);
    const facts = await loadPersonFacts(person, { attempts, policy: resolved.policy, now });
    const plan = planFactors({ context: checkedContext, ...resolved, person: facts, now, factors });
    return { plan, ...(resolved.policy ? { policy: resolved.policy } : {}) };
  }

  return {
    resolveClass,

    /** The plan and the class it came from, the class resolved once (the sign-in's call: no text for admins). */
    planWithClass,

    /** The plan in words, and as text, for admins (option 9, the CLI, the API): English, as they are. */
    async planFor(person: StoredPerson, context: unknown, now: number, cache?: Map<string, ResolvedClass>): Promise<{ plan: PlanInWords; text: string }> {
      const { plan } = await planWithClass(person, context, now, cache);
      return { plan: planInWords(plan, english), text: formatPlan(plan, english) };
    },
  };
}

export type PersonPlanner = ReturnType<typeof createPersonPlanner>;
