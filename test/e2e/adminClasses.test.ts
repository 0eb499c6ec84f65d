import { jest } from '@jest/globals';
import type { BrowserContext, Page } from 'playwright-core';
import { adminPassword, startAdminConsole, type AdminConsole } from '../support/adminConsole.ts';
import { screenshot } from '../support/browser.ts';

// Work with Classes in a real browser: a class made through the factor × context grid and
// the coded fields is stored as the API would store it; emptying a cell stops the factor;
// a bad priority is shown at its cell and stores nothing; a class in use or the default
// class is not deleted; the default class is set and cleared; each change is audited with
// the admin as actor. Desktop first, then the same pages at 390 px.

jest.setTimeout(180_000);

let admin: AdminConsole;
let desktop: { context: BrowserContext; page: Page };

beforeAll(async () => {
  admin = await startAdminConsole();
  desktop = await admin.signIn('ADA', '/admin/classes');
});

afterAll(async () => {
  await desktop?.context.close();
  await admin?.stop();
});

/** Clicks a form's button and waits for the page it leads to; the answer's status (a 303's target: that page's). */
async function send(page: Page, button: string): Promise<number> {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(button)]);
  await page.waitForLoadState('load');
  return response!.status();
}

const cell = (page: Page, factor: string, context: string) => page.getByLabel(`${factor} priority for ${context}`, { exact: true });

/** The newest audit entry of a class (or of the settings), to check who the log names. */
async function lastAudit(entity: 'class' | 'settings', entityId: string) {
  const [entry] = await admin.services.audit.list({ entity, entityId, limit: 1 });
  return entry;
}

/** The page fits the viewport: nothing but a table's own box scrolls sideways. */
const pageWidth = (page: Page) => page.evaluate('document.documentElement.scrollWidth') as Promise<number>;

test('the list shows each class with its factors in priority order, its limits and its actions', async () => {
  const { page } = desktop;
  await admin.services.classes.add({ name: 'ORDERED', text: 'Questions first', mfa_device: 'S', question_count: 1, factors: { MFA: { TOTP: 2, Qstn: 1 } }, max_retries: 0 });
  await page.goto(`${admin.url}/admin/classes`);
  await expect(page.textContent('h1')).resolves.toBe('Classes');
  const row = page.locator('tr', { has: page.locator('th a', { hasText: 'ORDERED' }) });
  await expect(row.locator('td').nth(1).textContent()).resolves.toBe('Qstn, TOTP');
  await expect(row.locator('td').nth(3).textContent()).resolves.toBe('No maximum of retries');
  const admins = page.locator('tr', { has: page.locator('th a', { hasText: 'ADMINS' }) });
  await expect(admins.locator('td').nth(3).textContent()).resolves.toBe('3 retries, then a wait of 60 s');
  await expect(page.getByRole('link', { name: 'Modify class ORDERED' }).getAttribute('href')).resolves.toBe('/admin/classes/ORDERED');
  await expect(page.getByRole('link', { name: 'Delete class ORDERED' }).getAttribute('href')).resolves.toBe('/admin/classes/ORDERED/delete');
  await screenshot(page, 'admin-classes-list');
});

