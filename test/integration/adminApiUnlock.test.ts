import { adminScriptToken, callAdminApi } from '../support/adminApi.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let token: string;
let sub: string;
const rule = { maxRetries: 2, waitSeconds: 999 };

const unlock = (name: string, body?: unknown) => callAdminApi(gatehouse.issuer, `/persons/${name}/unlock`, { token, method: 'POST', ...(body === undefined ? {} : { body }) });

async function lockEverything(): Promise<void> {
  for (const factor of ['TOTP', 'OTP', 'password:192.0.2.1'] as const) {
    await services.attempts.recordFailure(sub, factor, rule);
    await services.attempts.recordFailure(sub, factor, rule);
  }
}

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

test('POST /persons/{name}/unlock with a factor lifts that factor only, audited with the API client as actor', async () => {
  await lockEverything();
  const answer = await unlock('pepe', { factor: 'totp' });
  expect(answer.status).toBe(200);
  expect(answer.body).toEqual({ name: 'PEPE', sub, factor: 'TOTP', locks_cleared: 1, failures_cleared: 2 });
  expect(await services.attempts.status(sub, 'TOTP', rule)).toEqual({ locked: false, failures: 0, remaining: 2 });
  expect(await services.attempts.status(sub, 'OTP', rule)).toEqual({ locked: true });
  const [entry] = await services.audit.list({ entity: 'person', entityId: sub });
  expect(entry).toMatchObject({ action: 'unlock', actor: { kind: 'api-client', id: 'ops-script' }, after: { name: 'PEPE', factor: 'TOTP' } });
});

test('without a body (or with an empty one) every factor is unlocked, the password from every address too', async () => {
  // Left from the test before: the OTP and password locks (2 failures each); 2 TOTP failures
  // lock it again, and those at the factors still locked count for nothing.
  await lockEverything();
  expect((await unlock('PEPE')).body).toMatchObject({ factor: 'all', locks_cleared: 3, failures_cleared: 6 });
  for (const factor of ['TOTP', 'OTP', 'password:192.0.2.1']) expect(await services.attempts.status(sub, factor, rule)).toMatchObject({ locked: false });
  expect(await unlock('PEPE', {})).toMatchObject({ status: 200, body: { factor: 'all', locks_cleared: 0, failures_cleared: 0 } });
  expect(await unlock('PEPE', { factor: null })).toMatchObject({ status: 200, body: { factor: 'all' } });
});

test('an unknown factor or field is refused (400) and an unknown person is 404; nothing is unlocked or audited', async () => {
  await lockEverything();
  const before = (await services.audit.list({ entity: 'person', entityId: sub })).length;
  expect(await unlock('PEPE', { factor: 'Radius' })).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: expect.stringMatching(/^factor: one of TOTP, OTP, Qstn, DeviceAuth, password/) } });
  expect(await unlock('PEPE', { factors: 'TOTP' })).toMatchObject({ status: 400, body: { error_description: expect.stringMatching(/^factors: /) } });
  expect(await unlock('PEPE', ['TOTP'])).toMatchObject({ status: 400 });
  expect(await unlock('NOBODY', { factor: 'TOTP' })).toMatchObject({ status: 404, body: { error: 'not_found' } });
  expect(await services.attempts.status(sub, 'TOTP', rule)).toEqual({ locked: true });
  expect(await services.audit.list({ entity: 'person', entityId: sub })).toHaveLength(before);
});
