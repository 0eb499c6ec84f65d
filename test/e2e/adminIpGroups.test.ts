import { jest } from '@jest/globals';
import type { BrowserContext, Page } from 'playwright-core';
import { adminPassword, startAdminConsole, type AdminConsole } from '../support/adminConsole.ts';
import { screenshot } from '../support/browser.ts';

// IP groups in a real browser: a bad range is refused at the textarea, naming the line it
// was typed on, and stores nothing; a good group is stored in normal form; modify replaces
// text and ranges; a group a person has is not deleted; each change is audited with the
// admin as actor. Desktop, then 390 px.

jest.setTimeout(180_000);

let admin: AdminConsole;
let desktop: { context: BrowserContext; page: Page };

beforeAll(async () => {
  admin = await startAdminConsole();
  desktop = await admin.signIn('ADA', '/admin/ip-groups');
});

afterAll(async () => {
  await desktop?.context.close();
  await admin?.stop();
});

async function send(page: Page, button: string): Promise<number> {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(button)]);
  await page.waitForLoadState('load');
  return response!.status();
}

async function lastAudit(entityId: string) {
  const [entry] = await admin.services.audit.list({ entity: 'ipgroup', entityId, limit: 1 });
  return entry;
}

const pageWidth = (page: Page) => page.evaluate('document.documentElement.scrollWidth') as Promise<number>;

test('with no IP group the list says what one is for', async () => {
  const { page } = desktop;
  await expect(page.textContent('h1')).resolves.toBe('IP groups');
  await expect(page.textContent('p.panel')).resolves.toContain('There are no IP groups');
  await screenshot(page, 'admin-ipgroups-empty');
});

test('a bad range is refused at the textarea, naming its line, and nothing is stored; then the group is added', async () => {
  const { page } = desktop;
  await Promise.all([page.waitForNavigation(), page.click('text=Add IP group')]);
  await page.getByLabel('IP group', { exact: true }).fill('office');
  await page.getByLabel('Text').fill('Head office');
  const ranges = page.getByLabel('Ranges');
  await ranges.fill('10.0.0.0/8\n\n10.0.0.1/99\n192.0.2.7');
  expect(await send(page, 'button[type="submit"].primary')).toBe(400);

  const ranges400 = page.getByLabel('Ranges');
  await expect(ranges400.getAttribute('aria-invalid')).resolves.toBe('true');
  await expect(ranges400.inputValue()).resolves.toBe('10.0.0.0/8\n\n10.0.0.1/99\n192.0.2.7');
  await expect(page.textContent('#ipgroup-ranges-error')).resolves.toMatch(/^Line 3: "10\.0\.0\.1\/99" is not a range: the prefix length/);
  expect((await ranges400.getAttribute('aria-describedby'))!.split(' ')).toContain('ipgroup-ranges-error');
  await expect(page.textContent('.alert')).resolves.toContain('Ranges: Line 3: "10.0.0.1/99" is not a range');
  await expect(page.getByLabel('IP group', { exact: true }).inputValue()).resolves.toBe('office');
  await screenshot(page, 'admin-ipgroups-form-error');
  await expect(admin.services.ipGroups.show('OFFICE')).rejects.toThrow('There is no IP group');

  await ranges400.fill('10.0.0.0/8\n192.0.2.7\n2001:db8::/32\n10.0.0.0/8');
  expect(await send(page, 'button[type="submit"].primary')).toBe(200);
  await expect(page.textContent('.notice')).resolves.toBe('The IP group was added.');
  await expect(admin.services.ipGroups.show('OFFICE')).resolves.toMatchObject({ name: 'OFFICE', text: 'Head office', ranges: ['10.0.0.0/8', '192.0.2.7/32', '2001:db8::/32'] });
  expect(await lastAudit('office')).toMatchObject({ action: 'create', actor: { kind: 'admin-view', name: 'ADA' } });
  const row = page.locator('tr', { has: page.locator('th a', { hasText: 'OFFICE' }) });
  await expect(row.locator('ul.ranges li').allTextContents()).resolves.toEqual(['10.0.0.0/8', '192.0.2.7/32', '2001:db8::/32']);
  await screenshot(page, 'admin-ipgroups-list');
});

