import type { BrowserContext, Page } from 'playwright-core';
import { sensitiveStepUpMs } from '../../src/admin/console/adminSessionOptions.ts';
import { retryRuleOf } from '../../src/factors/attempts/retryRuleOf.ts';
import { screenshot } from '../support/browser.ts';
import { adminPassword, startAdminConsole, type AdminConsole } from '../support/adminConsole.ts';

// "Work with Persons" in a real browser: the list with its filters and pages, Add person,
// option 1 (every field, the password), 3 Rename, 4 Delete (sensitive: a step-up of the
// last two minutes), 7 Questions and 9 MFA (the plan and unlock). One sign-in per
// viewport, reused by the tests in order; each change is read back from the database and
// found in the audit log with the admin as actor.

let admin: AdminConsole;
let context: BrowserContext;
let page: Page;
let signedInAt: number;

const pagingCount = 60;

beforeAll(async () => {
  admin = await startAdminConsole();
  const { services } = admin;
  // Without passwords: nothing to hash, the directory fills in a moment.
  for (let index = 1; index <= pagingCount; index++) {
    const number = String(index).padStart(3, '0');
    await services.persons.add({ name: `PAGE${number}`, first_name: 'Paging', family_name: `Person ${number}`, class: '*NEVER' });
  }
  const pepe = await services.persons.add({ name: 'PEPE', default_user_id: 'pepe', class: 'ADMINS', email: 'pepe@example.com', first_name: 'Pepino', family_name: 'Cuevas', employee_number: '5555' });
  await services.questions.setAnswers(pepe.sub, [{ question: 'Name of your first pet?', answer: 'Rex' }, { question: 'City where you were born?', answer: 'Cádiz' }]);
  await services.persons.add({ name: 'GONER', class: 'ADMINS' });
  await services.persons.add({ name: 'LATER', class: 'ADMINS' });
  await admin.addPerson('LOCKY', { first_name: 'Lockhart' });
  ({ context, page } = await admin.signIn('ADA', '/admin/persons'));
  signedInAt = Date.now();
}, 120_000);

afterAll(async () => {
  await context?.close();
  await admin?.stop();
});

const url = (path: string) => `${admin.url}${path}`;
const text = async (selector: string) => (await page.textContent(selector))?.trim();
async function submit(selector = 'form[novalidate] button[type="submit"].primary') {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}
const newestAudit = async (sub: string) => (await admin.services.audit.list({ entity: 'person', entityId: sub, limit: 1 }))[0];

test('the list finds persons by filter and pages on the server, keeping the filters', async () => {
  expect(new URL(page.url()).pathname).toBe('/admin/persons');
  await page.fill('#filter-q', 'paging');
  await page.selectOption('#filter-page-size', '50');
  await Promise.all([page.waitForNavigation(), page.click('form.filters button[type="submit"]')]);
  await expect(text('p[role="status"].hint')).resolves.toBe(`${pagingCount} persons match.`);
  await expect(text('.pager span')).resolves.toBe('Page 1 of 2');
  await expect(page.locator('tbody tr').count()).resolves.toBe(50);
  await expect(text('tbody tr:first-child th')).resolves.toBe('PAGE001');
  await screenshot(page, 'admin-persons-list');

  await Promise.all([page.waitForNavigation(), page.click('.pager a[rel="next"]')]);
  const address = new URL(page.url());
  expect(Object.fromEntries(address.searchParams)).toEqual({ q: 'paging', page_size: '50', page: '2' });
  await expect(text('.pager span')).resolves.toBe('Page 2 of 2');
  await expect(page.locator('tbody tr').count()).resolves.toBe(pagingCount - 50);
  await expect(page.inputValue('#filter-q')).resolves.toBe('paging');
  await expect(page.inputValue('#filter-page-size')).resolves.toBe('50');
  await expect(text('tbody tr:last-child th')).resolves.toBe(`PAGE0${pagingCount}`);
  // The options of a row, numbered as on the source screen; 8 leads to the TOTP key menu.
  await expect(page.locator('tbody tr:first-child .row-actions a').allTextContents()).resolves.toEqual(['3 Rename', '4 Delete', '7 Questions', '8 TOTP', '9 MFA']);
  await expect(page.getAttribute('tbody tr:first-child .row-actions a:text("8 TOTP")', 'href')).resolves.toBe('/admin/persons/PAGE051/totp');

  // The Y/N filters: only ADA, BOB and LOCKY have a registered TOTP key; PEPE alone has questions.
  await page.goto(url('/admin/persons?totp=Y'));
  await expect(page.locator('tbody th').allTextContents()).resolves.toEqual(['ADA', 'BOB', 'LOCKY']);
  await page.goto(url('/admin/persons?questions=Y&mfa=Y'));
  await expect(page.locator('tbody th').allTextContents()).resolves.toEqual(['PEPE']);
  await expect(page.inputValue('#filter-questions')).resolves.toBe('Y');
  await page.goto(url('/admin/persons?q=nobody-has-this'));
  await expect(text('p.panel')).resolves.toBe('No person matches these filters. Change or clear them to see more.');
});

