import { Writable } from 'node:stream';
import { setupLinkNotice } from '../../src/admin/setup/setupLinks.ts';
import { createSetupLinks } from '../../src/admin/setup/setupLinks.ts';
import type { Config } from '../../src/configuration/loadConfig.ts';
import { createLogger } from '../../src/logging/createLogger.ts';
import { startGatehouse, type RunningGatehouse } from '../../src/startGatehouse.ts';
import { FormBrowser } from '../support/formBrowser.ts';
import { freePort, newMasterKey, openTestServices, testConfig, testDatabaseUri } from '../support/testGatehouse.ts';

// The first-run setup link over real HTTP on a real database: made at a start while no
// administrator exists, printed (returned) but never logged, only from the loopback (the
// test plays a trusted proxy with X-Forwarded-For), refused when expired, replaced, used
// or raced, and not made at all once an administrator exists.

let config: Config;
let running: RunningGatehouse;
let services: Awaited<ReturnType<typeof openTestServices>>;
const logLines: string[] = [];
const logger = createLogger('info', new Writable({ write: (chunk, _encoding, done) => done(void logLines.push(String(chunk))) }));
const nowhere = 'http://127.0.0.1:9/never';
const password = 'correct horse battery';
const adaForm = { name: 'ADA', user_id: 'ada', email: 'ada@example.com', password, password_again: password, language: 'ENG' };

async function restart(overrides: Partial<Config> = {}) {
  await running?.stop();
  config = { ...config, ...overrides };
  running = await startGatehouse(config, logger);
}

const tokenOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

/** A browser on the server's machine that has opened `url` (the printed link). */
async function localBrowser(url: string) {
  const browser = new FormBrowser(nowhere);
  await browser.open(url);
  return browser;
}

beforeAll(async () => {
  const port = await freePort();
  // Behind one trusted proxy: the test's X-Forwarded-For entry is the client's address.
  config = testConfig({ mongodbUri: testDatabaseUri(), masterKey: newMasterKey(), port, issuer: `http://127.0.0.1:${port}`, trustProxy: true, logLevel: 'info' });
  running = await startGatehouse(config, logger);
  services = await openTestServices(config);
});

afterAll(async () => {
  await services?.store.close();
  await running?.stop();
});

let firstLink: string;

test('a start with no administrator makes a one-hour link under /setup/ that the JSON log never holds', async () => {
  expect(running.setupLink).toBeDefined();
  firstLink = running.setupLink!.url;
  expect(firstLink).toMatch(new RegExp(`^${config.issuer}/setup/[A-Za-z0-9_-]{43}$`));
  expect(setupLinkNotice(firstLink)).toBe(`Open this link to create the first administrator (valid 1 hour, single use): ${firstLink}`);
  const minutes = (running.setupLink!.expiresAt.getTime() - Date.now()) / 60_000;
  expect(minutes).toBeGreaterThan(59);
  expect(minutes).toBeLessThanOrEqual(60);
  expect(logLines.some((line) => line.includes('no administrator yet'))).toBe(true);
  expect(logLines.filter((line) => line.includes(tokenOf(firstLink)))).toEqual([]);
  // The landing page says where to look.
  expect(await (await fetch(`${config.issuer}/`)).text()).toContain('There is no administrator yet');
});

test('from an address that is not the loopback the link is refused (403), also with a forged loopback entry; from the loopback it opens the form', async () => {
  const remote = new FormBrowser(nowhere);
  remote.extraHeaders['x-forwarded-for'] = '203.0.113.9';
  await remote.open(firstLink);
  expect(remote.lastStatus).toBe(403);
  expect(remote.lastPage).toContain('Open this link on the server');
  expect(remote.lastPage).toContain('SETUP_LINK_REMOTE=true');
  expect(remote.cookie(firstLink, 'gatehouse.setup')).toBeUndefined();
  remote.extraHeaders['x-forwarded-for'] = '127.0.0.1, 203.0.113.9';
  await remote.open(firstLink);
  expect(remote.lastStatus).toBe(403);

  const local = await localBrowser(firstLink);
  expect({ status: local.lastStatus, url: local.lastUrl }).toEqual({ status: 200, url: `${config.issuer}/setup` });
  expect(local.lastPage).toContain('Create the first administrator');
  expect(local.lastPage).toContain('autocomplete="new-password"');
  // No class yet: the page says ADMIN will be made.
  expect(local.lastPage).toContain('Gatehouse will create the class ADMIN');
  expect(local.lastHeaders.get('cache-control')).toBe('no-store');
});

