import { jest } from '@jest/globals';
import type { BrowserContext, Page } from 'playwright-core';
import { screenshot } from '../support/browser.ts';
import { adminPassword, startAdminConsole, type AdminConsole } from '../support/adminConsole.ts';

// The admin view's home in a real browser: the directory's counts, who is locked now (by
// real failed sign-ins) and the Unlock that clears it, the sign-in tally's charts after
// real sign-ins and failures, and who cannot sign in under their class — until the key
// that was missing is set (ADMIN_HOME_REFRESH 0: every visit plans again).

jest.setTimeout(180_000);

let admin: AdminConsole;
let desktop: { context: BrowserContext; page: Page };
const subs: Record<string, string> = {};

beforeAll(async () => {
  admin = await startAdminConsole({ config: { admin: { elevationSeconds: 900, idleSeconds: 900, setupLinkRemote: false, homeRefreshSeconds: 0 } } });
  const { services } = admin;
  const base = { mfa_device: 'S', no_screen_channel: 'E', question_count: 0 } as const;
  // Two wrong passwords lock LOCKY's password until an admin unlocks it.
  await services.classes.add({ ...base, name: 'LOCKS', text: 'Locked for good', max_retries: 2, wait_seconds: 999, factors: { MFA: { TOTP: 1 } } });
  await services.classes.add({ ...base, name: 'TOTPONLY', text: 'TOTP, no fallback', allow_otp_instead_of_totp: 'N', max_retries: 3, wait_seconds: 60, factors: { MFA: { TOTP: 1 } } });
  await services.classes.add({ ...base, name: 'MAILCODE', text: 'Code by email', mfa_device: 'E', max_retries: 3, wait_seconds: 60, factors: { MFA: { OTP: 1 } } });
  subs.LOCKY = (await admin.addPerson('LOCKY', { class: 'LOCKS' })).sub;
  subs.NOKEY = (await services.persons.add({ name: 'NOKEY', default_user_id: 'nokey', class: 'TOTPONLY', password: adminPassword })).sub;
  subs.NOMAIL = (await services.persons.add({ name: 'NOMAIL', default_user_id: 'nomail', class: 'MAILCODE', password: adminPassword })).sub;
  subs.BOB = (await services.persons.show('BOB')).sub;
  desktop = await admin.signIn('ADA', '/admin');
});

afterAll(async () => {
  await desktop?.context.close();
  await admin?.stop();
});

const rowOf = (page: Page, name: string) => page.locator('#locked tbody tr', { has: page.locator(`th a:text-is("${name}")`) });
const denialOf = (page: Page, name: string) => page.locator('ul.home-denials > li', { has: page.locator(`.denial-who a:text-is("${name}")`) });

/** The total row of a chart's table: sign-ins, then failures per factor (password, TOTP, OTP, Qstn, Emergency). */
async function totalsOf(page: Page, chart: 'hours' | 'days'): Promise<number[]> {
  const cells = await page.locator(`#chart-${chart} tfoot td`).allTextContents();
  return cells.map(Number);
}

/** One try at the sign-in page of a fresh authorization (the account page's): user ID, password and, when given, a code. */
async function tryToSignIn(context: BrowserContext, userId: string, password: string, code?: string) {
  const page = await context.newPage();
  await page.goto(`${admin.url}/account`);
  await page.waitForSelector('#username');
  await page.fill('#username', userId);
  await page.fill('#password', password);
  if (code) await page.fill('#code', code);
  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"].primary')]);
  return page;
}

test('the home shows the counts of the directory', async () => {
  const { page } = desktop;
  await page.goto(`${admin.url}/admin`);
  const [persons, classes, clients] = await Promise.all([admin.services.persons.list({ pageSize: 1 }), admin.services.classes.list(), admin.services.clients.list()]);
  await expect(page.locator('ul.home-counts .tile-value').allTextContents()).resolves.toEqual([String(persons.total), String(classes.length), String(clients.length)]);
  await expect(page.locator('ul.home-counts .tile-label').allTextContents()).resolves.toEqual(['Persons', 'Classes', 'Clients']);
  // ADA, BOB, LOCKY, NOKEY, NOMAIL; ADMINS and the three above.
  expect(persons.total).toBe(5);
  expect(classes.length).toBe(4);
});

