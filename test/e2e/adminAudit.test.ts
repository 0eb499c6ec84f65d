import type { BrowserContext, Page } from 'playwright-core';
import { screenshot } from '../support/browser.ts';
import { adminPassword, startAdminConsole, type AdminConsole } from '../support/adminConsole.ts';
import { systemActor } from '../../src/security/createAuditLog.ts';

// The admin view's audit log in a real browser: what an admin did in the TOTP key menu is
// there with the admin as actor, newest first; the filters by kind of record and record;
// and paging through `before` that loses no entry written in the same millisecond.

let admin: AdminConsole;
let desktop: { context: BrowserContext; page: Page };

const pagingEntries = 120;

async function open(page: Page, path: string) {
  const response = await page.goto(`${admin.url}${path}`);
  await page.waitForLoadState('load');
  return response;
}

async function follow(page: Page, selector: string) {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  await page.waitForLoadState('load');
  return response;
}

/** The ids of the entries in the page's table, top to bottom. */
const rowIds = (page: Page) => page.locator('table.audit-log tbody tr').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-entry')!));

beforeAll(async () => {
  admin = await startAdminConsole();
  await admin.services.persons.add({ name: 'PEPE', default_user_id: 'pepe', class: 'ADMINS', password: adminPassword, email: 'pepe@example.com' });
  await admin.addPerson('ELENA', { roles: ['admin'], preferred_language: 'SPA' });
  desktop = await admin.signIn('ADA', '/admin/persons/PEPE/totp');
});

afterAll(async () => {
  await admin?.stop();
});

test('what the admin did in the TOTP key menu is in the log, newest first, with ADA of the admin view as actor', async () => {
  const { page } = desktop;
  await follow(page, 'a.option-title[href$="/create"]');
  await follow(page, 'form.panel button[type="submit"]');
  await follow(page, 'a.option-title[href$="/qr"]');
  // PEPE uses a token at sign-in (as the person: the log names them), then the admin makes a new set.
  const { sub } = await admin.services.persons.show('PEPE');
  const [token] = await admin.services.emergencyTokens.list(sub);
  await expect(admin.services.emergencyTokens.consume(sub, token!)).resolves.toMatchObject({ outcome: 'success' });
  await open(page, '/admin/persons/PEPE/totp/tokens');
  await follow(page, 'button.danger');

  await open(page, '/admin/audit');
  await expect(page.textContent('h1')).resolves.toBe('Audit log');
  const newest = await admin.services.audit.list({ limit: 50 });
  expect(await rowIds(page)).toEqual(newest.map((entry) => entry._id));
  const [first, used, second] = newest;
  expect(first).toMatchObject({ action: 'recreate-emergency-tokens', actor: { kind: 'admin-view', name: 'ADA' } });
  expect(used).toMatchObject({ action: 'emergency-token-used', actor: { kind: 'person', id: sub } });
  expect(second).toMatchObject({ action: 'totp-display', actor: { kind: 'admin-view', name: 'ADA' } });
  await expect(page.locator(`tr[data-entry="${used!._id}"]`).textContent()).resolves.toMatch(/PEPE\s*The person/);
  const row = page.locator(`tr[data-entry="${first!._id}"]`);
  await expect(row.textContent()).resolves.toMatch(/ADA\s*Admin view/);
  await expect(row.textContent()).resolves.toContain('Emergency tokens recreated');
  await expect(row.textContent()).resolves.toContain('TOTP key and tokens: PEPE');
  await expect(row.textContent()).resolves.toContain('127.0.0.1');
  // Only what changed: the count of tokens, not the name that stayed the same.
  await expect(row.locator('.audit-changes').textContent()).resolves.toMatch(/remaining:\s*9\s*→\s*10/);
  await expect(row.locator('.audit-changes').textContent()).resolves.not.toContain('name');
  const display = page.locator(`tr[data-entry="${second!._id}"]`);
  await expect(display.textContent()).resolves.toContain('Key or QR code displayed');
  await expect(display.locator('.audit-changes').textContent()).resolves.toContain('qr-code');
  await screenshot(page, 'admin-audit');
});

