import type { FactorNotices } from '../delivery/createFactorNotices.ts';
import { maxPageSize } from '../directory/filterPersons.ts';
import { issueTemporaryPassword } from '../directory/issueTemporaryPassword.ts';
import type { PersonDirectory } from '../directory/personDirectory.ts';
import { noTimeLimit, type TemporaryPasswords } from '../directory/temporaryPasswords.ts';
import type { PasswordNotices } from '../delivery/createPasswordNotices.ts';
import type { AttemptLimiter } from '../factors/attempts/createAttemptLimiter.ts';
import { unlockPerson } from '../factors/attempts/unlockPerson.ts';
import type { PrivateQuestions } from '../factors/questions/createPrivateQuestions.ts';
import { personSchema } from '../directory/schemas/personSchema.ts';
import { AdminApiError } from './AdminApiError.ts';
import { adminApiPrefix, created, noContent, type AdminRoute } from './AdminRoute.ts';
import * as schemas from './apiSchemas/personApiSchemas.ts';
import { personListQuerySchema, planQuerySchema } from './apiSchemas/personQuerySchemas.ts';
import { actorOf } from './authenticateAdmin.ts';
import { bodyFields, bodyObject } from './readJsonBody.ts';
import { readQuery, wholeNumber, yesNo } from './readQuery.ts';

type Persons = Pick<PersonDirectory, 'add' | 'show' | 'list' | 'update' | 'rename' | 'delete' | 'setPassword' | 'plan' | 'findBySub'>;

const at = (name: string) => `/persons/${encodeURIComponent(name)}`;
const tag = 'Persons';

function requiredText(field: string, value: unknown): string {
  if (typeof value !== 'string') throw new AdminApiError(400, 'invalid_request', `${field}: required, a text.`);
  return value;
}

const refuse = (message: string) => new AdminApiError(400, 'invalid_request', message);

/**
 * Whether a password request asks for a temporary password: exactly one of `password` and
 * `temporary: true`, `minutes` (a JSON number) only with the latter; refused otherwise,
 * naming the field, before anything is looked up.
 */
function isTemporary(body: Partial<Record<'password' | 'temporary' | 'minutes', unknown>>): boolean {
  if (body.temporary !== undefined && body.temporary !== true) throw refuse(`temporary: true, or left out to give a password; got ${JSON.stringify(body.temporary)}.`);
  if (body.temporary && body.password !== undefined) throw refuse('password: not with "temporary": true; give either a password or "temporary": true.');
  if (!body.temporary && body.minutes !== undefined) throw refuse('minutes: only with "temporary": true.');
  if (!body.temporary && body.password === undefined) throw refuse('password: required, a text (or "temporary": true for a password made by Gatehouse).');
  if (body.minutes !== undefined && typeof body.minutes !== 'number') throw refuse(`minutes: a number of minutes from 1 to ${noTimeLimit} (${noTimeLimit} = no limit); got ${JSON.stringify(body.minutes)}.`);
  return body.temporary === true;
}

/**
 * "Work with Persons": list, add, show, change, rename, delete, set a password or issue a
 * temporary one, option 7 (private questions: their texts, never the answers) and option 9
 * (the plan, and unlock).
 */
