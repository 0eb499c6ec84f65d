import { personFacts } from '../../src/directory/personFacts.ts';
import type { Services } from '../../src/services.ts';
import { newMasterKey, openTestServices, testConfig, testDatabaseUri } from '../support/testGatehouse.ts';

let services: Services;
const admin = { kind: 'cli', id: 'tester' } as const;

beforeAll(async () => {
  services = await openTestServices(testConfig({ mongodbUri: testDatabaseUri(), masterKey: newMasterKey() }));
});
afterAll(async () => services?.store.close());

let counter = 0;
async function newPerson(): Promise<string> {
  counter += 1;
  return (await services.persons.add({ name: `QUESTIONS${counter}` })).sub;
}

const fiveQuestions = [
  { question: 'Name of your first pet?', answer: 'Fido' },
  { question: 'City where you were born?', answer: '  Buenos   Aires ' },
  { question: 'Favourite teacher?', answer: 'Señora Pérez' },
  { question: 'First car?', answer: 'SEAT 600' },
  { question: 'Street you grew up on?', answer: 'Calle Mayor' },
];

test('answers are normalised: case, spacing and Unicode forms do not matter; all asked must be right', async () => {
  const sub = await newPerson();
  const questions = await services.questions.setAnswers(sub, fiveQuestions, { actor: admin });
  expect(questions.map((question) => question.text)).toEqual(fiveQuestions.map((entry) => entry.question));
  expect(await services.questions.questionsOf(sub)).toEqual(questions);
  const [pet, city, teacher, car] = questions.map((question) => question.id) as [string, string, string, string];

  expect(await services.questions.verify(sub, { [pet]: 'fido', [city]: 'buenos aires' }, [pet, city])).toEqual({ outcome: 'success', amr: ['kba'] });
  expect((await services.questions.verify(sub, { [pet]: '  FIDO', [city]: 'BUENOS\tAIRES' }, [pet, city])).outcome).toBe('success');
  expect((await services.questions.verify(sub, { [teacher]: 'SEÑORA PE\u0301REZ', [car]: 'ＳＥＡＴ ６００' }, [teacher, car])).outcome).toBe('success');

  for (const answers of [
    { [pet]: 'fido', [city]: 'madrid' },
    { [pet]: 'rex', [city]: 'buenos aires' },
    { [pet]: 'fido' },
    { [pet]: 'fido', [city]: '' },
    { [pet]: 'fido', [city]: 'buenosaires' },
  ]) {
    expect(await services.questions.verify(sub, answers, [pet, city])).toEqual({ outcome: 'retry', reason: 'wrong-answers' });
  }
  // A question the person does not have (answers changed since it was asked) is wrong, too.
  expect(await services.questions.verify(sub, { [pet]: 'fido', gone: 'x' }, [pet, 'gone'])).toEqual({ outcome: 'retry', reason: 'wrong-answers' });
  // An answer to a question that was not asked proves nothing.
  expect(await services.questions.verify(sub, { [pet]: 'fido' }, [])).toEqual({ outcome: 'not-applicable', reason: 'not-enough-answers' });
});

test('a person without answers: not applicable; counted for the planner', async () => {
  const sub = await newPerson();
  expect(await services.questions.verify(sub, { any: 'thing' }, ['any'])).toEqual({ outcome: 'not-applicable', reason: 'not-enough-answers' });
  expect(services.questions.count((await services.persons.findBySub(sub))!)).toBe(0);
  await services.questions.setAnswers(sub, fiveQuestions.slice(0, 3), { actor: admin });
  const stored = (await services.persons.findBySub(sub))!;
  expect(services.questions.count(stored)).toBe(3);
  expect(personFacts(stored).questionsAnswered).toBe(3);
  expect((await services.persons.list({ questions: true })).items.map((person) => person.sub)).toContain(sub);
  await services.questions.setAnswers(sub, [], { actor: admin });
  expect(services.questions.count((await services.persons.findBySub(sub))!)).toBe(0);
  expect((await services.persons.list({ questions: false })).items.map((person) => person.sub)).toContain(sub);
  const entries = await services.audit.list({ entity: 'person', entityId: sub });
  expect(entries.filter((entry) => entry.action === 'set-questions').map((entry) => entry.after)).toEqual([
    { name: expect.any(String), questions_answered: 0 },
    { name: expect.any(String), questions_answered: 3 },
  ]);
});

