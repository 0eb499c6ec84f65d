import type { BrowserContext, Page } from 'playwright-core';
import { screenshot } from '../support/browser.ts';
import { adminPassword, startAdminConsole, type AdminConsole } from '../support/adminConsole.ts';

// "Issue a temporary password" on a person's Work with screen, in a real browser: the
// minutes prefilled from the class, refused minutes shown at the field with nothing
// changed, the password shown once in a <code> with when it expires and how to hand it
// over, the person screen saying "Temporary password, expires …" (or expired, or no time
// limit), audited with the admin and never with the password; at 390 px and in Spanish.

let admin: AdminConsole;
let context: BrowserContext;
let page: Page;
const issuedPasswords: string[] = [];

beforeAll(async () => {
  admin = await startAdminConsole();
  await admin.services.classes.add({ name: 'HOUR', mfa_device: 'N', password_reset: { must_change_minutes: 60 } });
  await admin.services.persons.add({ name: 'PEPE', default_user_id: 'pepe', class: 'HOUR', password: adminPassword });
  ({ context, page } = await admin.signIn('ADA', '/admin/persons/PEPE'));
}, 120_000);

afterAll(async () => {
  await context?.close();
  await admin?.stop();
});

const url = (path: string) => `${admin.url}${path}`;
const text = async (selector: string) => (await page.textContent(selector))?.trim();
const pepeSub = async () => (await admin.services.persons.show('PEPE')).sub;
const auditOfPepe = async () => admin.services.audit.list({ entity: 'person', entityId: await pepeSub(), limit: 1000 });
const shownTime = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
const pageWidth = (on: Page) => on.evaluate('document.documentElement.scrollWidth') as Promise<number>;

/** Sends the temporary password form with `minutes` typed; the status of the answer. */
async function issue(minutes: string, on: Page = page): Promise<number | undefined> {
  await on.fill('#temporary-minutes', minutes);
  const [response] = await Promise.all([on.waitForNavigation(), on.click('#temporary-password ~ form button[type="submit"]')]);
  return response?.status();
}

test('the person screen offers it with the class\'s minutes; 0, 1000 and "x" are refused at the field and change nothing', async () => {
  expect(new URL(page.url()).pathname).toBe('/admin/persons/PEPE');
  await expect(text('#temporary-password')).resolves.toBe('Temporary password');
  await expect(page.inputValue('#temporary-minutes')).resolves.toBe('60');
  await expect(text('#temporary-minutes-hint')).resolves.toContain('60 is what the person\'s class sets ("Password must be changed in")');
  await expect(page.locator('#temporary-password ~ form input[name="csrf"]').count()).resolves.toBe(1);
  await expect(page.getAttribute('#temporary-password ~ form', 'action')).resolves.toBe('/admin/persons/PEPE/temporary-password');
  await expect(page.locator('.facts dt:text("Password") + dd').textContent()).resolves.toBe('Set');

  const before = { person: await admin.services.persons.show('PEPE'), audit: (await auditOfPepe()).length };
  for (const minutes of ['0', '1000', 'x', '']) {
    expect({ minutes, status: await issue(minutes) }).toEqual({ minutes, status: 400 });
    await expect(text('#temporary-minutes-error')).resolves.toBe('Type a whole number of minutes from 1 to 999 (999: no time limit).');
    await expect(page.getAttribute('#temporary-minutes', 'aria-invalid')).resolves.toBe('true');
    await expect(text('p.alert[role="alert"]')).resolves.toBe('No temporary password was issued: Type a whole number of minutes from 1 to 999 (999: no time limit).');
    await expect(page.inputValue('#temporary-minutes')).resolves.toBe(minutes);
  }
  await screenshot(page, 'admin-persons-temporary-refused');
  expect({ person: await admin.services.persons.show('PEPE'), audit: (await auditOfPepe()).length }).toEqual(before);
  await expect(admin.services.persons.authenticate('pepe', adminPassword)).resolves.toMatchObject({ name: 'PEPE' });
});

test('a form without the session\'s CSRF token changes nothing (403)', async () => {
  const before = await admin.services.persons.show('PEPE');
  const answer = await page.request.post(url('/admin/persons/PEPE/temporary-password'), { form: { minutes: '30' }, headers: { origin: admin.url } });
  expect(answer.status()).toBe(403);
  expect(await answer.text()).not.toMatch(/[a-zA-Z2-9]{4}-[a-zA-Z2-9]{4}-[a-zA-Z2-9]{4}-[a-zA-Z2-9]{4}/);
  expect(await admin.services.persons.show('PEPE')).toEqual(before);
});

