import { adminScriptToken, callAdminApi } from '../support/adminApi.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let token: string;
let sub: string;

const questions = (name: string, options: Parameters<typeof callAdminApi>[2] = {}) => callAdminApi(gatehouse.issuer, `/persons/${name}/questions`, { token, ...options });
const answers = [
  { question: 'First pet?', answer: 'Rex the Dog' },
  { question: 'Birth town?', answer: 'San Sebastián' },
];

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  token = await adminScriptToken(services, gatehouse.issuer);
  sub = (await services.persons.add({ name: 'PEPE' })).sub;
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
});

test('PUT /persons/{name}/questions replaces the set: the answers stored hashed, never answered back; audited with the API client', async () => {
  const answer = await questions('pepe', { method: 'PUT', body: answers });
  expect(answer.status).toBe(200);
  expect(answer.body).toEqual({ name: 'PEPE', questions: [{ id: expect.any(String), text: 'First pet?' }, { id: expect.any(String), text: 'Birth town?' }] });
  expect(JSON.stringify(answer.body)).not.toContain('Rex the Dog');

  expect((await services.questions.questionsOf(sub)).map((question) => question.text)).toEqual(['First pet?', 'Birth town?']);
  const raw = JSON.stringify(await services.store.connection.collection('persons').findOne({ _id: sub as never }));
  expect(raw.toLowerCase()).not.toContain('rex the dog');
  expect(raw.toLowerCase()).not.toContain('san sebastián');
  expect(await services.questions.verify(sub, Object.fromEntries(answer.body.questions.map((q: { id: string }, i: number) => [q.id, answers[i]!.answer])), answer.body.questions.map((q: { id: string }) => q.id))).toMatchObject({ outcome: 'success' });

  const [entry] = await services.audit.list({ entity: 'person', entityId: sub });
  expect(entry).toMatchObject({ action: 'set-questions', actor: { kind: 'api-client', id: 'ops-script' }, after: { questions_answered: 2 } });
});

test('GET /persons/{name}/questions gives the question texts only', async () => {
  const answer = await questions('PEPE');
  expect(answer.status).toBe(200);
  expect(answer.body).toEqual({ name: 'PEPE', questions: (await services.questions.questionsOf(sub)).map(({ id, text }) => ({ id, text })) });
  expect(JSON.stringify(answer.body)).not.toMatch(/Rex|answer|scrypt/i);
});

test('invalid lists are refused (400) naming the entry, an unknown person is 404; nothing changes', async () => {
  const before = await services.questions.questionsOf(sub);
  const refused = async (body: unknown) => {
    const answer = await questions('PEPE', { method: 'PUT', body });
    return { status: answer.status, error: answer.body.error, description: answer.body.error_description };
  };
  expect(await refused({ question: 'x', answer: 'y' })).toMatchObject({ status: 400, error: 'invalid_request', description: expect.stringMatching(/must be a list/) });
  expect(await refused([{ question: 'Hi?', answer: '' }])).toMatchObject({ status: 400, description: expect.stringMatching(/^questions\[1\]\.answer: /) });
  expect(await refused([{ question: 'Same?', answer: 'a' }, { question: 'SAME?', answer: 'b' }])).toMatchObject({ status: 400, description: expect.stringMatching(/^questions\[2\]\.question: the same question/) });
  expect(await refused([{ question: 'Pet?', answer: 'a', hint: 'b' }])).toMatchObject({ status: 400, description: expect.stringMatching(/^questions\[1\]\.hint: /) });
  expect((await questions('NOBODY', { method: 'PUT', body: answers })).status).toBe(404);
  expect((await questions('NOBODY')).status).toBe(404);
  expect(await services.questions.questionsOf(sub)).toEqual(before);
});

test('an empty list removes the questions', async () => {
  const answer = await questions('PEPE', { method: 'PUT', body: [] });
  expect(answer.body).toEqual({ name: 'PEPE', questions: [] });
  expect((await questions('PEPE')).body.questions).toEqual([]);
});