test('setting new answers replaces the old ones', async () => {
  const sub = await newPerson();
  const [old] = await services.questions.setAnswers(sub, fiveQuestions.slice(0, 1));
  const [fresh] = await services.questions.setAnswers(sub, [{ question: 'Name of your first pet?', answer: 'Rex' }]);
  expect(fresh!.id).not.toBe(old!.id);
  expect((await services.questions.verify(sub, { [fresh!.id]: 'fido' }, [fresh!.id])).outcome).toBe('retry');
  expect((await services.questions.verify(sub, { [old!.id]: 'fido' }, [old!.id])).outcome).toBe('retry');
  expect((await services.questions.verify(sub, { [fresh!.id]: 'rex' }, [fresh!.id])).outcome).toBe('success');
  await expect(services.questions.setAnswers(sub, [{ question: 'Pet?', answer: 'a' }, { question: 'pet?', answer: 'b' }])).rejects.toThrow('questions[2].question: the same question as questions[1].');
  expect(await services.questions.questionsOf(sub)).toEqual([fresh]);
});

test('pick returns distinct questions at random, and refuses to ask more than there are', async () => {
  const sub = await newPerson();
  const questions = await services.questions.setAnswers(sub, fiveQuestions);
  const ids = questions.map((question) => question.id);
  const seen = new Set<string>();
  const subsets = new Set<string>();
  for (let round = 0; round < 60; round++) {
    const picked = await services.questions.pick(sub, 3);
    expect(picked).toHaveLength(3);
    expect(new Set(picked.map((question) => question.id)).size).toBe(3);
    for (const question of picked) {
      expect(ids).toContain(question.id);
      seen.add(question.id);
    }
    subsets.add(picked.map((question) => question.id).toSorted().join());
  }
  expect(seen.size).toBe(5);
  expect(subsets.size).toBeGreaterThan(3);
  // With a given random source the choice is reproducible (a Fisher–Yates shuffle taking the last candidate each time).
  const last = await services.questions.pick(sub, 2, (max) => max - 1);
  expect(last.map((question) => question.id)).toEqual([ids[4], ids[0]]);
  const first = await services.questions.pick(sub, 2, () => 0);
  expect(first.map((question) => question.id)).toEqual([ids[0], ids[1]]);
  expect((await services.questions.pick(sub, 5)).map((question) => question.id).toSorted()).toEqual(ids.toSorted());
  await expect(services.questions.pick(sub, 6)).rejects.toThrow('The person has answered 5 private questions; 6 cannot be asked.');
  await expect(services.questions.pick(sub, 0)).rejects.toThrow('a whole number from 1');
});

test('the database holds no answer in plain text', async () => {
  const sub = await newPerson();
  const answers = [
    { question: 'Secret word one?', answer: 'Zanzibar Quokka' },
    { question: 'Secret word two?', answer: 'xylophone' },
  ];
  await services.questions.setAnswers(sub, answers, { actor: admin });
  const db = services.store.connection.db!;
  for (const { name } of await db.listCollections().toArray()) {
    const dump = JSON.stringify(await db.collection(name).find().toArray()).toLowerCase();
    for (const word of ['zanzibar', 'quokka', 'xylophone']) expect({ collection: name, found: dump.includes(word) }).toEqual({ collection: name, found: false });
  }
  const stored = (await services.persons.findBySub(sub))!.questionAnswers!;
  for (const entry of stored) expect(entry.answerHash).toMatch(/^scrypt\$/);
});
