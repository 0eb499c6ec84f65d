import Router from '@koa/router';
import Koa from 'koa';
import request from 'supertest';
import { createAccountSessions } from '../../src/account/accountSessions.ts';
import { createAccountSession } from '../../src/account/createAccountSession.ts';
import { createFirstPartySession, type SessionProblem } from '../../src/http/firstPartySession.ts';
import { createFirstPartySessions } from '../../src/http/firstPartySessions.ts';
import { createLogger } from '../../src/logging/createLogger.ts';
import type { Services } from '../../src/services.ts';
import { newMasterKey, openTestServices, testConfig, testDatabaseUri } from '../support/testGatehouse.ts';

// The account page's browser sign-in, used by a second page with parameters of its own
// (what the admin view will do): its client, cookies, collection and a required acr.

let services: Services;
const config = testConfig({ mongodbUri: testDatabaseUri(), masterKey: newMasterKey() });
const aod = 'urn:gatehouse:acr:aod';

const staffOptions = {
  clientId: 'gatehouse-staff-test',
  clientName: 'Staff page (test)',
  pageName: 'staff page',
  basePath: '/staff',
  cookies: { session: 'gatehouse.staff', signIn: 'gatehouse.staff_signin' },
  sealContext: 'staff-sign-in',
  maxAgeMs: 5 * 60 * 1000,
  requiredAcr: aod,
  returnTo: { signedIn: '/staff', reauthenticated: '/staff?again=1', signedOut: '/staff/bye' },
};

function staffPage() {
  const sessions = createFirstPartySessions(services.store.connection, { collection: 'staff_sessions', lifetimeSeconds: 600 });
  const session = createFirstPartySession(staffOptions, { issuer: config.issuer, secretBox: services.secretBox, clients: services.clients, persons: services.persons, sessions, logger: createLogger('silent') });
  const refused: SessionProblem[] = [];
  const router = new Router({ prefix: '/staff' });
  session.routes(router, async (ctx, status, problem) => {
    refused.push(problem);
    ctx.status = status;
    ctx.body = problem;
  });
  const app = new Koa();
  app.use(router.routes());
  return { session, sessions, refused, app };
}

beforeAll(async () => {
  services = await openTestServices(config);
});

afterAll(async () => {
  await services.store.close();
});

test('prepare registers the page as a first-party client calling back under its own path', async () => {
  const { session } = staffPage();
  await session.prepare();
  const client = (await services.clients.list()).find((entry) => entry.client_id === staffOptions.clientId);
  expect(client).toMatchObject({ first_party: true, admin_api: false, client_name: 'Staff page (test)', redirect_uris: [`${config.issuer}/staff/callback`], token_endpoint_auth_method: 'client_secret_basic' });
});

test('the sign-in asks for the required acr, as the page\'s client, with the page\'s cookie and path', async () => {
  const { app } = staffPage();
  const response = await request(app.callback()).get('/staff/reauthenticate');
  expect(response.status).toBe(303);
  const location = new URL(response.headers.location!);
  expect(`${location.origin}${location.pathname}`).toBe(`${config.issuer}/auth`);
  expect(Object.fromEntries(location.searchParams)).toMatchObject({ client_id: staffOptions.clientId, redirect_uri: `${config.issuer}/staff/callback`, acr_values: aod, code_challenge_method: 'S256' });
  const [cookie] = response.headers['set-cookie'] as unknown as string[];
  expect(cookie).toMatch(/^gatehouse\.staff_signin=v1\./);
  expect(cookie).toContain('Path=/staff;');
});

test('the account page asks for no acr: its sign-in is the class\'s ordinary one', async () => {
  const account = createAccountSession({ config, services, logger: createLogger('silent') });
  const router = new Router({ prefix: '/account' });
  account.routes(router, async () => {});
  const app = new Koa().use(router.routes());
  const response = await request(app.callback()).get('/account/reauthenticate');
  expect(new URL(response.headers.location!).searchParams.has('acr_values')).toBe(false);
});

test('a session of the account page is no session of another page, and a callback without its pending sign-in is refused', async () => {
  const { app, sessions, refused } = staffPage();
  const accountSessionId = await createAccountSessions(services.store.connection).open({ sub: 'someone', authTime: new Date(), amr: ['pwd'] });
  expect(await createAccountSessions(services.store.connection).find(accountSessionId)).toMatchObject({ sub: 'someone' });
  expect(await sessions.find(accountSessionId)).toBeUndefined();

  const callback = await request(app.callback()).get('/staff/callback?code=x&state=y').set('Cookie', `gatehouse.staff=${accountSessionId}`);
  expect(callback.status).toBe(400);
  expect(refused).toEqual(['expired']);

  const signOut = await request(app.callback()).post('/staff/sign-out').set('Cookie', `gatehouse.staff=${accountSessionId}`);
  expect(signOut.status).toBe(303);
  expect(signOut.headers.location).toBe('/staff/bye');
  // Signing out of the other page left the account page's session alone.
  expect(await createAccountSessions(services.store.connection).find(accountSessionId)).toMatchObject({ sub: 'someone' });
});
