import type Router from '@koa/router';
import type { Context } from 'koa';
import type { PersonView } from '../../directory/personInput.ts';
import { InvalidInputError } from '../../errors/GatehouseError.ts';
import { unlockPerson } from '../../factors/attempts/unlockPerson.ts';
import { contexts } from '../../policy/types.ts';
import type { AdminConsoleDependencies } from './AdminConsoleDependencies.ts';
import type { AdminVisit } from './AdminVisit.ts';
import { doneNotice, redirectAfterChange, renderAdmin } from './adminPages.ts';
import { factorStateOf } from './personFactorState.ts';
import { personOptions } from './personOptions.ts';
import { personOrProblem, unlessGone } from './personOrProblem.ts';
import { formText, personPath } from './personPath.ts';
import { lockShown, personPlanShown } from './personPlanShown.ts';

type Services = AdminConsoleDependencies['services'];

async function renderMfa(ctx: Context, visit: AdminVisit, services: Services, person: PersonView, problem?: string) {
  const { t, now } = visit;
  const stored = await services.persons.findBySub(person.sub);
  if (!stored) return renderAdmin(ctx, visit, 'problem', { title: t('admin.problem.title'), message: t('admin.persons.notFound', { name: person.name }), status: 404 });
  // The same planner call as the sign-in, the CLI and the API, for each context.
  const plans = await Promise.all(contexts.map(async (context) => personPlanShown(t, (await services.persons.planFor(stored, context, now)).plan, now)));
  const state = await factorStateOf(services, stored, now);
  await renderAdmin(ctx, visit, 'persons/mfa', {
    title: t('admin.persons.mfa.title', { name: person.name }),
    notice: doneNotice(ctx, t),
    problem,
    person: { name: person.name, href: personPath(person.name), totpHref: personPath(person.name, 'totp') },
    options: personOptions(t, person.name, 9),
    plans,
    locks: state.locks.map((lock) => lockShown(t, lock, now)),
    rule: state.policy
      ? t(state.policy.maxRetries === 0 ? 'admin.persons.mfa.ruleNoMax' : state.policy.waitSeconds >= 999 ? 'admin.persons.mfa.ruleAdmin' : 'admin.persons.mfa.rule', { name: state.policy.name, retries: state.policy.maxRetries, seconds: state.policy.waitSeconds })
      : t('admin.persons.mfa.noRule'),
    action: personPath(person.name, 'unlock'),
    returnTo: personPath(person.name, 'mfa'),
    status: problem ? 400 : 200,
  });
}

/**
 * Option 9, MFA (`/admin/persons/:name/mfa`): the person's plan for each context (MFA, AOD,
 * P-R) in words, the lock of each counted factor, and Unlock (one factor, the password's
 * failures from every address, or everything) through unlockPerson, as the CLI and the API.
 */
export function personMfaPages(router: Router, { gate, services }: AdminConsoleDependencies): void {
  router.get('/persons/:name/mfa', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    const person = await personOrProblem(ctx, visit, services, ctx.params.name!);
    if (person) await renderMfa(ctx, visit, services, person);
  });

  router.post('/persons/:name/unlock', async (ctx) => {
    const visit = await gate.change(ctx);
    if (!visit) return;
    const person = await personOrProblem(ctx, visit, services, ctx.params.name!);
    if (!person) return;
    const factor = formText(visit.body, 'factor');
    try {
      const unlocked = await unlessGone(ctx, visit, person.name, async () => {
        await unlockPerson({ persons: services.persons, attempts: services.attempts }, person.name, factor === '' ? undefined : factor, { actor: visit.actor });
      });
      if (unlocked) redirectAfterChange(ctx, personPath(person.name, 'mfa'), factor === '' ? 'personUnlockedAll' : 'personUnlocked');
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      await renderMfa(ctx, visit, services, person, error.message);
    }
  });
}