test('delete (option 4): a fresh sign-in passes the step-up, the confirmation says what goes, and the person is gone', async () => {
  const goner = await admin.services.persons.show('GONER');
  await page.goto(url('/admin/persons?q=goner'));
  await Promise.all([page.waitForNavigation(), page.click('a:text("4 Delete")')]);
  expect(new URL(page.url()).pathname).toBe('/admin/persons/GONER/delete');
  await expect(text('.warning')).resolves.toContain('every grant, code and token issued to applications for them');
  await screenshot(page, 'admin-persons-delete');
  await Promise.all([page.waitForNavigation(), page.click('button.danger')]);
  expect(new URL(page.url()).pathname).toBe('/admin/persons');
  await expect(text('.notice')).resolves.toBe('The person was deleted, with their sessions, grants and tokens.');
  await expect(admin.services.persons.show('GONER')).rejects.toThrow('There is no person');
  const entry = await newestAudit(goner.sub);
  expect(entry).toMatchObject({ action: 'delete', actor: { kind: 'admin-view', name: 'ADA' } });

  // An admin cannot delete themselves: the page says so and offers no form.
  const response = await page.goto(url('/admin/persons/ada/delete'));
  expect(response?.status()).toBe(403);
  await expect(text('.alert')).resolves.toBe('You cannot delete yourself. Another admin can delete your person if it must go.');
  await expect(page.locator('button.danger').count()).resolves.toBe(0);
});

test('work with (option 1): the fields are saved and read back, audited with the admin', async () => {
  await page.goto(url('/admin/persons?user_id=PEPE'));
  await expect(page.locator('tbody th').allTextContents()).resolves.toEqual(['PEPE']);
  await Promise.all([page.waitForNavigation(), page.click('tbody th a')]);
  expect(new URL(page.url()).pathname).toBe('/admin/persons/PEPE');
  await expect(page.inputValue('#person-first-name')).resolves.toBe('Pepino');
  await expect(page.inputValue('#person-class')).resolves.toBe('ADMINS');

  await page.fill('#person-first-name', 'Pepe');
  await page.fill('#person-cell-phone', '+34 600 000 000');
  await page.fill('#person-birth-date', '2001-01-01');
  await page.fill('#person-preferred-language', 'spa');
  await page.fill('#person-user-ids', 'pepe.cuevas, pc');
  await page.fill('#person-roles', 'auditor');
  await page.fill('#person-employee-number', '');
  await page.selectOption('#person-class', '*NEVER');
  await page.uncheck('#person-enabled');
  await page.check('#person-email-verified');
  await screenshot(page, 'admin-persons-form');
  await submit();
  await expect(text('.notice')).resolves.toBe('The person was saved.');

  const saved = await admin.services.persons.show('pepe');
  expect(saved).toMatchObject({ first_name: 'Pepe', cell_phone: '+34 600 000 000', birth_date: '2001-01-01', preferred_language: 'SPA', user_ids: ['pepe.cuevas', 'pc'], roles: ['auditor'], class: '*NEVER', enabled: false, email_verified: true, family_name: 'Cuevas' });
  expect(saved.employee_number).toBeUndefined();
  expect(await newestAudit(saved.sub)).toMatchObject({ action: 'update', actor: { kind: 'admin-view', name: 'ADA' } });
  await expect(page.inputValue('#person-user-ids')).resolves.toBe('pepe.cuevas, pc');
  await expect(page.isChecked('#person-enabled')).resolves.toBe(false);
});

