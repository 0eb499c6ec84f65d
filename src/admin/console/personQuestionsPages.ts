import type Router from '@koa/router';
import type { Context } from 'koa';
import type { PersonView } from '../../directory/personInput.ts';
import type { AdminConsoleDependencies } from './AdminConsoleDependencies.ts';
import type { AdminVisit } from './AdminVisit.ts';
import { doneNotice, redirectAfterChange, renderAdmin } from './adminPages.ts';
import { personOptions } from './personOptions.ts';
import { personOrProblem, unlessGone } from './personOrProblem.ts';
import { personPath } from './personPath.ts';

type Services = AdminConsoleDependencies['services'];

/** The person's question texts (never the answers) and what their class asks, in words. */
async function questionsOf(services: Services, visit: AdminVisit, person: PersonView) {
  const { t } = visit;
  const [texts, stored] = await Promise.all([services.questions.questionsOf(person.sub), services.persons.findBySub(person.sub)]);
  const policy = stored ? (await services.persons.planFor(stored, 'MFA', visit.now)).policy : undefined;
  const asked = !policy
    ? t('admin.persons.questions.noClass')
    : policy.questionCount === 0
      ? t('admin.persons.questions.classAsksNone', { name: policy.name })
      : t(policy.questionCount === 1 ? 'admin.persons.questions.classAsksOne' : 'admin.persons.questions.classAsks', { name: policy.name, count: policy.questionCount });
  return { texts: texts.map((question) => question.text), asked };
}

async function renderQuestions(ctx: Context, visit: AdminVisit, services: Services, person: PersonView, view: 'questions' | 'clearQuestions') {
  const { t } = visit;
  const { texts, asked } = await questionsOf(services, visit, person);
  await renderAdmin(ctx, visit, `persons/${view}`, {
    title: t(view === 'questions' ? 'admin.persons.questions.title' : 'admin.persons.questions.clearTitle', { name: person.name }),
    notice: doneNotice(ctx, t),
    person: { name: person.name, href: personPath(person.name), questionsHref: personPath(person.name, 'questions') },
    options: personOptions(t, person.name, 7),
    texts,
    count: t(texts.length === 1 ? 'admin.persons.questions.countOne' : 'admin.persons.questions.count', { count: texts.length }),
    asked,
    clearHref: texts.length > 0 ? personPath(person.name, 'questions/clear') : undefined,
    action: personPath(person.name, 'questions/clear'),
  });
}

/**
 * Option 7, Questions (`/admin/persons/:name/questions`): which private questions are set
 * (their texts, never the answers) and how many the class asks; "Clear them" goes through
 * a confirmation page and sets the empty list (questions.setAnswers), audited, and the
 * person is told by email as when the API sets them.
 */
export function personQuestionsPages(router: Router, { gate, services }: AdminConsoleDependencies): void {
  router.get('/persons/:name/questions', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    const person = await personOrProblem(ctx, visit, services, ctx.params.name!);
    if (person) await renderQuestions(ctx, visit, services, person, 'questions');
  });

  router.get('/persons/:name/questions/clear', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    const person = await personOrProblem(ctx, visit, services, ctx.params.name!);
    if (person) await renderQuestions(ctx, visit, services, person, 'clearQuestions');
  });

  router.post('/persons/:name/questions/clear', async (ctx) => {
    const visit = await gate.change(ctx);
    if (!visit) return;
    const person = await personOrProblem(ctx, visit, services, ctx.params.name!);
    if (!person) return;
    const cleared = await unlessGone(ctx, visit, person.name, async () => {
      await services.questions.setAnswers(person.sub, [], { actor: visit.actor });
      const stored = await services.persons.findBySub(person.sub);
      if (stored) await services.factorNotices.send(stored, 'questions-changed', { by: 'administrator' });
    });
    if (cleared) redirectAfterChange(ctx, personPath(person.name, 'questions'), 'questionsCleared');
  });
}
