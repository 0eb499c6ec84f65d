import { screenshot } from '../support/browser.ts';
import { startAdminConsole, type AdminConsole } from '../support/adminConsole.ts';

// The admin view's wall: who gets in (an admin at the elevated level), who does not (a
// person without the admin role, a class without elevated access, a form from another
// site), in a real browser.

let admin: AdminConsole;

beforeAll(async () => {
  admin = await startAdminConsole();
  await admin.services.classes.add({ name: 'NOAOD', mfa_device: 'S', no_screen_channel: 'E', question_count: 0, max_retries: 3, wait_seconds: 60, factors: { MFA: { TOTP: 1 } } });
  await admin.addPerson('CID', { class: 'NOAOD', roles: ['admin'] });
});

afterAll(async () => {
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
