import { generate } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './browser.ts';
import { startMailedGatehouse } from './mailedGatehouse.ts';

export const adminPassword = 'correct horse battery';

/** Desktop and phone: the two sizes every admin screen is looked at. */
export const viewports = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const;

/**
 * A test Gatehouse (mail to an SMTP catcher on loopback) with the admin view's cast: class
 * ADMINS (TOTP for MFA and for elevated access, AOD), admin ADA and non-admin BOB in it,
 * each with an active TOTP key; and a headless Chromium. `signIn` opens a page of the
 * admin view in a new browser context and signs in (user ID, password and code on one
 * screen, which also meets the AOD step). `stop` ends everything (afterAll).
 */
export async function startAdminConsole(options: Parameters<typeof startMailedGatehouse>[0] = {}) {
  const browser: Browser = await launchBrowser();
  const started = await startMailedGatehouse(options);
  const { services } = started;
  const secrets: Record<string, string> = {};
  const usedSteps = new Set<string>();

  const base = { mfa_device: 'S', no_screen_channel: 'E', question_count: 0, max_retries: 3, wait_seconds: 60 } as const;
  await services.classes.add({ ...base, name: 'ADMINS', text: 'Administrators', factors: { MFA: { TOTP: 1 }, AOD: { TOTP: 1 } } });

  /** Adds a person with an active TOTP key (its secret kept for `code`). */
  async function addPerson(name: string, fields: Record<string, unknown> = {}) {
    const person = await services.persons.add({ name, default_user_id: name.toLowerCase(), class: 'ADMINS', password: adminPassword, email: `${name.toLowerCase()}@example.com`, ...fields });
    secrets[name] = services.totp.generateSecret();
    await services.totp.setKey(person.sub, { secret: secrets[name]!, state: 'active' }, {});
    return person;
  }
  await addPerson('ADA', { first_name: 'Ada', family_name: 'Admin', roles: ['admin'] });
  await addPerson('BOB', { first_name: 'Bob' });

  /** A current code of the person's app for a time step no earlier sign-in of this run used (a step is accepted once). */
  async function code(name: string): Promise<string> {
    for (;;) {
      const step = Math.floor(Date.now() / 30_000);
      if (!usedSteps.has(`${name}:${step}`)) {
        usedSteps.add(`${name}:${step}`);
        return generate({ secret: secrets[name]!, epoch: step * 30 });
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }

  /** Fills the sign-in page the browser is on and sends it; resolves once the next page has loaded. */
  async function answerSignIn(page: Page, name: string) {
    await page.waitForSelector('#username');
    await page.fill('#username', name.toLowerCase());
    await page.fill('#password', adminPassword);
    await page.fill('#code', await code(name));
    await Promise.all([page.waitForNavigation(), page.click('button[type="submit"].primary')]);
    await page.waitForLoadState('load');
  }

  /** A new browser context (`viewport` desktop or phone) on `path` of the admin view, signed in as `name`. */
  async function signIn(name = 'ADA', path = '/admin', viewport: keyof typeof viewports = 'desktop'): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: viewports[viewport] });
    const page = await context.newPage();
    await page.goto(`${started.gatehouse.url}${path}`);
    await answerSignIn(page, name);
    return { context, page };
  }

  return {
    ...started,
    browser,
    url: started.gatehouse.url,
    secrets,
    addPerson,
    code,
    answerSignIn,
    signIn,
    async stop() {
      await browser.close();
      await started.stop();
    },
  };
}

export type AdminConsole = Awaited<ReturnType<typeof startAdminConsole>>;