test('a class made through the grid, the coded fields and the reset block is stored as the API would store it', async () => {
  const { page } = desktop;
  await page.goto(`${admin.url}/admin/classes`);
  await Promise.all([page.waitForNavigation(), page.click('text=Add class')]);
  await expect(page.textContent('h1')).resolves.toBe('Add class');
  await page.getByLabel('Class', { exact: true }).fill('gridtest');
  await page.getByLabel('Text', { exact: true }).fill('TOTP, then questions or a code');
  await page.getByLabel('MFA preferred device').selectOption('S');
  await page.getByLabel('If no screen, prefer').selectOption('C');
  await page.getByLabel('Restrict emails to domain').fill('Example.com');
  await page.getByLabel('Allow OTP instead of TOTP').selectOption('Y');
  await cell(page, 'TOTP', 'MFA').fill('1');
  await cell(page, 'Qstn', 'MFA').fill('2');
  await cell(page, 'OTP', 'MFA').fill('3');
  await cell(page, 'TOTP', 'AOD').fill('1');
  await cell(page, 'Qstn', 'P-R').fill('1');
  await cell(page, 'OTP', 'P-R').fill('2');
  await page.getByLabel('Number of private questions').fill('2');
  await page.getByLabel('Maximum retries').fill('5');
  await page.getByLabel('Wait before next attempt').fill('999');
  await page.getByLabel('Verify user by').selectOption('M');
  await page.getByLabel('Get new password by').selectOption('N');
  await page.getByLabel('Reset your password by').selectOption('9');
  await page.getByLabel('Password must be changed in').fill('30');
  expect(await send(page, 'button[type="submit"].primary')).toBe(200);

  expect(new URL(page.url()).pathname).toBe('/admin/classes');
  await expect(page.textContent('.notice')).resolves.toBe('The class was added.');
  const stored = await admin.services.classes.show('GRIDTEST');
  expect(stored).toMatchObject({
    name: 'GRIDTEST',
    text: 'TOTP, then questions or a code',
    mfa_device: 'S',
    no_screen_channel: 'C',
    email_domain: 'example.com',
    allow_otp_instead_of_totp: 'Y',
    factors: { MFA: { OTP: 3, TOTP: 1, Qstn: 2 }, AOD: { TOTP: 1 }, 'P-R': { OTP: 2, Qstn: 1 } },
    question_count: 2,
    max_retries: 5,
    wait_seconds: 999,
    password_reset: { verify_by: 'M', new_password_by: 'N', reset_by: '9', must_change_minutes: 30 },
  });
  expect(stored.api_provider).toBeUndefined();
  const row = page.locator('tr', { has: page.locator('th a', { hasText: 'GRIDTEST' }) });
  await expect(row.locator('td').nth(1).textContent()).resolves.toBe('TOTP, Qstn, OTP');
  await expect(row.locator('td').nth(3).textContent()).resolves.toBe('5 retries, then locked until an admin unlocks');
  const entry = await lastAudit('class', 'gridtest');
  expect(entry).toMatchObject({ action: 'create', actor: { kind: 'admin-view', name: 'ADA' } });
});

test('a priority of 12 is shown at its cell, with what was typed, and stores nothing', async () => {
  const { page } = desktop;
  await page.goto(`${admin.url}/admin/classes/new`);
  await page.getByLabel('Class', { exact: true }).fill('BADPRIO');
  await page.getByLabel('MFA preferred device').selectOption('S');
  await cell(page, 'TOTP', 'MFA').fill('12');
  await cell(page, 'OTP', 'AOD').fill('1');
  expect(await send(page, 'button[type="submit"].primary')).toBe(400);

  await expect(page.textContent('.alert[role="alert"]')).resolves.toContain('TOTP priority for MFA: a priority from 1 to 9.');
  const invalid = cell(page, 'TOTP', 'MFA');
  await expect(invalid.getAttribute('aria-invalid')).resolves.toBe('true');
  await expect(invalid.inputValue()).resolves.toBe('12');
  const describedBy = (await invalid.getAttribute('aria-describedby'))!.split(' ');
  await expect(page.textContent(`#${describedBy.at(-1)}`)).resolves.toBe('TOTP priority for MFA: a priority from 1 to 9.');
  await expect(cell(page, 'OTP', 'AOD').getAttribute('aria-invalid')).resolves.toBeNull();
  await expect(cell(page, 'OTP', 'AOD').inputValue()).resolves.toBe('1');
  await expect(page.getByLabel('Class', { exact: true }).inputValue()).resolves.toBe('BADPRIO');
  await expect(page.getByLabel('MFA preferred device').inputValue()).resolves.toBe('S');
  // The summary's link goes to the cell.
  await expect(page.locator('.alert a').getAttribute('href')).resolves.toBe(`#${await invalid.getAttribute('id')}`);
  await screenshot(page, 'admin-classes-form-error');
  await expect(admin.services.classes.show('BADPRIO')).rejects.toThrow('There is no class');
});

