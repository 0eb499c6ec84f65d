import type Router from '@koa/router';
import type { Context } from 'koa';
import type { PersonView } from '../../directory/personInput.ts';
import { InvalidInputError } from '../../errors/GatehouseError.ts';
import { describeQuestionProblem, questionRowCount, questionsAskedBy, readQuestionRows } from '../../factors/questions/questionForm.ts';
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
  const needed = Math.max(1, questionsAskedBy(policy));
  return { texts: texts.map((question) => question.text), asked, needed, rows: questionRowCount(needed, texts.length) };
}

/** What the set form shows again after a refusal: the status, the message and the questions typed (never the answers). */
type SetForm = { status: number; error: string; typed: Record<number, string> };

async function renderQuestions(ctx: Context, visit: AdminVisit, services: Services, person: PersonView, view: 'questions' | 'clearQuestions', refused?: SetForm) {
  const { t } = visit;
  const { texts, asked, needed, rows } = await questionsOf(services, visit, person);
  await renderAdmin(ctx, visit, `persons/${view}`, {
    ...(refused ? { status: refused.status } : {}),
    error: refused?.error,
    setLead: t('admin.persons.questions.setLead', { count: needed }),
    setAction: personPath(person.name, 'questions'),
    setRows: Array.from({ length: rows }, (_unused, index) => ({
      n: index + 1,
      question: refused?.typed[index + 1] ?? '',
      questionLabel: t('account.questions.question', { n: index + 1 }),
      answerLabel: t('account.questions.answer', { n: index + 1 }),
    })),
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
 * person is told by email as when the API sets them; the set form replaces them with
 * questions and answers the admin types (the API's PUT), checked by the same service.
 */
export function personQuestionsPages(router: Router, { gate, services }: AdminConsoleDependencies): void {
  router.get('/persons/:name/questions', async (ctx) => {
    const visit = await gate.page(ctx);
    if (!visit) return;
    const person = await personOrProblem(ctx, visit, services, ctx.params.name!);
    if (person) await renderQuestions(ctx, visit, services, person, 'questions');
  });

  router.post('/persons/:name/questions', async (ctx) => {
    const visit = await gate.change(ctx);
    if (!visit) return;
    const person = await personOrProblem(ctx, visit, services, ctx.params.name!);
    if (!person) return;
    const { t } = visit;
    const { needed, rows } = await questionsOf(services, visit, person);
    const filled = readQuestionRows(visit.body, rows);
    const typed = Object.fromEntries(filled.map(({ row, question }) => [row, question]));
    if (filled.length < needed) return renderQuestions(ctx, visit, services, person, 'questions', { status: 400, error: t('admin.persons.questions.tooFew', { count: needed }), typed });
    try {
      const set = await unlessGone(ctx, visit, person.name, async () => {
        await services.questions.setAnswers(person.sub, filled.map(({ question, answer }) => ({ question, answer })), { actor: visit.actor });
        const stored = await services.persons.findBySub(person.sub);
        if (stored) await services.factorNotices.send(stored, 'questions-changed', { by: 'administrator' });
      });
      if (set) redirectAfterChange(ctx, personPath(person.name, 'questions'), 'questionsSet');
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      await renderQuestions(ctx, visit, services, person, 'questions', { status: 400, error: t('admin.persons.questions.invalid', { detail: describeQuestionProblem(error, filled, t) }), typed });
    }
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
