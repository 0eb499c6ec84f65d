import { words } from '../../policy/planWords.ts';
import { typedText, type Factor, type StepState } from '../Factor.ts';
import { questionsMetadata } from './questionsMetadata.ts';

const askedIn = (state: StepState): string[] => (Array.isArray(state.questionIds) ? state.questionIds.filter((id): id is string => typeof id === 'string') : []);

/** Private questions: the class's number of them, chosen at random per step; all must be right. */
export const questionsFactor = {
  id: 'Qstn',
  amr: () => [...questionsMetadata.amr],
  displayName: 'factor.Qstn',
  partial: 'questions',
  autoSelectable: true,
  enrollableDuringSignIn: false,
  channels: [],
  configuredFor(person, policy) {
    if (policy.questionCount < 1) return { usable: false, reason: 'not-enough-answers', why: words('why.questions.noneAsked', { name: policy.name }) };
    if (person.questionsAnswered < policy.questionCount) return { usable: false, reason: 'not-enough-answers', why: words('why.questions.tooFew', { answered: person.questionsAnswered, needed: policy.questionCount }) };
    return { usable: true };
  },
  async challenge(ctx) {
    const picked = await ctx.services.questions.pick(ctx.person._id, ctx.policy?.questionCount ?? 1);
    return { questionIds: picked.map((question) => question.id) };
  },
  async present(ctx, state) {
    const texts = await ctx.services.questions.questionsOf(ctx.person._id);
    return { questions: askedIn(state).map((id) => ({ id, text: texts.find((question) => question.id === id)?.text ?? '' })) };
  },
  verify(ctx, state, input) {
    const asked = askedIn(state);
    return ctx.services.questions.verify(ctx.person._id, Object.fromEntries(asked.map((id) => [id, typedText(input, `answer_${id}`)])), asked);
  },
} satisfies Factor;