test('modify: the name is fixed, an emptied cell stops the factor, the same priority twice is refused at its cells', async () => {
  const { page } = desktop;
  await page.goto(`${admin.url}/admin/classes/GRIDTEST`);
  await expect(page.textContent('h1')).resolves.toBe('Modify class GRIDTEST');
  await expect(page.locator('input[name="name"]').count()).resolves.toBe(0);
  await expect(page.textContent('.fixed-name-value')).resolves.toBe('GRIDTEST');
  await expect(cell(page, 'Qstn', 'MFA').inputValue()).resolves.toBe('2');
  await expect(page.getByLabel('Verify user by').inputValue()).resolves.toBe('M');
  await screenshot(page, 'admin-classes-modify');

  // The same priority twice in one context: both cells marked, nothing stored.
  await cell(page, 'OTP', 'MFA').fill('1');
  expect(await send(page, 'button[type="submit"].primary')).toBe(400);
  await expect(page.textContent('#class-factors-error')).resolves.toContain('priority 1 is given to both OTP and TOTP');
  await expect(cell(page, 'OTP', 'MFA').getAttribute('aria-invalid')).resolves.toBe('true');
  await expect(cell(page, 'TOTP', 'MFA').getAttribute('aria-invalid')).resolves.toBe('true');
  await expect(cell(page, 'Qstn', 'MFA').getAttribute('aria-invalid')).resolves.toBeNull();
  expect((await admin.services.classes.show('GRIDTEST')).factors.MFA).toEqual({ OTP: 3, TOTP: 1, Qstn: 2 });

  await cell(page, 'OTP', 'MFA').fill('3');
  await cell(page, 'Qstn', 'MFA').fill('');
  await cell(page, 'OTP', 'P-R').fill('');
  await page.getByLabel('Maximum retries').fill('4');
  await page.getByLabel('Restrict emails to domain').fill('');
  expect(await send(page, 'button[type="submit"].primary')).toBe(200);
  await expect(page.textContent('.notice')).resolves.toBe('The class was saved.');
  const stored = await admin.services.classes.show('GRIDTEST');
  expect(stored.factors).toEqual({ MFA: { OTP: 3, TOTP: 1 }, AOD: { TOTP: 1 }, 'P-R': { Qstn: 1 } });
  expect(stored.max_retries).toBe(4);
  expect(stored.email_domain).toBeUndefined();
  expect(stored).toMatchObject({ mfa_device: 'S', allow_otp_instead_of_totp: 'Y', question_count: 2, password_reset: { verify_by: 'M', reset_by: '9', must_change_minutes: 30 } });
  const entry = await lastAudit('class', 'gridtest');
  expect(entry).toMatchObject({ action: 'update', actor: { kind: 'admin-view', name: 'ADA' } });
  expect(entry!.before).toMatchObject({ factors: { MFA: { Qstn: 2 } } });
  expect((entry!.after as { factors: { MFA: object } }).factors.MFA).toEqual({ OTP: 3, TOTP: 1 });
});

test('a class a person has is not deleted: the confirmation says why, and nothing changes', async () => {
  const { page } = desktop;
  await admin.services.persons.add({ name: 'CARL', default_user_id: 'carl', class: 'GRIDTEST', password: adminPassword });
  await page.goto(`${admin.url}/admin/classes`);
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: 'Delete class GRIDTEST' }).click()]);
  await expect(page.textContent('h1')).resolves.toBe('Delete class GRIDTEST');
  expect(await send(page, 'button.danger')).toBe(409);
  await expect(page.textContent('.alert')).resolves.toContain('Persons still have the class GRIDTEST');
  await expect(page.locator('button.danger').count()).resolves.toBe(0);
  await screenshot(page, 'admin-classes-delete-refused');
  await expect(admin.services.classes.show('GRIDTEST')).resolves.toMatchObject({ name: 'GRIDTEST' });
  expect((await lastAudit('class', 'gridtest'))!.action).toBe('update');
});