test('an admin cannot disable themselves nor drop their own admin role', async () => {
  const before = await admin.services.persons.show('ADA');
  await page.goto(url('/admin/persons/ADA'));
  await page.uncheck('#person-enabled');
  await submit();
  await expect(text('#person-enabled-error')).resolves.toBe('You cannot disable yourself. Another admin can disable your person.');
  await page.check('#person-enabled');
  await page.fill('#person-roles', 'auditor');
  await submit();
  await expect(text('#person-roles-error')).resolves.toBe('You cannot take the admin role away from yourself. Another admin can.');
  expect(await admin.services.persons.show('ADA')).toEqual(before);
});

test('a bad email is shown at its field and changes nothing', async () => {
  await page.goto(url('/admin/persons/PEPE'));
  const before = await admin.services.persons.show('PEPE');
  await page.fill('#person-email', 'not-an-email');
  await page.fill('#person-first-name', 'Changed');
  const [response] = await Promise.all([page.waitForNavigation(), page.click('form[novalidate] button[type="submit"].primary')]);
  expect(response?.status()).toBe(400);
  await expect(page.getAttribute('#person-email', 'aria-invalid')).resolves.toBe('true');
  await expect(page.getAttribute('#person-email', 'aria-describedby')).resolves.toContain('person-email-error');
  await expect(text('#person-email-error')).resolves.toBe('"not-an-email" is not an email address.');
  await expect(text('.alert li')).resolves.toBe('Email address: "not-an-email" is not an email address.');
  // What was typed is shown again.
  await expect(page.inputValue('#person-first-name')).resolves.toBe('Changed');
  await screenshot(page, 'admin-persons-form-error');
  expect(await admin.services.persons.show('PEPE')).toEqual(before);
});

test('set password: two different passwords are refused, then the new one signs in', async () => {
  await page.goto(url('/admin/persons/PEPE'));
  await page.fill('#new-password', 'a new long passphrase');
  await page.fill('#new-password-again', 'another passphrase');
  await submit('#set-password ~ form button');
  await expect(text('#new-password-error')).resolves.toBe('The two passwords are not the same. Type the same password twice.');
  await page.fill('#new-password', 'short');
  await page.fill('#new-password-again', 'short');
  await submit('#set-password ~ form button');
  await expect(text('#new-password-error')).resolves.toBe('The password needs at least 12 characters; this one has 5.');
  await page.fill('#new-password', 'Password1234');
  await page.fill('#new-password-again', 'Password1234');
  await submit('#set-password ~ form button');
  await expect(text('#new-password-error')).resolves.toBe('This password is on the list of common and breached passwords; choose another.');
  await expect(admin.services.persons.authenticate('pepe', 'Password1234')).resolves.toBeUndefined();
  await expect(page.getAttribute('#new-password', 'autocomplete')).resolves.toBe('new-password');

  await page.fill('#new-password', 'a new long passphrase');
  await page.fill('#new-password-again', 'a new long passphrase');
  await submit('#set-password ~ form button');
  await expect(text('.notice')).resolves.toBe('The password was set.');
  const pepe = await admin.services.persons.show('PEPE');
  await admin.services.persons.update('PEPE', { enabled: true });
  await expect(admin.services.persons.authenticate('pepe', 'a new long passphrase')).resolves.toMatchObject({ name: 'PEPE' });
  expect((await admin.services.audit.list({ entity: 'person', entityId: pepe.sub, limit: 5 })).find((entry) => entry.action === 'set-password')).toMatchObject({ actor: { kind: 'admin-view', name: 'ADA' } });
});

test('add person: the same form with the name and the initial password', async () => {
  await page.goto(url('/admin/persons'));
  await Promise.all([page.waitForNavigation(), page.click('a:text("Add person")')]);
  expect(new URL(page.url()).pathname).toBe('/admin/persons/new');
  await page.fill('#person-name', 'BOB');
  await page.fill('#person-email', 'newbie@example.com');
  await submit();
  await expect(text('#person-name-error')).resolves.toBe('A person named "BOB" already exists (names are compared ignoring case).');
  await screenshot(page, 'admin-persons-add');

  await page.fill('#person-name', 'NEWBIE');
  await page.fill('#person-first-name', 'Nuria');
  await page.fill('#person-password', adminPassword);
  await page.fill('#person-password-again', adminPassword);
  await submit();
  expect(new URL(page.url()).pathname).toBe('/admin/persons/NEWBIE');
  await expect(text('.notice')).resolves.toBe('The person was added.');
  const added = await admin.services.persons.show('newbie');
  expect(added).toMatchObject({ name: 'NEWBIE', default_user_id: 'NEWBIE', email: 'newbie@example.com', first_name: 'Nuria', class: '*DFT', enabled: true, has_password: true });
  expect(await newestAudit(added.sub)).toMatchObject({ action: 'create', actor: { kind: 'admin-view', name: 'ADA' } });
});

