import { providerAnswers, providerRouteExamples } from '../../src/oidc/providerRoutes.ts';
import { startTestGatehouse } from '../support/testGatehouse.ts';

// Only the provider's own paths reach oidc-provider; every other path nobody serves is a
// 404 page in the card layout, or JSON for a request that prefers it. Each route of the
// provider's table still gets the provider's answer (never the 404), and every endpoint
// the discovery document advertises is in the table.

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
});

afterAll(async () => {
  await gatehouse?.stop();
});

const isOurNotFound = (status: number, body: string) => status === 404 && (body.includes('Page not found') || body.includes('"not_found"'));

test('an unknown path is a styled 404 page in the request\'s language, with the way home', async () => {
  for (const path of ['/nope', '/nope/deeper', '/favicon.ico', '/account/nope', '/register/x/y', '/interaction']) {
    const response = await fetch(`${gatehouse.url}${path}`, { headers: { accept: 'text/html' } });
    const body = await response.text();
    expect({ path, status: response.status, type: response.headers.get('content-type') }).toEqual({ path, status: 404, type: 'text/html; charset=utf-8' });
    expect(body).toContain('<link rel="stylesheet" href="/assets/gatehouse.css">');
    expect(body).toContain('<h1>Page not found</h1>');
    expect(body).toContain('href="/"');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
  }
  const spanish = await fetch(`${gatehouse.url}/nope`, { headers: { accept: 'text/html', 'accept-language': 'es-ES,es;q=0.9' } });
  expect(await spanish.text()).toContain('<h1>Página no encontrada</h1>');
});

test('a request that prefers JSON gets {"error":"not_found"}', async () => {
  const response = await fetch(`${gatehouse.url}/nope`, { headers: { accept: 'application/json' } });
  expect(response.status).toBe(404);
  expect(await response.json()).toEqual({ error: 'not_found', error_description: 'There is nothing at this address.' });
});

test('/admin/nope is the admin view\'s own 404 page', async () => {
  const response = await fetch(`${gatehouse.url}/admin/nope`, { headers: { accept: 'text/html' } });
  const body = await response.text();
  expect(response.status).toBe(404);
  expect(body).toContain('/assets/admin.css');
});

test('a provider path with a method the provider does not answer is the 404 too (GET /token, POST /jwks)', async () => {
  expect(isOurNotFound((await fetch(`${gatehouse.url}/token`)).status, await (await fetch(`${gatehouse.url}/token`)).text())).toBe(true);
  const post = await fetch(`${gatehouse.url}/jwks`, { method: 'POST', headers: { accept: 'application/json' } });
  expect(isOurNotFound(post.status, await post.text())).toBe(true);
});

test.each(providerRouteExamples.flatMap((route) => route.methods.map((method) => [method, route.example] as const)))('%s %s reaches the provider', async (method, path) => {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (method === 'OPTIONS') Object.assign(headers, { origin: 'https://rp.example', 'access-control-request-method': 'POST' });
  const response = await fetch(`${gatehouse.url}${path}`, { method, headers, redirect: 'manual' });
  await response.arrayBuffer();
  // Neither the 404 page nor the provider's own "Not Found" for a route it does not have.
  expect({ method, path, notFound: response.status === 404 }).toEqual({ method, path, notFound: false });
});

test('the provider\'s router ignores case and one trailing slash: so does the table', async () => {
  expect(providerAnswers('GET', '/JWKS/')).toBe(true);
  expect(providerAnswers('GET', '/auth/abc')).toBe(true);
  expect(providerAnswers('GET', '/auth/abc/def')).toBe(false);
  expect(providerAnswers('GET', '/auth/')).toBe(true);
  const response = await fetch(`${gatehouse.url}/JWKS/`);
  expect(response.status).toBe(200);
  expect(((await response.json()) as { keys: unknown[] }).keys.length).toBeGreaterThan(0);
});

test('every endpoint of the discovery document is a path the provider is handed', async () => {
  const discovery = (await (await fetch(`${gatehouse.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
  const endpoints = Object.entries(discovery).filter(([key, value]) => (key.endsWith('_endpoint') || key === 'jwks_uri') && typeof value === 'string');
  expect(endpoints.length).toBeGreaterThanOrEqual(8);
  for (const [key, url] of endpoints) {
    const { pathname } = new URL(url as string);
    expect({ key, answered: ['GET', 'POST'].some((method) => providerAnswers(method, pathname)) }).toEqual({ key, answered: true });
  }
});
