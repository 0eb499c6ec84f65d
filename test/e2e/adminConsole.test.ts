import { generate } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshot } from '../support/browser.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

// The admin view's wall: who gets in (an admin at the elevated level), who does not (a
// person without the admin role, a form from another site), in a real browser.

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let browser: Browser;
const password = 'correct horse battery';
const secrets: Record<string, string> = {};

beforeAll(async () => {
  browser = await launchBrowser();
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  await services.classes.add({ name: 'ADMINS', mfa_device: 'S', no_screen_channel: 'E', question_count: 0, max_retries: 3, wait_seconds: 60, factors: { MFA: { TOTP: 1 }, AOD: { TOTP: 1 } } });
  await services.classes.add({ name: 'NOAOD', mfa_device: 'S', no_screen_channel: 'E', question_count: 0, max_retries: 3, wait_seconds: 60, factors: { MFA: { TOTP: 1 } } });
  for (const [name, className, roles] of [['ADA', 'ADMINS', ['admin']], ['BOB', 'ADMINS', []], ['CID', 'NOAOD', ['admin']]] as const) {
    const person = await services.persons.add({ name, default_user_id: name.toLowerCase(), class: className, password, roles: [...roles] });
    secrets[name] = services.totp.generateSecret();
    await services.totp.setKey(person.sub, { secret: secrets[name]!, state: 'active' }, {});
  }
});

afterAll(async () => {
  await browser?.close();
  await services?.store.close();
  await gatehouse?.stop();
});

/** A code of the person's app for a time step no earlier sign-in of this test used. */
const usedSteps = new Set<string>();
async function freshCode(name: string): Promise<string> {
  for (;;) {
    const step = Math.floor(Date.now() / 30_000);
    if (!usedSteps.has(`${name}:${step}`)) {
      usedSteps.add(`${name}:${step}`);
      return generate({ secret: secrets[name]!, epoch: step * 30 });
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Opens `path` of the admin view in a new browser and signs in as `name` (password and code on one screen, then the elevated step if asked). */
async function signIn(name: string, path = '/admin'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${gatehouse.url}${path}`);
  await page.waitForSelector('#username');
  await page.fill('#username', name.toLowerCase());
  await page.fill('#password', password);
  await page.fill('#code', await freshCode(name));
  await page.click('button[type="submit"].primary');
  await page.waitForLoadState('load');
  return { context, page };
}

test('an admin signs in through Gatehouse at the elevated level and reaches the console', async () => {
  const { context, page } = await signIn('ADA');
  await screenshot(page, 'admin-after-sign-in');
  expect(new URL(page.url()).pathname).toBe('/admin');
  await expect(page.textContent('h1')).resolves.toBe('Home');
  await expect(page.textContent('.who')).resolves.toContain('ADA');
  await context.close();
});
