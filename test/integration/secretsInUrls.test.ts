import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging/createLogger.ts';
import type { Services } from '../../src/services.ts';
import { startGatehouse, type RunningGatehouse } from '../../src/startGatehouse.ts';
import { FormBrowser } from '../support/formBrowser.ts';
import { freePort, newMasterKey, openTestServices, testConfig, testDatabaseUri } from '../support/testGatehouse.ts';

/**
 * A mailed registration link carries its token in the path. Only the link's first request
 * may see it: the token goes into a short-lived httpOnly cookie and the browser on to a URL
 * without it, so it is not in the address bar, the history of later pages, a Referer, or
 * — redacted there too — the request log.
 */
let gatehouse: RunningGatehouse;
let services: Services;
let issuer: string;
const log: string[] = [];

beforeAll(async () => {
  const port = await freePort();
  const config = testConfig({ mongodbUri: testDatabaseUri(), masterKey: newMasterKey(), port, issuer: `http://127.0.0.1:${port}`, logLevel: 'info' });
  const sink = new Writable({
    write(chunk, _encoding, done) {
      log.push(String(chunk));
      done();
    },
  });
  gatehouse = await startGatehouse(config, createLogger('info', sink));
  issuer = config.issuer;
  services = await openTestServices(config);
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
});

async function pendingLink(name: string) {
  const { sub } = await services.persons.add({ name, email: `${name.toLowerCase()}@example.com` });
  await services.totpKeys.create(name, {}, { actor: { kind: 'cli', id: 'test' } });
  const person = (await services.persons.findBySub(sub))!;
  return services.registrationLinks.issue(sub, person.totp!.keyId);
}

test('the link\'s GET trades its token for an httpOnly cookie and redirects to a URL without it', async () => {
  const { token, expiresAt } = await pendingLink('RITA');
  const response = await fetch(`${issuer}/register/${token}`, { redirect: 'manual' });
  expect(response.status).toBe(303);
  expect(response.headers.get('location')).toBe('/register');
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('referrer-policy')).toBe('same-origin');
  const [cookie] = response.headers.getSetCookie();
  expect(cookie).toMatch(new RegExp(`^gatehouse\\.register=${token}; Path=/register; Max-Age=(\\d+); HttpOnly; SameSite=Lax$`));
  const maxAge = Number(/Max-Age=(\d+)/.exec(cookie!)![1]);
  expect(maxAge).toBeGreaterThan(0);
  expect(maxAge).toBeLessThanOrEqual(Math.min(1800, (expiresAt.getTime() - Date.now()) / 1000));

  const browser = new FormBrowser('http://never.invalid');
  await browser.open(`${issuer}/register/${token}`);
  expect(browser.lastUrl).toBe(`${issuer}/register`);
  expect(browser.lastStatus).toBe(200);
  expect(browser.lastPage).toContain('data-testid="totp-key"');
  expect(browser.lastPage).not.toContain(token);
  // Every later request of the page (the download, the form) goes to URLs without the token.
  expect(browser.formAction('/register')).toBe('/register');
  await browser.open(`${issuer}/register/tokens.txt`);
  expect(browser.lastStatus).toBe(200);
  expect(browser.visited.filter((visit) => visit.includes(token))).toEqual([`GET ${issuer}/register/${token}`]);
});

test('the request log never holds a link token: the path is logged redacted', async () => {
  const { token } = await pendingLink('LUIS');
  const browser = new FormBrowser('http://never.invalid');
  await browser.open(`${issuer}/register/${token}`);
  await browser.submit('/register', { csrf: 'wrong', code: '123456' });
  expect(browser.lastStatus).toBe(403);
  // A wrong token too: the log cannot tell a reader which tokens were tried.
  await fetch(`${issuer}/register/${token.slice(0, -1)}x`);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const requests = log.filter((line) => line.includes('"msg":"request"'));
  expect(requests.some((line) => line.includes('"path":"/register/[redacted]"'))).toBe(true);
  expect(requests.some((line) => line.includes('"path":"/register"'))).toBe(true);
  expect(log.join('')).not.toContain(token);
  expect(log.join('')).not.toContain(token.slice(0, -1));
});