test('filtered by kind of record, and by a record typed as the person\'s name', async () => {
  const { page } = desktop;
  await admin.services.classes.update('ADMINS', { max_retries: 5 }, { actor: systemActor });
  await open(page, '/admin/audit');
  await page.selectOption('#entity', 'class');
  await follow(page, '.filters button[type="submit"]');
  expect(new URL(page.url()).searchParams.get('entity')).toBe('class');
  const classes = await admin.services.audit.list({ entity: 'class' });
  expect(await rowIds(page)).toEqual(classes.map((entry) => entry._id));
  expect(await page.locator('table.audit-log tbody .audit-entity').allTextContents()).toEqual(classes.map(() => 'Class'));
  await expect(page.locator(`tr[data-entry="${classes[0]!._id}"] .audit-record-cell`).textContent()).resolves.toContain('Class: ADMINS');
  await expect(page.locator(`tr[data-entry="${classes[0]!._id}"] .audit-changes`).textContent()).resolves.toMatch(/max_retries:\s*3\s*→\s*5/);

  await page.selectOption('#entity', 'totp');
  await page.fill('#entity_id', 'pepe');
  await follow(page, '.filters button[type="submit"]');
  const { sub } = await admin.services.persons.show('PEPE');
  const pepe = await admin.services.audit.list({ entity: 'totp', entityId: sub });
  expect(pepe.length).toBeGreaterThanOrEqual(4);
  expect(await rowIds(page)).toEqual(pepe.map((entry) => entry._id));
  await expect(page.textContent('main')).resolves.toContain('Showing changes of person PEPE.');
  await screenshot(page, 'admin-audit-filtered');

  // A kind of record that does not exist is no error: the newest entries, and a word why.
  await open(page, '/admin/audit?entity=nonsense');
  await expect(page.textContent('.alert')).resolves.toContain('not valid');
});

test('pages of 50 through "Older entries" show every entry once, in order, also those of one millisecond', async () => {
  const { page } = desktop;
  // One burst: the entries' times are taken as the calls are made, so many share a millisecond.
  await Promise.all(
    Array.from({ length: pagingEntries }, (_, index) =>
      admin.services.audit.record({ actor: systemActor, action: 'update', entity: 'ipgroup', entityId: 'paging', before: { name: 'PAGING', n: index }, after: { name: 'PAGING', n: index + 1 } }),
    ),
  );
  const all = await admin.services.audit.list({ entity: 'ipgroup', entityId: 'paging', limit: 1000 });
  expect(all).toHaveLength(pagingEntries);
  expect(new Set(all.map((entry) => entry.at.getTime())).size).toBeLessThan(pagingEntries);
  // The service: after an entry, the next one in order, even at the same millisecond.
  const sameMs = all.findIndex((entry, index) => index > 0 && entry.at.getTime() === all[index - 1]!.at.getTime());
  const after = await admin.services.audit.list({ entity: 'ipgroup', entityId: 'paging', before: all[sameMs - 1]!.at, beforeId: all[sameMs - 1]!._id, limit: 1 });
  expect(after.map((entry) => entry._id)).toEqual([all[sameMs]!._id]);

  await open(page, '/admin/audit');
  await page.selectOption('#entity', 'ipgroup');
  await page.fill('#entity_id', 'PAGING');
  await follow(page, '.filters button[type="submit"]');
  const seen: string[] = [];
  const sizes: number[] = [];
  for (;;) {
    const ids = await rowIds(page);
    seen.push(...ids);
    sizes.push(ids.length);
    if (sizes.length === 2) await screenshot(page, 'admin-audit-page-2');
    if ((await page.locator('a[rel="next"]').count()) === 0) break;
    await follow(page, 'a[rel="next"]');
  }
  expect(sizes).toEqual([50, 50, 20]);
  expect(seen).toEqual(all.map((entry) => entry._id));
  await expect(page.textContent('.pager')).resolves.toContain('Newest entries');
  await expect(page.textContent('main')).resolves.toContain('Page 3');
  await follow(page, '.pager a:not([rel])');
  expect(await rowIds(page)).toEqual(all.slice(0, 50).map((entry) => entry._id));
});

test('at phone size, in Spanish, the table scrolls inside its box and the page does not', async () => {
  const { context, page } = await admin.signIn('ELENA', '/admin/audit', 'phone');
  await expect(page.textContent('h1')).resolves.toBe('Registro de auditoría');
  // The page is no wider than the phone; the table is, inside its own scrolling box.
  const pageWidth = await page.locator('html').evaluate((html) => html.scrollWidth);
  expect(pageWidth).toBeLessThanOrEqual(390);
  const table = await page.locator('.table-wrap').evaluate((wrap) => ({ scroll: wrap.scrollWidth, client: wrap.clientWidth }));
  expect(table.scroll).toBeGreaterThan(table.client);
  await screenshot(page, 'admin-audit-phone');
  await open(page, '/admin/audit?entity=totp&entity_id=PEPE');
  await expect(page.textContent('main')).resolves.toContain('Se muestran los cambios de la persona PEPE.');
  await screenshot(page, 'admin-audit-filtered-phone');
  await context.close();
});
