import { gzipSync } from 'node:zlib';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging/createLogger.ts';
import type { Services } from '../../src/services.ts';
import { startGatehouse, type RunningGatehouse } from '../../src/startGatehouse.ts';
import { adminScriptToken } from '../support/adminApi.ts';
import { FormBrowser } from '../support/formBrowser.ts';
import { discoverRelyingParty, redirectUri, startAuthorization } from '../support/relyingParty.ts';
import { freePort, newMasterKey, openTestServices, testConfig, testDatabaseUri } from '../support/testGatehouse.ts';

/**
 * A body that is not what its headers say gets a 4xx that names the problem — never a 500
 * and never an error-level log line — on every route that reads a body of ours: the
 * sign-in forms, the account page, the registration page and the admin API.
 */
let gatehouse: RunningGatehouse;
let services: Services;
let issuer: string;
let loginAction: string;
let adminToken: string;
const levels: number[] = [];

beforeAll(async () => {
  const port = await freePort();
  const config = testConfig({ mongodbUri: testDatabaseUri(), masterKey: newMasterKey(), port, issuer: `http://127.0.0.1:${port}`, logLevel: 'info' });
  const sink = new Writable({
    write(chunk, _encoding, done) {
      levels.push((JSON.parse(String(chunk)) as { level: number }).level);
      done();
    },
  });
  gatehouse = await startGatehouse(config, createLogger('info', sink));
  issuer = config.issuer;
  services = await openTestServices(config);
  const { clientSecret } = await services.clients.add({ client_id: 'app', redirect_uris: [redirectUri], first_party: true });
  const browser = new FormBrowser(redirectUri);
  await browser.open((await startAuthorization(await discoverRelyingParty(issuer, 'app', clientSecret))).url.toString());
  loginAction = new URL(browser.formAction('/login'), issuer).toString();
  adminToken = await adminScriptToken(services, issuer);
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
});

const form = 'username=a&password=b';
const cases = [
  ['gzip that is not gzip', { 'content-encoding': 'gzip' }, Buffer.from(form), 400, 'not encoded as its Content-Encoding header says'],
  ['deflate that is not deflate', { 'content-encoding': 'deflate' }, Buffer.from(form), 400, 'not encoded as its Content-Encoding header says'],
  ['brotli that is cut short', { 'content-encoding': 'br' }, Buffer.from([0x1b, 0x03]), 400, 'not encoded as its Content-Encoding header says'],
  ['an encoding nobody supports', { 'content-encoding': 'compress' }, Buffer.from(form), 415, 'Content-Encoding is not supported'],
] as const;

const formRoutes = () => [loginAction, `${issuer}/account/questions`, `${issuer}/register`];

test.each(cases)('a form with %s: a 4xx naming the problem on every form route', async (_name, headers, body, status, message) => {
  for (const url of formRoutes()) {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: issuer, ...headers }, body });
    expect({ url, status: response.status }).toEqual({ url, status });
    expect(await response.text()).toContain(message);
  }
});

test.each(cases)('the admin API with %s: a 4xx with a JSON error', async (_name, headers, body, status, message) => {
  const response = await fetch(`${issuer}/admin/api/persons`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', ...headers },
    body,
  });
  expect(response.status).toBe(status);
  const answer = (await response.json()) as { error: string; error_description: string };
  expect(answer.error).toBe('invalid_request');
  expect(answer.error_description).toContain(message);
});

test('a form too large: 413; a real gzip body is read', async () => {
  const large = await fetch(loginAction, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: issuer }, body: `x=${'a'.repeat(40_000)}` });
  expect(large.status).toBe(413);
  // A well-formed gzip body is accepted and read (the CSRF token it lacks is then what refuses it).
  const gzipped = await fetch(loginAction, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip', origin: issuer }, body: gzipSync(form) });
  expect(gzipped.status).toBe(403);
  expect(await gzipped.text()).toContain('sign-in form has expired or was not sent from the sign-in page');
});

test('none of it was a server error in the log', () => {
  expect(levels.length).toBeGreaterThan(0);
  expect(levels.filter((level) => level >= 50)).toEqual([]);
});