test('the default class is set from the list, marked, cannot be deleted, and is cleared', async () => {
  const { page } = desktop;
  await page.goto(`${admin.url}/admin/classes`);
  await page.getByRole('combobox', { name: 'Default class' }).selectOption('ORDERED');
  expect(await send(page, 'form.default-class button')).toBe(200);
  await expect(page.textContent('.notice')).resolves.toBe('The default class was set.');
  await expect(admin.services.settings.defaultClass()).resolves.toBe('ORDERED');
  await expect(page.locator('tr', { has: page.locator('th a', { hasText: 'ORDERED' }) }).locator('.badge').textContent()).resolves.toBe('default');
  await expect(page.getByRole('combobox', { name: 'Default class' }).inputValue()).resolves.toBe('ORDERED');
  expect(await lastAudit('settings', 'default_class')).toMatchObject({ action: 'update', actor: { kind: 'admin-view', name: 'ADA' }, after: { default_class: 'ORDERED' } });

  await page.goto(`${admin.url}/admin/classes/ORDERED/delete`);
  await expect(page.textContent('.warning')).resolves.toContain('is the default class');
  await expect(page.locator('button.danger').count()).resolves.toBe(0);

  await page.goto(`${admin.url}/admin/classes`);
  await page.getByRole('combobox', { name: 'Default class' }).selectOption('');
  expect(await send(page, 'form.default-class button')).toBe(200);
  await expect(admin.services.settings.defaultClass()).resolves.toBeUndefined();
  expect(await lastAudit('settings', 'default_class')).toMatchObject({ actor: { kind: 'admin-view' }, after: {} });
});

test('a class no one has is deleted after its confirmation, and the deletion is audited', async () => {
  const { page } = desktop;
  await page.goto(`${admin.url}/admin/classes/ORDERED/delete`);
  await expect(page.textContent('.narrow p:not(.hint)')).resolves.toContain('Delete the class ORDERED?');
  expect(await send(page, 'button.danger')).toBe(200);
  await expect(page.textContent('.notice')).resolves.toBe('The class was deleted.');
  await expect(admin.services.classes.show('ORDERED')).rejects.toThrow('There is no class');
  expect(await lastAudit('class', 'ordered')).toMatchObject({ action: 'delete', actor: { kind: 'admin-view', name: 'ADA' } });
  await page.goto(`${admin.url}/admin/classes/ORDERED`);
  await expect(page.textContent('.alert')).resolves.toContain('There is no class ORDERED');
});

test('at 390 px: the list, the grid and a refused form fit the phone; in Spanish too', async () => {
  const phone = await admin.signIn('ADA', '/admin/classes', 'phone');
  const { page } = phone;
  try {
    await screenshot(page, 'admin-classes-list-phone');
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    await page.goto(`${admin.url}/admin/classes/GRIDTEST`);
    await screenshot(page, 'admin-classes-modify-phone');
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    // The whole grid is seen without scrolling sideways.
    const grid = await page.locator('table.priority-grid').boundingBox();
    expect(grid!.x + grid!.width).toBeLessThanOrEqual(390);
    await page.goto(`${admin.url}/admin/classes/new`);
    await page.getByLabel('Class', { exact: true }).fill('PHONE');
    await page.getByLabel('Wait before next attempt').fill('0');
    expect(await send(page, 'button[type="submit"].primary')).toBe(400);
    await screenshot(page, 'admin-classes-form-error-phone');
    await expect(page.textContent('#class-wait_seconds-error')).resolves.toContain('A whole number from 1 to 999 (999 = no retry until an admin unlocks); got 0.');
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);

    await admin.services.persons.update('ADA', { preferred_language: 'SPA' });
    await page.goto(`${admin.url}/admin/classes`);
    await expect(page.textContent('h1')).resolves.toBe('Clases');
    await screenshot(page, 'admin-classes-list-phone-es');
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    await page.goto(`${admin.url}/admin/classes/new`);
    await page.getByLabel('Clase', { exact: true }).fill('ESPANOL');
    await page.getByLabel('Prioridad de TOTP para MFA', { exact: true }).fill('12');
    expect(await send(page, 'button[type="submit"].primary')).toBe(400);
    await screenshot(page, 'admin-classes-form-error-phone-es');
    await expect(page.getByLabel('Prioridad de TOTP para MFA', { exact: true }).getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.textContent('.alert')).resolves.toContain('Prioridad de TOTP para MFA: una prioridad de 1 a 9, o vacío (no se usa).');
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
  } finally {
    await admin.services.persons.update('ADA', { preferred_language: 'ENG' });
    await phone.context.close();
  }
});
