import type { FactorNotices } from '../delivery/createFactorNotices.ts';
import { maxPageSize } from '../directory/filterPersons.ts';
import type { PersonDirectory } from '../directory/personDirectory.ts';
import type { AttemptLimiter } from '../factors/attempts/createAttemptLimiter.ts';
import { unlockPerson } from '../factors/attempts/unlockPerson.ts';
import type { PrivateQuestions } from '../factors/questions/createPrivateQuestions.ts';
import { AdminApiError } from './AdminApiError.ts';
import { adminApiPrefix, created, noContent, type AdminRoute } from './AdminRoute.ts';
import { actorOf } from './authenticateAdmin.ts';
import { bodyFields, bodyObject } from './readJsonBody.ts';
import { readQuery, wholeNumber, yesNo } from './readQuery.ts';

type Persons = Pick<PersonDirectory, 'add' | 'show' | 'list' | 'update' | 'rename' | 'delete' | 'setPassword' | 'plan' | 'findBySub'>;

const at = (name: string) => `/persons/${encodeURIComponent(name)}`;

function requiredText(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new AdminApiError(400, 'invalid_request', `${field}: required, a text.`);
  return value;
}

/**
 * "Work with Persons": list, add, show, change, rename, delete, set a password, option 7
 * (private questions: their texts, never the answers) and option 9 (the plan, and unlock).
 */
export function personRoutes(persons: Persons, attempts: Pick<AttemptLimiter, 'unlock'>, questions: Pick<PrivateQuestions, 'questionsOf' | 'setAnswers'>, notices: Pick<FactorNotices, 'send'>): AdminRoute[] {
  return [
    {
      method: 'GET',
      path: '/persons',
      async handle(ctx) {
        const query = readQuery(ctx, ['q', 'user_id', 'totp', 'questions', 'mfa', 'page', 'page_size']);
        const page = await persons.list({
          q: query.q,
          userId: query.user_id,
          totp: yesNo('totp', query.totp),
          questions: yesNo('questions', query.questions),
          mfa: yesNo('mfa', query.mfa),
          page: wholeNumber('page', query.page, 1, 1_000_000),
          pageSize: wholeNumber('page_size', query.page_size, 1, maxPageSize),
        });
        ctx.body = { items: page.items, total: page.total, page: page.page, page_size: page.pageSize };
      },
    },
    {
      method: 'POST',
      path: '/persons',
      async handle(ctx) {
        const person = await persons.add(bodyObject(ctx), { actor: actorOf(ctx) });
        created(ctx, at(person.name), person);
      },
    },
    {
      method: 'GET',
      path: '/persons/:name',
      async handle(ctx) {
        ctx.body = await persons.show(ctx.params.name!);
      },
    },
    {
      method: 'PATCH',
      path: '/persons/:name',
      async handle(ctx) {
        ctx.body = await persons.update(ctx.params.name!, bodyObject(ctx), { actor: actorOf(ctx) });
      },
    },
    {
      method: 'DELETE',
      path: '/persons/:name',
      async handle(ctx) {
        await persons.delete(ctx.params.name!, { actor: actorOf(ctx) });
        noContent(ctx);
      },
    },
    {
      method: 'POST',
      path: '/persons/:name/rename',
      async handle(ctx) {
        const body = bodyFields(ctx, ['new_name']);
        const person = await persons.rename(ctx.params.name!, requiredText('new_name', body.new_name), { actor: actorOf(ctx) });
        ctx.set('Content-Location', `${adminApiPrefix}${at(person.name)}`);
        ctx.body = person;
      },
    },
    {
      method: 'PUT',
      path: '/persons/:name/password',
      async handle(ctx) {
        const body = bodyFields(ctx, ['password']);
        await persons.setPassword(ctx.params.name!, requiredText('password', body.password), { actor: actorOf(ctx) });
        noContent(ctx);
      },
    },
    {
      method: 'GET',
      path: '/persons/:name/questions',
      async handle(ctx) {
        const person = await persons.show(ctx.params.name!);
        ctx.body = { name: person.name, questions: await questions.questionsOf(person.sub) };
      },
    },
    {
      method: 'PUT',
      path: '/persons/:name/questions',
      async handle(ctx) {
        // The body is the list itself, [{question, answer}], as `gatehouse person questions --set` reads it.
        const person = await persons.show(ctx.params.name!);
        const set = await questions.setAnswers(person.sub, ctx.request.body, { actor: actorOf(ctx) });
        const stored = await persons.findBySub(person.sub);
        if (stored) await notices.send(stored, 'questions-changed', { by: 'administrator' });
        ctx.body = { name: person.name, questions: set };
      },
    },
    {
      method: 'GET',
      path: '/persons/:name/plan',
      async handle(ctx) {
        const query = readQuery(ctx, ['context']);
        const { plan, text } = await persons.plan(ctx.params.name!, query.context, Date.now());
        ctx.body = { plan, text };
      },
    },
    {
      method: 'POST',
      path: '/persons/:name/unlock',
      async handle(ctx) {
        // The body is optional: none, {} or a null factor unlocks every factor.
        const body = bodyFields(ctx, ['factor']);
        ctx.body = await unlockPerson({ persons, attempts }, ctx.params.name!, body.factor, { actor: actorOf(ctx) });
      },
    },
  ];
}