export function personRoutes(
  persons: Persons,
  attempts: Pick<AttemptLimiter, 'unlock'>,
  questions: Pick<PrivateQuestions, 'questionsOf' | 'setAnswers'>,
  notices: Pick<FactorNotices, 'send'>,
  temporaryPasswords: Pick<TemporaryPasswords, 'issue' | 'minutesFor'>,
  passwordNotices: Pick<PasswordNotices, 'send'>,
): AdminRoute[] {
  return [
    {
      method: 'GET',
      path: '/persons',
      doc: { operationId: 'listPersons', summary: 'List persons, filtered, one page at a time', tag, query: personListQuerySchema, responses: { 200: { description: 'One page of persons, by name.', schema: schemas.personPageSchema } }, refusals: [400] },
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
      doc: { operationId: 'addPerson', summary: 'Add a person', tag, body: personSchema, example: { name: 'PEPE', default_user_id: 'pepe', password: 'correct horse battery', class: 'FULL', email: 'pepe@example.com', preferred_language: 'SPA' }, responses: { 201: { description: 'The new person.', schema: schemas.personViewSchema, location: true } }, refusals: [400, 409] },
      async handle(ctx) {
        const person = await persons.add(bodyObject(ctx), { actor: actorOf(ctx) });
        created(ctx, at(person.name), person);
      },
    },
    {
      method: 'GET',
      path: '/persons/:name',
      doc: { operationId: 'showPerson', summary: 'Show a person', tag, responses: { 200: { description: 'The person.', schema: schemas.personViewSchema } }, refusals: [404] },
      async handle(ctx) {
        ctx.body = await persons.show(ctx.params.name!);
      },
    },
    {
      method: 'PATCH',
      path: '/persons/:name',
      doc: { operationId: 'changePerson', summary: 'Change some fields of a person', tag, body: schemas.personChangesSchema, example: { cell_phone: '+34 600 000 000', enabled: false }, responses: { 200: { description: 'The changed person.', schema: schemas.personViewSchema } }, refusals: [400, 404, 409] },
      async handle(ctx) {
        ctx.body = await persons.update(ctx.params.name!, bodyObject(ctx), { actor: actorOf(ctx) });
      },
    },
    {
      method: 'DELETE',
      path: '/persons/:name',
      doc: { operationId: 'deletePerson', summary: 'Delete a person', description: 'Also ends the person\'s sessions and revokes its grants and tokens.', tag, responses: { 204: { description: 'Deleted.' } }, refusals: [404] },
      async handle(ctx) {
        await persons.delete(ctx.params.name!, { actor: actorOf(ctx) });
        noContent(ctx);
      },
    },
    {
      method: 'POST',
      path: '/persons/:name/rename',
      doc: {
        operationId: 'renamePerson',
        summary: 'Rename a person (option 3)',
        description: 'The sub, user IDs and tokens stay as they are.',
        tag,
        body: schemas.renameSchema,
        example: { new_name: 'PEPE2' },
        responses: { 200: { description: 'The renamed person.', schema: schemas.personViewSchema } },
        refusals: [400, 404, 409],
      },
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
      doc: {
        operationId: 'setPersonPassword',
        summary: 'Set a person\'s password, or issue a temporary one',
        description:
          'With `password`: that password (204). With `temporary: true`: a password made by Gatehouse replaces the person\'s, given in the answer this once (200); it signs in for `minutes` (default: the class\'s "Password must be changed in"; 999: no time limit), and at that sign-in the person chooses their own. Audited (`set-password`, `temporary-password`), never with the password.',
        tag,
        body: schemas.setPasswordSchema,
        example: { temporary: true, minutes: 60 },
        responses: { 200: { description: 'The temporary password, this once.', schema: schemas.temporaryPasswordSchema }, 204: { description: 'The password given was set.' } },
        refusals: [400, 404],
      },
      async handle(ctx) {
        const body = bodyFields(ctx, ['password', 'temporary', 'minutes']);
        if (isTemporary(body)) {
          const { issued } = await issueTemporaryPassword({ persons, temporaryPasswords, passwordNotices }, ctx.params.name!, { minutes: body.minutes, actor: actorOf(ctx) });
          ctx.body = issued;
          return;
        }
        await persons.setPassword(ctx.params.name!, requiredText('password', body.password), { actor: actorOf(ctx) });
        noContent(ctx);
      },
    },
    {
      method: 'GET',
      path: '/persons/:name/questions',
      doc: { operationId: 'listPersonQuestions', summary: 'The person\'s private questions (option 7), without the answers', tag, responses: { 200: { description: 'The question texts.', schema: schemas.personQuestionsSchema } }, refusals: [404] },
      async handle(ctx) {
        const person = await persons.show(ctx.params.name!);
        ctx.body = { name: person.name, questions: await questions.questionsOf(person.sub) };
      },
    },
    {
      method: 'PUT',
      path: '/persons/:name/questions',
      doc: {
        operationId: 'setPersonQuestions',
        summary: 'Replace the person\'s private questions and answers (option 7)',
        description: 'The body is the whole new set. The class\'s "Number of private questions" is how many one challenge asks: set at least that many. Audited (action `set-questions`) by count, never with the questions or answers.',
        tag,
        body: schemas.questionAnswersSchema,
        example: [{ question: 'Name of your first pet?', answer: 'Rex' }, { question: 'City where you were born?', answer: 'Cádiz' }],
        responses: { 200: { description: 'The new questions, without the answers.', schema: schemas.personQuestionsSchema } },
        refusals: [400, 404],
      },
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
      doc: { operationId: 'planPerson', summary: 'The person\'s factor plan in a context (option 9)', tag, query: planQuerySchema, responses: { 200: { description: 'The plan, as data and in words.', schema: schemas.planSchema } }, refusals: [400, 404] },
      async handle(ctx) {
        const query = readQuery(ctx, ['context']);
        const { plan, text } = await persons.plan(ctx.params.name!, query.context, Date.now());
        ctx.body = { plan, text };
      },
    },
    {
      method: 'POST',
      path: '/persons/:name/unlock',
      doc: {
        operationId: 'unlockPerson',
        summary: 'Lift the locks after too many failures (option 9, unlock)',
        description:
          'Clears the locks and the counted failures of one factor, or of every factor when no factor is given (the body may be left out). Emergency tokens share the TOTP lock; `password` clears the password failures from every client address. Audited (action `unlock`).',
        tag,
        body: schemas.unlockSchema,
        example: { factor: 'TOTP' },
        bodyOptional: true,
        responses: { 200: { description: 'What was cleared.', schema: schemas.unlockResultSchema } },
        refusals: [400, 404],
      },
      async handle(ctx) {
        // The body is optional: none, {} or a null factor unlocks every factor.
        const body = bodyFields(ctx, ['factor']);
        ctx.body = await unlockPerson({ persons, attempts }, ctx.params.name!, body.factor, { actor: actorOf(ctx) });
      },
    },
  ];
}