test('issued: the password once in a <code>, when it expires, to give it by a safe way; the person screen says until when; audited without it', async () => {
  await page.goto(url('/admin/persons/PEPE'));
  const started = Date.now();
  expect(await issue('45')).toBe(200);
  expect(new URL(page.url()).pathname).toBe('/admin/persons/PEPE/temporary-password');
  await expect(text('h1')).resolves.toBe('Temporary password of PEPE');
  const password = (await text('code[data-testid="temporary-password"]'))!;
  expect(password).toMatch(/^[a-zA-Z2-9]{4}(-[a-zA-Z2-9]{4}){3}$/);
  issuedPasswords.push(password);
  const { temporary_password: temporary } = await admin.services.persons.show('PEPE');
  const expiresAt = Date.parse(temporary!.expires_at!);
  expect(expiresAt).toBeGreaterThanOrEqual(started + 45 * 60_000 - 1000);
  expect(expiresAt).toBeLessThanOrEqual(Date.now() + 45 * 60_000);
  await expect(text('#temporary-password-until')).resolves.toBe(`It signs in until ${shownTime(temporary!.expires_at!)}. After that it no longer works, and you can issue a new one.`);
  await expect(text('.warning')).resolves.toContain('Give it to the person by a safe way');
  await screenshot(page, 'admin-persons-temporary-issued');

  await expect(admin.services.persons.authenticate('pepe', adminPassword)).resolves.toBeUndefined();
  await expect(admin.services.persons.authenticate('pepe', password)).resolves.toMatchObject({ name: 'PEPE' });
  const [entry] = await auditOfPepe();
  expect(entry).toMatchObject({ action: 'temporary-password', actor: { kind: 'admin-view', name: 'ADA' }, after: { name: 'PEPE', reason: 'admin', expires_at: temporary!.expires_at } });

  // Back on the person's screen: the password is not there, its expiry is.
  await Promise.all([page.waitForNavigation(), page.click('a.button.primary')]);
  expect(new URL(page.url()).pathname).toBe('/admin/persons/PEPE');
  await expect(page.locator('.facts dt:text("Password") + dd').textContent()).resolves.toBe(`Temporary password, expires ${shownTime(temporary!.expires_at!)}`);
  expect(await page.content()).not.toContain(password);
});

test('999 minutes: no time limit; a temporary password past its time is shown as expired', async () => {
  await page.goto(url('/admin/persons/PEPE'));
  expect(await issue('999')).toBe(200);
  issuedPasswords.push((await text('code[data-testid="temporary-password"]'))!);
  await expect(text('#temporary-password-until')).resolves.toBe('It has no time limit: it signs in until the person has chosen their own password.');
  await page.goto(url('/admin/persons/PEPE'));
  await expect(page.locator('.facts dt:text("Password") + dd').textContent()).resolves.toBe('Temporary password, no time limit');

  const stored = (await admin.services.persons.findBySub(await pepeSub()))!;
  const past = await admin.services.temporaryPasswords.issue(stored, { minutes: 1, actor: { kind: 'cli', id: 'test' }, reason: 'admin', now: Date.now() - 120_000 });
  issuedPasswords.push(past.password);
  await page.goto(url('/admin/persons/PEPE'));
  await expect(page.locator('.facts dt:text("Password") + dd').textContent()).resolves.toBe(`Temporary password, expired ${shownTime(past.expiresAt!.toISOString())}: it no longer signs in`);
  await expect(admin.services.persons.authenticate('pepe', past.password)).resolves.toBeUndefined();
});

test('at 390 px and in Spanish', async () => {
  const phone = await admin.signIn('ADA', '/admin/persons/PEPE', 'phone');
  try {
    await admin.services.persons.update('ADA', { preferred_language: 'SPA' });
    await phone.page.goto(url('/admin/persons/PEPE'));
    await expect(phone.page.textContent('#temporary-password')).resolves.toBe('Contraseña temporal');
    await expect(phone.page.locator('.facts dt:text("Contraseña") + dd').textContent()).resolves.toContain('Contraseña temporal, caducó el');
    expect(await pageWidth(phone.page)).toBeLessThanOrEqual(390);
    expect(await issue('abc', phone.page)).toBe(400);
    await expect(phone.page.textContent('#temporary-minutes-error')).resolves.toBe('Escriba un número entero de minutos de 1 a 999 (999: sin límite de tiempo).');
    expect(await issue('30', phone.page)).toBe(200);
    await expect(phone.page.textContent('h1')).resolves.toBe('Contraseña temporal de PEPE');
    issuedPasswords.push((await phone.page.textContent('code[data-testid="temporary-password"]'))!.trim());
    await expect(phone.page.textContent('.warning')).resolves.toContain('por una vía segura');
    await expect(phone.page.textContent('#temporary-password-until')).resolves.toMatch(/^Sirve para iniciar sesión hasta el \d{4}-\d\d-\d\d \d\d:\d\d UTC\./);
    await screenshot(phone.page, 'admin-persons-temporary-issued-phone-es');
    expect(await pageWidth(phone.page)).toBeLessThanOrEqual(390);
  } finally {
    await admin.services.persons.update('ADA', { preferred_language: 'ENG' });
    await phone.context.close();
  }
});

test('no password shown here is anywhere in the audit log', async () => {
  expect(issuedPasswords).toHaveLength(4);
  const everything = JSON.stringify(await admin.services.audit.list({ limit: 1000 }));
  for (const password of issuedPasswords) expect(everything).not.toContain(password);
});