test('a person locked by real failed sign-ins is listed, and Unlock clears it', async () => {
  const { page } = desktop;
  const browser = await admin.browser.newContext();
  // A right password with a wrong code (a TOTP failure), then two wrong passwords: the password is locked for good (a right one would have reset its count).
  await tryToSignIn(browser, 'locky', adminPassword, '000000');
  await tryToSignIn(browser, 'locky', 'not the password');
  const last = await tryToSignIn(browser, 'locky', 'still not it');
  await expect(last.textContent('.alert')).resolves.toContain('The user ID or password is not correct.');
  // BOB's TOTP gets a wait of its class (3 retries, 60 s), through the attempt limiter.
  for (let attempt = 0; attempt < 3; attempt += 1) await admin.services.attempts.recordFailure(subs.BOB!, 'TOTP', { maxRetries: 3, waitSeconds: 60 });
  await browser.close();

  await page.goto(`${admin.url}/admin`);
  const locky = rowOf(page, 'LOCKY');
  await expect(locky.textContent()).resolves.toMatch(/Password, from 127\.0\.0\.1\s+until an admin unlocks it/);
  await expect(rowOf(page, 'BOB').textContent()).resolves.toMatch(/TOTP code\s+until \d/);
  await expect(page.locator('#locked').textContent()).resolves.toContain('Locked: 2.');
  await screenshot(page, 'admin-home-desktop-locked');

  const rule = { maxRetries: 2, waitSeconds: 999 };
  await expect(admin.services.attempts.status(subs.LOCKY!, 'password:127.0.0.1', rule)).resolves.toEqual({ locked: true });
  await Promise.all([page.waitForNavigation(), locky.getByRole('button', { name: 'Unlock LOCKY' }).click()]);
  expect(new URL(page.url()).search).toBe('?done=homeUnlocked');
  await expect(page.textContent('.notice[role="status"]')).resolves.toContain('Unlocked');
  await expect(rowOf(page, 'LOCKY').count()).resolves.toBe(0);
  await expect(admin.services.attempts.status(subs.LOCKY!, 'password:127.0.0.1', rule)).resolves.toEqual({ locked: false, failures: 0, remaining: 2 });
  await expect(admin.services.attempts.status(subs.LOCKY!, 'TOTP', rule)).resolves.toEqual({ locked: false, failures: 0, remaining: 2 });
  const unlocks = (await admin.services.audit.list({ entity: 'person', entityId: subs.LOCKY! })).filter((entry) => entry.action === 'unlock');
  expect(unlocks).toHaveLength(1);
  expect(unlocks[0]).toMatchObject({ actor: { kind: 'admin-view', name: 'ADA' }, after: { name: 'LOCKY', factor: 'all', locks_cleared: 1 } });

  await Promise.all([page.waitForNavigation(), rowOf(page, 'BOB').getByRole('button', { name: 'Unlock BOB' }).click()]);
  await expect(page.locator('#locked').textContent()).resolves.toContain('Nobody is locked now.');
  await expect(admin.services.attempts.status(subs.BOB!, 'TOTP', { maxRetries: 3, waitSeconds: 60 })).resolves.toMatchObject({ locked: false });
});