test('modify replaces the text and the ranges; the name is fixed', async () => {
  const { page } = desktop;
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Modify IP group OFFICE' }).click()]);
  await expect(page.textContent('h1')).resolves.toBe('Modify IP group OFFICE');
  await expect(page.locator('input[name="name"]').count()).resolves.toBe(0);
  await expect(page.getByLabel('Ranges').inputValue()).resolves.toBe('10.0.0.0/8\n192.0.2.7/32\n2001:db8::/32');
  await page.getByLabel('Text').fill('Head office, new building');
  await page.getByLabel('Ranges').fill('192.0.2.0/24\n');
  await screenshot(page, 'admin-ipgroups-modify');
  expect(await send(page, 'button[type="submit"].primary')).toBe(200);
  await expect(page.textContent('.notice')).resolves.toBe('The IP group was saved.');
  await expect(admin.services.ipGroups.show('OFFICE')).resolves.toMatchObject({ text: 'Head office, new building', ranges: ['192.0.2.0/24'] });
  expect(await lastAudit('office')).toMatchObject({ action: 'update', actor: { kind: 'admin-view', name: 'ADA' }, before: { ranges: ['10.0.0.0/8', '192.0.2.7/32', '2001:db8::/32'] }, after: { ranges: ['192.0.2.0/24'] } });

  // No range at all is refused at the textarea too.
  await page.goto(`${admin.url}/admin/ip-groups/OFFICE`);
  await page.getByLabel('Ranges').fill('  \n');
  expect(await send(page, 'button[type="submit"].primary')).toBe(400);
  await expect(page.textContent('#ipgroup-ranges-error')).resolves.toContain('At least one range');
  await expect(admin.services.ipGroups.show('OFFICE')).resolves.toMatchObject({ ranges: ['192.0.2.0/24'] });
});

test('a group a person has is not deleted; one no one has is, after its confirmation', async () => {
  const { page } = desktop;
  await admin.services.persons.add({ name: 'DORA', default_user_id: 'dora', class: 'ADMINS', ip_group: 'OFFICE', password: adminPassword });
  await page.goto(`${admin.url}/admin/ip-groups/OFFICE/delete`);
  await expect(page.textContent('h1')).resolves.toBe('Delete IP group OFFICE');
  expect(await send(page, 'button.danger')).toBe(409);
  await expect(page.textContent('.alert')).resolves.toContain('Persons still have the IP group OFFICE');
  await expect(page.locator('button.danger').count()).resolves.toBe(0);
  await screenshot(page, 'admin-ipgroups-delete-refused');
  await expect(admin.services.ipGroups.show('OFFICE')).resolves.toMatchObject({ name: 'OFFICE' });
  expect((await lastAudit('office'))!.action).toBe('update');

  await admin.services.ipGroups.add({ name: 'SPARE', ranges: ['198.51.100.0/24'] });
  await page.goto(`${admin.url}/admin/ip-groups`);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Delete IP group SPARE' }).click()]);
  expect(await send(page, 'button.danger')).toBe(200);
  await expect(page.textContent('.notice')).resolves.toBe('The IP group was deleted.');
  await expect(admin.services.ipGroups.show('SPARE')).rejects.toThrow('There is no IP group');
  expect(await lastAudit('spare')).toMatchObject({ action: 'delete', actor: { kind: 'admin-view', name: 'ADA' } });
});

test('at 390 px the list and a refused form fit the phone', async () => {
  const phone = await admin.signIn('ADA', '/admin/ip-groups', 'phone');
  const { page } = phone;
  try {
    await screenshot(page, 'admin-ipgroups-list-phone');
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    await page.goto(`${admin.url}/admin/ip-groups/new`);
    await page.getByLabel('IP group', { exact: true }).fill('LAB');
    await page.getByLabel('Ranges').fill('2001:db8::/129');
    expect(await send(page, 'button[type="submit"].primary')).toBe(400);
    await screenshot(page, 'admin-ipgroups-form-error-phone');
    await expect(page.textContent('#ipgroup-ranges-error')).resolves.toMatch(/^Line 1: /);
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    await page.goto(`${admin.url}/admin/ip-groups/OFFICE/delete`);
    await screenshot(page, 'admin-ipgroups-delete-phone');
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
  } finally {
    await phone.context.close();
  }
});