test('rename (option 3): a name taken is refused at the field; the new name keeps the sub', async () => {
  const { sub } = await admin.services.persons.show('PEPE');
  await page.goto(url('/admin/persons/pepe/rename'));
  await page.fill('#new-name', 'bob');
  await submit();
  await expect(text('#new-name-error')).resolves.toBe('A person named "BOB" already exists (names are compared ignoring case).');
  await screenshot(page, 'admin-persons-rename');
  await page.fill('#new-name', 'PEPITO');
  await submit();
  expect(new URL(page.url()).pathname).toBe('/admin/persons/PEPITO');
  await expect(text('.notice')).resolves.toBe('The person was renamed.');
  expect((await admin.services.persons.show('PEPITO')).sub).toBe(sub);
  expect(await newestAudit(sub)).toMatchObject({ action: 'rename', actor: { kind: 'admin-view', name: 'ADA' } });
});

test('questions (option 7): the texts without the answers, and cleared after a confirmation', async () => {
  const { sub } = await admin.services.persons.show('PEPITO');
  await admin.services.persons.update('PEPITO', { class: 'ADMINS' });
  await page.goto(url('/admin/persons/PEPITO/questions'));
  await expect(page.locator('ol.question-list li').allTextContents()).resolves.toEqual(['Name of your first pet?', 'City where you were born?']);
  await expect(page.content()).resolves.not.toContain('Rex');
  await expect(text('main')).resolves.toContain('Class ADMINS asks no private questions.');
  await screenshot(page, 'admin-persons-questions');
  await Promise.all([page.waitForNavigation(), page.click('a:text("Clear them")')]);
  await Promise.all([page.waitForNavigation(), page.click('button.danger')]);
  await expect(text('.notice')).resolves.toBe('The private questions were cleared. The person is told by email if they have an address.');
  await expect(text('main')).resolves.toContain('No private questions are set.');
  await expect(admin.services.questions.questionsOf(sub)).resolves.toEqual([]);
  expect(await newestAudit(sub)).toMatchObject({ action: 'set-questions', actor: { kind: 'admin-view', name: 'ADA' }, after: { questions_answered: 0 } });
  expect(admin.mail.messages.some((mail) => mail.to.includes('pepe@example.com'))).toBe(true);
});

test('questions (option 7): new questions and answers typed by the admin replace the set; a refused set changes nothing', async () => {
  const { sub } = await admin.services.persons.show('PEPITO');
  await page.goto(url('/admin/persons/PEPITO/questions'));
  // Two rows with the same question: the service refuses, nothing is stored, the questions typed stay.
  await page.fill('#question_1', 'First school?');
  await page.fill('#answer_1', 'Sagrado Corazón');
  await page.fill('#question_2', 'first   SCHOOL?');
  await page.fill('#answer_2', 'again');
  await Promise.all([page.waitForNavigation(), page.click('button:text("Replace the questions")')]);
  await expect(text('#questions-error')).resolves.toContain('Nothing was changed.');
  await expect(page.inputValue('#question_2')).resolves.toBe('first   SCHOOL?');
  await expect(page.inputValue('#answer_1')).resolves.toBe('');
  await expect(admin.services.questions.questionsOf(sub)).resolves.toEqual([]);
  await page.fill('#question_2', 'Street of childhood?');
  await page.fill('#answer_1', 'Sagrado Corazón');
  await page.fill('#answer_2', 'Calle Mayor');
  await screenshot(page, 'admin-persons-questions-set');
  await Promise.all([page.waitForNavigation(), page.click('button:text("Replace the questions")')]);
  await expect(text('.notice')).resolves.toBe('The private questions were replaced. The person is told by email if they have an address.');
  await expect(page.locator('ol.question-list li').allTextContents()).resolves.toEqual(['First school?', 'Street of childhood?']);
  const stored = await admin.services.questions.questionsOf(sub);
  expect(stored.map((question) => question.text)).toEqual(['First school?', 'Street of childhood?']);
  const verdict = await admin.services.questions.verify(sub, { [stored[1]!.id]: 'calle mayor' }, [stored[1]!.id]);
  expect(verdict.outcome).toBe('success');
  expect(await newestAudit(sub)).toMatchObject({ action: 'set-questions', actor: { kind: 'admin-view', name: 'ADA' }, after: { questions_answered: 2 } });
});

