import request from 'supertest';
import { adminSessionCollection } from '../../src/store/repositories/firstPartySessionRepository.ts';
import { createFirstPartySessions } from '../../src/http/firstPartySessions.ts';
import type { Services } from '../../src/services.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

// The admin view's gate, request by request, on a running Gatehouse: sessions opened
// straight in its collection (as its callback opens them) with the elevation, role and
// idleness each case needs; the browser sign-in itself is in test/e2e/adminConsole.test.ts.

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Services;
let sessions: ReturnType<typeof createFirstPartySessions>;
const aod = 'urn:gatehouse:acr:aod';
const minutes = (n: number) => n * 60 * 1000;
let adaSub: string;
let bobSub: string;

beforeAll(async () => {
  gatehouse = await startTestGatehouse({ config: { admin: { elevationSeconds: 900, idleSeconds: 1800, setupLinkRemote: false, homeRefreshSeconds: 300 } } });
  services = await openTestServices(gatehouse.config);
  sessions = createFirstPartySessions(services.store.connection, { collection: adminSessionCollection, lifetimeSeconds: 8 * 3600, idleSeconds: 1800 });
  await services.classes.add({ name: 'ADMINS', mfa_device: 'S', no_screen_channel: 'E', question_count: 0, max_retries: 3, wait_seconds: 60, factors: { MFA: { TOTP: 1 }, AOD: { TOTP: 1 } } });
  adaSub = (await services.persons.add({ name: 'ADA', class: 'ADMINS', password: 'correct horse battery', roles: ['admin'] })).sub;
  bobSub = (await services.persons.add({ name: 'BOB', class: 'ADMINS', password: 'correct horse battery' })).sub;
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
});

/** A session of the admin view as its callback would open it, `ageMs` after the sign-in. */
async function sessionOf(sub: string, { ageMs = 0, acr = aod, now = Date.now() }: { ageMs?: number; acr?: string; now?: number } = {}) {
  const id = await sessions.open({ sub, authTime: new Date(now - ageMs), amr: ['pwd', 'otp'], acr }, now - ageMs);
  return `gatehouse.admin=${id}`;
}

const get = (path: string, cookie?: string) => {
  const call = request(gatehouse.url).get(path).set('Accept', 'text/html');
  return cookie ? call.set('Cookie', cookie) : call;
};

test('without a session the admin view sends the browser to sign in at the elevated level, and comes back to the page asked for', async () => {
  const response = await get('/admin?from=test');
  expect(response.status).toBe(303);
  const to = new URL(response.headers.location!);
  expect(to.pathname).toBe('/auth');
  expect(to.searchParams.get('client_id')).toBe('gatehouse-admin');
  expect(to.searchParams.get('acr_values')).toBe(aod);
  expect(to.searchParams.get('prompt')).toBeNull();
  expect(String(response.headers['set-cookie'])).toContain('gatehouse.admin_signin=');
  expect(response.headers['cache-control']).toBe('no-store');
});

test('an admin with an elevation younger than ADMIN_ELEVATION_TTL gets the console; an older one steps up again (prompt=login)', async () => {
  const fresh = await get('/admin', await sessionOf(adaSub, { ageMs: minutes(5) }));
  expect(fresh.status).toBe(200);
  expect(fresh.text).toContain('Signed in as ADA');
  // 16 minutes is within ADMIN_IDLE_TTL here (30): the session lives on; its elevation (15) does not.
  const old = await get('/admin', await sessionOf(adaSub, { ageMs: minutes(16) }));
  expect(old.status).toBe(303);
  const to = new URL(old.headers.location!);
  expect(to.searchParams.get('prompt')).toBe('login');
  expect(to.searchParams.get('acr_values')).toBe(aod);
});

test('a session idle for longer than ADMIN_IDLE_TTL has ended: the next page asks to sign in again', async () => {
  const now = Date.now();
  // In use 29 minutes after it opened: it lives on, and that request counts as use.
  const used = await sessionOf(adaSub, { now: now - minutes(29) });
  expect(await sessions.find(used.split('=')[1], now)).toBeDefined();
  expect(await sessions.find(used.split('=')[1], now + minutes(29))).toBeDefined();
  // Untouched for 31 minutes: ended, and gone from the store.
  const cookie = await sessionOf(adaSub, { now: now - minutes(31) });
  expect(await sessions.find(cookie.split('=')[1], now)).toBeUndefined();
  const form = await request(gatehouse.url).post('/admin/sign-out').set('Cookie', cookie).set('Origin', gatehouse.url).type('form').send({ csrf: 'x' });
  expect(form.headers.location).toBe('/admin/signed-out');
  const page = await get('/admin', cookie);
  expect(page.status).toBe(303);
  expect(new URL(page.headers.location!).searchParams.get('prompt')).toBeNull();
});

test('a person without the admin role gets a 403 page, never the console; losing the role closes it at the next request', async () => {
  const refused = await get('/admin', await sessionOf(bobSub));
  expect(refused.status).toBe(403);
  expect(refused.text).toContain('does not have the admin role');
  expect(refused.text).not.toContain('aria-label="Admin sections"');
  const cookie = await sessionOf(adaSub);
  expect((await get('/admin', cookie)).status).toBe(200);
  await services.persons.update('ADA', { roles: [] });
  try {
    expect((await get('/admin', cookie)).status).toBe(403);
  } finally {
    await services.persons.update('ADA', { roles: ['admin'] });
  }
});

test('a session short of the elevated level steps up before the console opens', async () => {
  const response = await get('/admin', await sessionOf(adaSub, { acr: 'urn:gatehouse:acr:mfa' }));
  expect(response.status).toBe(303);
  expect(new URL(response.headers.location!).searchParams.get('acr_values')).toBe(aod);
});

test('a form without the session\'s CSRF token, or from another origin, changes nothing', async () => {
  const cookie = await sessionOf(adaSub);
  const noToken = await request(gatehouse.url).post('/admin/sign-out').set('Cookie', cookie).set('Origin', gatehouse.url).type('form').send({ csrf: 'wrong' });
  expect(noToken.status).toBe(403);
  const foreign = await request(gatehouse.url).post('/admin/sign-out').set('Cookie', cookie).set('Origin', 'https://evil.example').type('form').send({});
  expect(foreign.status).toBe(403);
  expect((await get('/admin', cookie)).status).toBe(200);
});

test('signing out ends the session and offers the provider\'s logout', async () => {
  const cookie = await sessionOf(adaSub);
  const home = await get('/admin', cookie);
  const csrf = /name="csrf" value="([^"]+)"/.exec(home.text)![1]!;
  const out = await request(gatehouse.url).post('/admin/sign-out').set('Cookie', cookie).set('Origin', gatehouse.url).type('form').send({ csrf });
  expect(out.status).toBe(303);
  expect(out.headers.location).toBe('/admin/signed-out');
  expect((await get('/admin', cookie)).status).toBe(303);
  const bye = await get('/admin/signed-out');
  expect(bye.text).toContain('/session/end?client_id=gatehouse-admin');
});

test('an unknown page of the admin view is a styled 404; the admin API keeps its JSON answers', async () => {
  const page = await get('/admin/nowhere', await sessionOf(adaSub));
  expect(page.status).toBe(404);
  expect(page.text).toContain('There is nothing here.');
  expect(page.text).toContain('/assets/admin.css');
  const api = await request(gatehouse.url).get('/admin/api/nowhere');
  expect(api.status).toBe(404);
  expect(api.type).toBe('application/json');
});