test('after real sign-ins and failures and a flush, the charts count them', async () => {
  const { page } = desktop;
  // A second sign-in (BOB's, at the account page) besides ADA's own.
  const browser = await admin.browser.newContext();
  const account = await browser.newPage();
  await account.goto(`${admin.url}/account`);
  await admin.answerSignIn(account, 'BOB');
  expect(new URL(account.url()).pathname).toBe('/account');
  await browser.close();

  await admin.gatehouse.signInTally.flush();
  // The stored buckets, read by another instance (the test's services): what the home shows.
  const recent = await admin.services.signInTally.recent();
  const stored = recent.days.reduce((sum, day) => sum + day.counts.signIns, 0);
  expect(stored).toBe(2);

  await page.goto(`${admin.url}/admin`);
  // Sign-ins, then failures: password, TOTP, OTP, Qstn, DeviceAuth, Emergency.
  await expect(totalsOf(page, 'hours')).resolves.toEqual([2, 2, 1, 0, 0, 0, 0]);
  await expect(totalsOf(page, 'days')).resolves.toEqual([2, 2, 1, 0, 0, 0, 0]);
  await expect(page.locator('#chart-hours desc').textContent()).resolves.toBe('2 sign-ins and 3 failures (Password 2, TOTP code 1)');
  await expect(page.locator('#chart-hours svg rect.chart-sign-ins').count()).resolves.toBeGreaterThanOrEqual(1);
  await expect(page.locator('#chart-hours tbody tr').count()).resolves.toBe(24);
  await expect(page.locator('#chart-days tbody tr').count()).resolves.toBe(7);
  await page.locator('#chart-hours summary').click();
  await screenshot(page, 'admin-home-desktop-charts');
});

test('who cannot sign in under their class is listed with the fix, until it is fixed', async () => {
  const { page } = desktop;
  await page.goto(`${admin.url}/admin`);
  const nokey = denialOf(page, 'NOKEY');
  await expect(nokey.textContent()).resolves.toContain('TOTP: the person has no TOTP key');
  await expect(nokey.locator('a', { hasText: 'Create a TOTP key' }).getAttribute('href')).resolves.toBe('/admin/persons/NOKEY/totp');
  await expect(nokey.locator('a', { hasText: 'option 9' }).getAttribute('href')).resolves.toBe('/admin/persons/NOKEY/mfa');
  const nomail = denialOf(page, 'NOMAIL');
  await expect(nomail.textContent()).resolves.toContain('OTP: the person has no email address');
  await expect(nomail.locator('a', { hasText: 'Add an email address' }).getAttribute('href')).resolves.toBe('/admin/persons/NOMAIL');
  await expect(page.locator('#denials').textContent()).resolves.toContain('Showing 2 of 2 who cannot sign in (5 persons planned).');
  await expect(page.locator('#denials').textContent()).resolves.toMatch(/Checked at \d\d:\d\d/);
  await screenshot(page, 'admin-home-desktop');

  await admin.services.totp.setKey(subs.NOKEY!, { secret: admin.services.totp.generateSecret(), state: 'active' }, {});
  await page.goto(`${admin.url}/admin`);
  await expect(denialOf(page, 'NOKEY').count()).resolves.toBe(0);
  await expect(denialOf(page, 'NOMAIL').count()).resolves.toBe(1);
  await expect(page.locator('#denials').textContent()).resolves.toContain('Showing 1 of 1');
});

test('at phone size, in Spanish', async () => {
  await admin.services.persons.update('ADA', { preferred_language: 'SPA' });
  for (let attempt = 0; attempt < 3; attempt += 1) await admin.services.attempts.recordFailure(subs.BOB!, 'TOTP', { maxRetries: 3, waitSeconds: 60 });
  const { context, page } = await admin.signIn('ADA', '/admin', 'phone');
  await expect(page.textContent('h1')).resolves.toBe('Inicio');
  await expect(rowOf(page, 'BOB').textContent()).resolves.toMatch(/Código TOTP\s+hasta \d/);
  await expect(denialOf(page, 'NOMAIL').textContent()).resolves.toContain('Añadir una dirección de correo');
  // Nothing but the wide tables scrolls sideways.
  const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
  expect(overflow).toBe(0);
  await screenshot(page, 'admin-home-phone');
  await page.locator('#chart-days summary').click();
  await page.locator('#activity').scrollIntoViewIfNeeded();
  await screenshot(page, 'admin-home-phone-charts');
  await context.close();
});