test('MFA (option 9): the plan of each context, the lock of a factor, and unlock', async () => {
  const locky = await admin.services.persons.show('LOCKY');
  const policy = await admin.services.classes.findPolicy('ADMINS');
  for (let failure = 0; failure < 3; failure++) await admin.services.attempts.recordFailure(locky.sub, 'TOTP', retryRuleOf(policy));
  // The list tells the lock too.
  await page.goto(url('/admin/persons?q=locky'));
  await expect(text('tbody tr td:nth-child(8)')).resolves.toBe('Locked');
  await page.goto(url('/admin/persons/LOCKY/mfa'));
  await expect(page.locator('section h2').allTextContents()).resolves.toEqual(['Failed attempts and locks', 'MFA — sign-in', 'AOD — elevated access', 'P-R — password reset']);
  await expect(text('#plan-mfa ~ dl')).resolves.toContain('Required');
  await expect(text('main')).resolves.toContain('Denied: every usable factor is locked');
  const totpRow = page.locator('tbody tr', { hasText: 'TOTP code (and emergency tokens)' });
  await expect(totpRow.textContent()).resolves.toMatch(/Locked until \d\d:\d\d UTC/);
  await screenshot(page, 'admin-persons-mfa');

  await Promise.all([page.waitForNavigation(), totpRow.locator('button').click()]);
  await expect(text('.notice')).resolves.toBe('The factor was unlocked and its failures forgotten.');
  await expect(page.locator('tbody tr', { hasText: 'TOTP code (and emergency tokens)' }).textContent()).resolves.toContain('No failures');
  await expect(admin.services.attempts.status(locky.sub, 'TOTP', retryRuleOf(policy))).resolves.toMatchObject({ locked: false, failures: 0 });
  expect(await newestAudit(locky.sub)).toMatchObject({ action: 'unlock', actor: { kind: 'admin-view', name: 'ADA' }, after: { factor: 'TOTP', failures_cleared: 3 } });
});

test('at phone size, in Spanish: every page fits 390 px (only tables scroll sideways)', async () => {
  const phone = await admin.signIn('ADA', '/admin/persons?q=paging', 'phone');
  try {
    await phone.page.setExtraHTTPHeaders({ 'Accept-Language': 'es' });
    const pages = [
      ['/admin/persons?q=paging', 'list'],
      ['/admin/persons/new', 'add'],
      ['/admin/persons/PEPITO', 'form'],
      ['/admin/persons/PEPITO/rename', 'rename'],
      ['/admin/persons/LATER/delete', 'delete'],
      ['/admin/persons/PEPITO/questions', 'questions'],
      ['/admin/persons/LOCKY/mfa', 'mfa'],
    ] as const;
    for (const [path, name] of pages) {
      await phone.page.goto(url(path));
      expect(new URL(phone.page.url()).pathname).toBe(new URL(url(path)).pathname);
      await screenshot(phone.page, `admin-persons-${name}-phone`);
      await expect(phone.page.evaluate<number>('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(390);
    }
    await phone.page.goto(url('/admin/persons'));
    await expect(phone.page.textContent('h1')).resolves.toBe('Trabajar con personas');
  } finally {
    await phone.context.close();
  }
}, 120_000);

test('delete after the step-up has aged: the confirmation page sends to sign in, and after it the delete goes through', async () => {
  const later = await admin.services.persons.show('LATER');
  const wait = signedInAt + sensitiveStepUpMs + 2000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  await page.goto(url('/admin/persons/LATER/delete'));
  // The step-up: Gatehouse's sign-in page, not the confirmation.
  await page.waitForSelector('#username');
  expect(new URL(page.url()).pathname).not.toBe('/admin/persons/LATER/delete');
  await expect(admin.services.persons.show('LATER')).resolves.toMatchObject({ sub: later.sub });
  await admin.answerSignIn(page, 'ADA');
  expect(new URL(page.url()).pathname).toBe('/admin/persons/LATER/delete');
  await Promise.all([page.waitForNavigation(), page.click('button.danger')]);
  await expect(text('.notice')).resolves.toBe('The person was deleted, with their sessions, grants and tokens.');
  await expect(admin.services.persons.show('LATER')).rejects.toThrow('There is no person');
}, sensitiveStepUpMs + 60_000);
