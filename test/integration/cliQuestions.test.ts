import { cliWorkDir, newDatabase, runGatehouse, runGatehouseJson, withDatabase, writeDocument, type Database } from '../support/gatehouseCli.ts';

let work: ReturnType<typeof cliWorkDir>;
let db: Database;

beforeAll(async () => {
  work = cliWorkDir();
  db = newDatabase();
  await runGatehouseJson(work.path, db, ['import', writeDocument(work.path, { persons: [{ name: 'PEPE' }] })]);
});
afterAll(() => work.remove());

const gatehouse = (args: string[], input?: string) => runGatehouse(work.path, db, args, { input });

const questions = [
  { question: 'Name of your first pet?', answer: 'Fido the Wonderdog' },
  { question: 'City where you were born?', answer: 'Valparaiso' },
];

test('questions are set from a file or standard input, listed without answers, and verified by the factor', async () => {
  const none = await gatehouse(['person', 'questions', 'pepe']);
  expect(none).toMatchObject({ code: 0, stdout: '"PEPE" has answered no private questions.\n' });

  const set = await gatehouse(['person', 'questions', 'PEPE', '--set', writeDocument(work.path, questions)]);
  expect(set.code).toBe(0);
  expect(set.stdout).toBe('Set 2 private question(s) of "PEPE":\n 1. Name of your first pet?\n 2. City where you were born?\n');

  const listed = await gatehouse(['person', 'questions', 'PEPE']);
  expect(listed.stdout).toBe('Private questions of "PEPE":\n 1. Name of your first pet?\n 2. City where you were born?\n');
  const json = await runGatehouseJson(work.path, db, ['person', 'questions', 'PEPE']);
  expect(json).toEqual({ name: 'PEPE', questions: [{ id: expect.any(String), text: 'Name of your first pet?' }, { id: expect.any(String), text: 'City where you were born?' }] });
  for (const output of [set.stdout, set.stderr, listed.stdout, JSON.stringify(json)]) {
    expect(output).not.toMatch(/wonderdog|valparaiso/i);
  }

  const [pet, city] = json.questions.map((question: { id: string }) => question.id);
  await withDatabase(db, async (services) => {
    const person = (await services.persons.findBySub((await services.persons.show('PEPE')).sub))!;
    expect(await services.questions.verify(person._id, { [pet]: 'fido the wonderdog', [city]: 'VALPARAISO' }, [pet, city])).toEqual({ outcome: 'success', amr: ['kba'] });
    const [entry] = await services.audit.list({ entity: 'person', entityId: person._id });
    expect(entry).toMatchObject({ action: 'set-questions', actor: { kind: 'cli' }, after: { questions_answered: 2 } });
  });

  const fromStdin = await gatehouse(['person', 'questions', 'PEPE', '--set', '-', '--json'], JSON.stringify([{ question: 'Favourite teacher?', answer: 'Mr Chips' }]));
  expect(fromStdin.code).toBe(0);
  expect(JSON.parse(fromStdin.stdout)).toEqual({ name: 'PEPE', questions: [{ id: expect.any(String), text: 'Favourite teacher?' }] });
  expect(fromStdin.stdout).not.toMatch(/chips/i);

  const cleared = await gatehouse(['person', 'questions', 'PEPE', '--set', '-'], '[]');
  expect(cleared).toMatchObject({ code: 0, stdout: 'Removed the private questions of "PEPE".\n' });
});

test('bad input is refused with a clear sentence and changes nothing', async () => {
  await gatehouse(['person', 'questions', 'PEPE', '--set', writeDocument(work.path, questions)]);
  for (const [args, input, message] of [
    [['person', 'questions', 'NOBODY'], '', 'There is no person "NOBODY".'],
    [['person', 'questions', 'PEPE', '--set', '-'], 'not json', 'standard input: not valid JSON'],
    [['person', 'questions', 'PEPE', '--set', '/nonexistent/questions.json'], '', '/nonexistent/questions.json: no such file.'],
    [['person', 'questions', 'PEPE', '--set', '-'], '{"question": "x"}', 'The questions must be a list of {"question": "...", "answer": "..."}.'],
    [['person', 'questions', 'PEPE', '--set', '-'], '[{"question": "Pet?", "answer": "  "}]', 'questions[1].answer: 1 to 200 characters (extra spaces not counted); got 0.'],
  ] as const) {
    const result = await gatehouse([...args], input);
    expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code: 1, stderr: expect.stringContaining(message) });
  }
  expect((await runGatehouseJson(work.path, db, ['person', 'questions', 'PEPE'])).questions).toHaveLength(2);
  // No answer on the command line: there is no option for one.
  const refused = await gatehouse(['person', 'questions', 'PEPE', '--answer', 'Fido']);
  expect(refused.code).toBe(2);
});