test('the request log line of the link names /setup/[redacted], never the token', async () => {
  const requests = logLines.map((line) => JSON.parse(line) as { msg: string; path?: string; status?: number }).filter((entry) => entry.msg === 'request');
  expect(requests).toContainEqual(expect.objectContaining({ path: '/setup/[redacted]', status: 303 }));
  expect(logLines.filter((line) => line.includes(tokenOf(firstLink)))).toEqual([]);
});

test('what the form refuses changes nothing: no person, no class, the link still open', async () => {
  const browser = await localBrowser(firstLink);
  await browser.submit('/setup', { ...adaForm, password_again: 'something else' });
  expect(browser.lastStatus).toBe(400);
  expect(browser.lastPage).toContain('The two passwords are not the same.');
  expect(browser.lastPage).toMatch(/id="password_again"[^>]*aria-invalid="true"[^>]*aria-describedby="password_again-error/);
  expect(browser.lastPage).toContain('value="ada@example.com"');

  await browser.submit('/setup', { ...adaForm, name: 'Ada Lovelace' });
  expect(browser.lastStatus).toBe(400);
  expect(browser.lastPage).toMatch(/<p class="field-error" id="name-error">1 to 64 letters, digits or \. _ @ \+ - \(no spaces\); got &#34;Ada Lovelace&#34;\.<\/p>/);

  await browser.submit('/setup', { ...adaForm, password: 'short', password_again: 'short' });
  expect(browser.lastStatus).toBe(400);
  expect(browser.lastPage).toContain('id="password-error">The password needs at least 12 characters; this one has 5.');
  await browser.submit('/setup', { ...adaForm, password: 'Password1234', password_again: 'Password1234' });
  expect(browser.lastStatus).toBe(400);
  expect(browser.lastPage).toContain('id="password-error">This password is on the list of common and breached passwords; choose another.');

  await browser.submit('/setup', { ...adaForm, csrf: 'forged' });
  expect(browser.lastStatus).toBe(403);
  expect(browser.lastPage).toContain('This form has expired');
  await browser.submit('/setup', adaForm, { origin: 'https://evil.example' });
  expect(browser.lastStatus).toBe(403);

  expect((await services.persons.list()).total).toBe(0);
  expect(await services.classes.list()).toEqual([]);
  expect((await createSetupLinks(services.store.connection).check(tokenOf(firstLink))).state).toBe('open');
});

test('an expired link is refused (410) and says how to get a new one', async () => {
  await createSetupLinks(services.store.connection).setExpiry(tokenOf(firstLink), new Date(Date.now() - 1000));
  const browser = new FormBrowser(nowhere);
  await browser.open(firstLink);
  expect(browser.lastStatus).toBe(410);
  expect(browser.lastPage).toContain('This setup link has expired');
  expect(browser.lastPage).toContain('Restart Gatehouse');
  expect(await (await fetch(`${config.issuer}/`)).text()).not.toContain('There is no administrator yet');
});

let secondLink: string;

test('a new start while no administrator exists makes a new link; the older one stops working; SETUP_LINK_REMOTE=true lets it open from afar', async () => {
  await restart({ admin: { ...config.admin, setupLinkRemote: true } });
  secondLink = running.setupLink!.url;
  expect(secondLink).not.toBe(firstLink);
  const old = new FormBrowser(nowhere);
  await old.open(firstLink);
  expect(old.lastStatus).toBe(410);
  expect(old.lastPage).toContain('This setup link is not valid');

  const remote = new FormBrowser(nowhere);
  remote.extraHeaders['x-forwarded-for'] = '203.0.113.9';
  await remote.open(secondLink);
  expect({ status: remote.lastStatus, url: remote.lastUrl }).toEqual({ status: 200, url: `${config.issuer}/setup` });
});

test('with classes, the form offers those that ask for TOTP for elevated access, and a new ADMIN class; another class is refused', async () => {
  const base = { mfa_device: 'S', no_screen_channel: 'E', question_count: 0, max_retries: 3, wait_seconds: 60 } as const;
  await services.classes.add({ ...base, name: 'STAFF', text: 'Staff', factors: { MFA: { TOTP: 1 } } });
  await services.classes.add({ ...base, name: 'OPS', text: 'Operators', factors: { MFA: { TOTP: 1 }, AOD: { TOTP: 1 } } });
  const browser = await localBrowser(secondLink);
  const options = [...browser.lastPage.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)].map((match) => [match[1], match[2]]);
  expect(options).toEqual([['ENG', 'English'], ['SPA', 'Español'], ['OPS', 'OPS — Operators'], ['', 'New class ADMIN (app code at sign-in and for elevated access)']]);
  expect(browser.lastPage).toContain('<option value="OPS" selected>');
  await browser.submit('/setup', { ...adaForm, class: 'STAFF' });
  expect(browser.lastStatus).toBe(400);
  expect(browser.lastPage).toContain('id="class-error">Choose one of the classes offered.');
  expect(browser.lastPage).toContain('<li><a href="#class">Class</a>: Choose one of the classes offered.</li>');
  expect((await services.persons.list()).total).toBe(0);
});

let loser: FormBrowser;

test('two browsers racing with one link create one administrator; the other is told the link was used', async () => {
  const [first, second] = [await localBrowser(secondLink), await localBrowser(secondLink)];
  await Promise.all([first.submit('/setup', { ...adaForm, class: 'OPS' }), second.submit('/setup', { ...adaForm, class: 'OPS', name: 'BEA', user_id: 'bea', email: 'bea@example.com' })]);
  const outcomes = [first, second].map((browser) => ({ status: browser.lastStatus, url: browser.lastUrl.replace(config.issuer, '') })).toSorted((a, b) => a.status - b.status);
  expect(outcomes).toEqual([{ status: 200, url: '/setup/app' }, { status: 410, url: '/setup' }]);
  const [winner, other] = first.lastStatus === 200 ? [first, second] : [second, first];
  loser = other;
  expect(other.lastPage).toContain('This setup link was already used');
  expect(winner.lastPage).toContain('Set up your authenticator app');
  expect(winner.lastPage).toContain('created, in the class OPS.');

  const { items } = await services.persons.list();
  expect(items).toHaveLength(1);
  const [person] = items;
  expect(person).toMatchObject({ roles: ['admin'], class: 'OPS', enabled: true });
  expect(await services.persons.hasAdministrator()).toBe(true);
  // The class chosen: none made.
  expect((await services.classes.list()).map((view) => view.name).toSorted()).toEqual(['OPS', 'STAFF']);
  // A pending key and emergency tokens wait for the app's confirmation.
  const stored = (await services.persons.findBySub(person!.sub))!;
  expect(services.totp.keyState(stored)).toBe('pending');
  expect(await services.emergencyTokens.countLeft(stored._id)).toBeGreaterThan(0);

  const entries = await services.audit.list({ entityId: person!.sub });
  expect(entries.map((entry) => [entry.action, entry.actor.kind, entry.actor.id])).toContainEqual(['create', 'system', 'setup-link']);
  expect(entries.find((entry) => entry.action === 'create')!.ip).toBe('127.0.0.1');
});

test('the used link is refused a second time (410); the enrolment step belongs to the browser that created the administrator', async () => {
  const again = new FormBrowser(nowhere);
  await again.open(secondLink);
  expect(again.lastStatus).toBe(410);
  expect(again.lastPage).toContain('This setup link was already used');
  expect(again.lastPage).toContain('href="/admin"');
  await loser.open(`${config.issuer}/setup/app`);
  expect(loser.lastStatus).toBe(410);
  expect(loser.lastPage).toContain('This setup step has expired');
  expect(loser.lastPage).not.toContain('totp-key');
});

test('a start once an administrator exists makes no link; the used one stays refused', async () => {
  await restart();
  expect(running.setupLink).toBeUndefined();
  const browser = new FormBrowser(nowhere);
  await browser.open(secondLink);
  expect(browser.lastStatus).toBe(410);
  expect(await (await fetch(`${config.issuer}/`)).text()).not.toContain('There is no administrator yet');
});
