import { answerMatches, hashAnswer } from '../../src/factors/questions/answerHash.ts';
import { normaliseAnswer, tidyQuestion } from '../../src/factors/questions/normaliseAnswer.ts';
import { checkQuestionAnswers, QuestionAnswersError, questionProblemText } from '../../src/factors/questions/questionAnswersInput.ts';
import { translator } from '../../src/i18n/translate.ts';

test.each([
  ['  Buenos   AIRES ', 'buenos aires'],
  ['Buenos\tAires\n', 'buenos aires'],
  ['ＭＡＤＲＩＤ', 'madrid'], // full-width letters (NFKC)
  ['Ｍａｄｒｉｄ　ｃｉｔｙ', 'madrid city'], // and an ideographic space
  ['ﬁdo', 'fido'], // the ﬁ ligature
  ['Jose\u0301', 'josé'], // a combining accent composes
  ['ÅNGSTRÖM', 'ångström'],
])('the answer %j compares as %j', (answer, normalised) => {
  expect(normaliseAnswer(answer)).toBe(normalised);
});

test('a question keeps its case; only its spaces are tidied', () => {
  expect(tidyQuestion('  Name of your   first PET? ')).toBe('Name of your first PET?');
});

test('questions and answers are checked, with messages naming the entry and never the answer', () => {
  const ok = checkQuestionAnswers([{ question: ' First   pet? ', answer: '  Fido ' }]);
  expect(ok).toEqual([{ question: 'First pet?', normalisedAnswer: 'fido' }]);
  const cases: [unknown, string][] = [
    [{}, 'The questions must be a list'],
    [Array.from({ length: 21 }, (_, i) => ({ question: `Question ${i}`, answer: 'a' })), 'At most 20 questions; got 21.'],
    [['x'], 'questions[1]: an object {"question": "...", "answer": "..."}.'],
    [[{ question: 'First pet?', answer: 'fido', hint: 'dog' }], 'questions[1].hint: not a field (question, answer).'],
    [[{ question: 'Hi', answer: 'secretanswer' }], 'questions[1].question: 3 to 200 characters; got 2.'],
    [[{ question: 'x'.repeat(201), answer: 'secretanswer' }], 'questions[1].question: 3 to 200 characters; got 201.'],
    [[{ question: 'First pet?', answer: '   ' }], 'questions[1].answer: 1 to 200 characters (extra spaces not counted); got 0.'],
    [[{ question: 'First pet?', answer: 'y'.repeat(201) }], 'questions[1].answer: 1 to 200 characters (extra spaces not counted); got 201.'],
    [[{ question: 'First pet?', answer: 7 }], 'questions[1].answer: the answer, as text.'],
    [[{ question: 'First pet?', answer: 'fido' }, { question: 'first  PET?', answer: 'rex' }], 'questions[2].question: the same question as questions[1].'],
  ];
  for (const [input, message] of cases) {
    let error: Error | undefined;
    try {
      checkQuestionAnswers(input);
    } catch (caught) {
      error = caught as Error;
    }
    expect(error?.message).toContain(message);
    expect(error?.message).not.toMatch(/secretanswer|fido|rex/);
  }
});

test('an answer hash: salted (two hashes of one answer differ), matches only its answer', async () => {
  const one = await hashAnswer('buenos aires');
  const two = await hashAnswer('buenos aires');
  expect(one).not.toBe(two);
  expect(one).toMatch(/^scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
  expect(one).not.toContain('buenos');
  expect(await answerMatches(one, 'buenos aires')).toBe(true);
  expect(await answerMatches(two, 'buenos aires')).toBe(true);
  expect(await answerMatches(one, 'buenos aire')).toBe(false);
  expect(await answerMatches('not a hash', 'buenos aires')).toBe(false);
});

/** Rows of a page that start at 5. */
const onThePage = (entry: number, part?: string) => `${part === 'answer' ? 'Respuesta' : 'Pregunta'} ${entry + 4}`;

test('a refusal carries its code: the problem (message key, entry, values), worded by a page in its language', () => {
  let error: unknown;
  try {
    checkQuestionAnswers([{ question: 'First pet?', answer: 'fido' }, { question: 'Second pet?', answer: ' ' }]);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(QuestionAnswersError);
  const { problem } = error as QuestionAnswersError;
  expect(problem).toEqual({ key: 'questions.answerLength', entry: 2, part: 'answer', values: { min: 1, max: 200, length: 0 } });
  expect((error as QuestionAnswersError).messageKey).toBe('questions.answerLength');
  expect(questionProblemText(translator('es'), problem, onThePage)).toBe('Respuesta 6: de 1 a 200 caracteres (sin contar los espacios de más); tiene 0.');
});
