import { startAutoSubmittingPage } from '../support/autoSubmittingPage.ts';
import { screenshot } from '../support/browser.ts';
import { startAdminConsole, type AdminConsole } from '../support/adminConsole.ts';

// The admin view's wall: who gets in (an admin at the elevated level), who does not (a
// person without the admin role, a class without elevated access, a form from another
// site), in a real browser.

let admin: AdminConsole;
let evil: Awaited<ReturnType<typeof startAutoSubmittingPage>>;
let forged = { action: '', csrf: '' };

beforeAll(async () => {
  admin = await startAdminConsole();
  await admin.services.classes.add({ name: 'NOAOD', mfa_device: 'S', no_screen_channel: 'E', question_count: 0, max_retries: 3, wait_seconds: 60, factors: { MFA: { TOTP: 1 } } });
  await admin.addPerson('CID', { class: 'NOAOD', roles: ['admin'] });
  // Another origin on the same site (another port of 127.0.0.1: the browser sends the admin's SameSite=Lax cookies along).
  evil = await startAutoSubmittingPage(() => ({ title: 'Win a prize', action: forged.action, inputs: `<input name="csrf" value="${forged.csrf}">` }));
});

afterAll(async () => {
  await evil?.close();
  await admin?.stop();
});

test('an admin signs in through Gatehouse at the elevated level and reaches the console', async () => {
  const { context, page } = await admin.signIn('ADA');
  await screenshot(page, 'admin-home');
  expect(new URL(page.url()).pathname).toBe('/admin');
  await expect(page.textContent('h1')).resolves.toBe('Home');
  await expect(page.textContent('.who')).resolves.toContain('ADA');
  await context.close();
});

test('a person without the admin role who signs in gets a 403 page, never the console', async () => {
  const { context, page } = await admin.signIn('BOB');
  await screenshot(page, 'admin-not-admin');
  await expect(page.textContent('h1')).resolves.toBe('Not an administrator');
  await expect(page.locator('nav.sections').count()).resolves.toBe(0);
  const again = await page.goto(`${admin.url}/admin?again=1`);
  expect(again!.status()).toBe(403);
  await context.close();
});

test('an admin whose class has no factor for elevated access is told why the console stays shut', async () => {
  const { context, page } = await admin.signIn('CID');
  await screenshot(page, 'admin-short-acr');
  await expect(page.textContent('.alert')).resolves.toContain('needs elevated access');
  await expect(page.locator('nav.sections').count()).resolves.toBe(0);
  await context.close();
});

test('a form posted from another origin changes nothing, even with the right CSRF token', async () => {
  const { context, page } = await admin.signIn('ADA', '/admin', 'phone');
  await screenshot(page, 'admin-home-phone');
  forged = { action: `${admin.url}/admin/sign-out`, csrf: (await page.getAttribute('input[name="csrf"]', 'value'))! };
  const refused = page.waitForResponse((response) => response.url() === forged.action && response.request().method() === 'POST');
  await page.goto(`http://127.0.0.1:${evil.port}/`);
  const response = await refused;
  expect(response.status()).toBe(403);
  expect(await response.request().headerValue('cookie')).toContain('gatehouse.admin=');
  // Still signed in: the session was not ended by the forged sign-out.
  await page.goto(`${admin.url}/admin`);
  await expect(page.textContent('h1')).resolves.toBe('Home');
  await context.close();
});
