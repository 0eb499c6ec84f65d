import { jest } from '@jest/globals';
import { generate } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshot, screenshotDir } from '../support/browser.ts';
import { decodeQrPng } from '../support/decodeQrPng.ts';
import { startMailedGatehouse } from '../support/mailedGatehouse.ts';

// From `npm start` on an empty database to the admin console without the CLI, in a real
// Chromium: the landing page, the 404 pages, the printed setup link, the first
// administrator and their authenticator app (the QR code read from pixels), the sign-in
// with password and code, the admin view's home. Gatehouse sits behind a trusted proxy
// here (TRUST_PROXY), so a browser context that sends X-Forwarded-For plays a remote one.

jest.setTimeout(120_000);

let started: Awaited<ReturnType<typeof startMailedGatehouse>>;
let browser: Browser;
let setupLink: string;
const password = 'correct horse battery';
const viewports = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const;

beforeAll(async () => {
  browser = await launchBrowser();
  started = await startMailedGatehouse({ trustProxy: true });
  setupLink = started.gatehouse.setupLink!.url;
});

afterAll(async () => {
  await browser?.close();
  await started?.stop();
});

const url = (path: string) => `${started.gatehouse.url}${path}`;

/** A page in a new context of `viewport` (and `locale`, which Chromium sends as Accept-Language). */
async function open(viewport: keyof typeof viewports, options: { locale?: string; headers?: Record<string, string> } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: viewports[viewport], locale: options.locale ?? 'en-GB', ...(options.headers ? { extraHTTPHeaders: options.headers } : {}) });
  return { context, page: await context.newPage() };
}

/** Screenshots of the page at desktop width, then at phone width (the page is reloaded at 390 px only when `reload`). */
async function bothSizes(page: Page, name: string) {
  await page.setViewportSize(viewports.desktop);
  await screenshot(page, `${name}-desktop`);
  await page.setViewportSize(viewports.phone);
  await screenshot(page, `${name}-phone`);
  // Nothing wider than the phone: no sideways scrolling.
  expect(await page.locator('html').evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(viewports.phone.width);
  await page.setViewportSize(viewports.desktop);
}

test('the landing page says what Gatehouse is, links the account page, the admin view and the discovery document, and points to the setup link', async () => {
  const { context, page } = await open('desktop');
  const response = await page.goto(url('/'));
  expect(response!.status()).toBe(200);
  await expect(page.textContent('h1')).resolves.toBe('Sign-in service');
  const links = await page.locator('ul.ways a').evaluateAll((anchors) => anchors.map((a) => [a.textContent, a.getAttribute('href')]));
  expect(links).toEqual([['Your account', '/account'], ['Admin view', '/admin'], ['Discovery document', '/.well-known/openid-configuration']]);
  await expect(page.textContent('.notice')).resolves.toContain('There is no administrator yet');
  await bothSizes(page, 'first-run-landing');
  await page.click('text=Discovery document');
  expect(JSON.parse((await page.textContent('body'))!).issuer).toBe(started.gatehouse.issuer);
  await context.close();

  const spanish = await open('phone', { locale: 'es-ES' });
  await spanish.page.goto(url('/'));
  await expect(spanish.page.textContent('ul.ways')).resolves.toContain('Vista de administración');
  await screenshot(spanish.page, 'first-run-landing-es-phone');
  await spanish.context.close();
});

test('unknown paths are styled 404 pages; /admin/nope keeps the admin view\'s own', async () => {
  const { context, page } = await open('desktop');
  const response = await page.goto(url('/nope'));
  expect(response!.status()).toBe(404);
  await expect(page.textContent('h1')).resolves.toBe('Page not found');
  await bothSizes(page, 'first-run-404');
  await page.click('text=Go to the home page');
  expect(new URL(page.url()).pathname).toBe('/');
  const admin = await page.goto(url('/admin/nope'));
  expect(admin!.status()).toBe(404);
  expect(await page.locator('link[href="/assets/admin.css"]').count()).toBe(1);
  await bothSizes(page, 'first-run-admin-404');
  await context.close();
});

test('from a remote address the link shows why it is refused', async () => {
  const { context, page } = await open('desktop', { headers: { 'x-forwarded-for': '203.0.113.9' } });
  const response = await page.goto(setupLink);
  expect(response!.status()).toBe(403);
  await expect(page.textContent('h1')).resolves.toBe('Open this link on the server');
  await bothSizes(page, 'first-run-setup-remote');
  await context.close();
});

test('the setup form in Spanish, with a class to choose (the link is not used by looking at it)', async () => {
  // A class that asks for TOTP for elevated access is offered (taken away again: the flow below starts with none).
  await started.services.classes.add({ name: 'OPS', text: 'Operaciones', mfa_device: 'S', factors: { MFA: { TOTP: 1 }, AOD: { TOTP: 1 } } });
  const { context, page } = await open('desktop', { locale: 'es-ES' });
  await page.goto(setupLink);
  await expect(page.textContent('h1')).resolves.toBe('Crear el primer administrador');
  await expect(page.locator('#class option').allTextContents()).resolves.toEqual(['OPS — Operaciones', 'Clase nueva ADMIN (código de la aplicación al iniciar sesión y para el acceso elevado)']);
  await bothSizes(page, 'first-run-setup-form-es');
  await context.close();
  await started.services.classes.delete('OPS');
});

test('the printed link creates the first administrator, enrols their app from the QR code, and the admin view opens with password and code', async () => {
  const { context, page } = await open('desktop');
  await page.goto(setupLink);
  expect(new URL(page.url()).pathname).toBe('/setup');
  await expect(page.textContent('h1')).resolves.toBe('Create the first administrator');
  await bothSizes(page, 'first-run-setup-form');

  // A slip first: the two passwords differ. Nothing is created; what was typed stays.
  await page.fill('#name', 'ADA');
  await page.fill('#user_id', 'ada');
  await page.fill('#email', 'ada@example.com');
  await page.fill('#password', password);
  await page.fill('#password_again', 'correct horse battery staple');
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"].primary')]);
  await expect(page.getAttribute('#password_again', 'aria-invalid')).resolves.toBe('true');
  await expect(page.textContent('#password_again-error')).resolves.toBe('The two passwords are not the same.');
  await expect(page.inputValue('#name')).resolves.toBe('ADA');
  await bothSizes(page, 'first-run-setup-form-error');
  expect((await started.services.persons.list()).total).toBe(0);

  await page.fill('#password', password);
  await page.fill('#password_again', password);
  await page.selectOption('#language', 'ENG');
  await Promise.all([page.waitForURL(url('/setup/app')), page.click('button[type="submit"].primary')]);
  await expect(page.textContent('h1')).resolves.toBe('Set up your authenticator app');
  await expect(page.textContent('.notice')).resolves.toContain('Administrator ADA created, in the new class ADMIN');
  await bothSizes(page, 'first-run-setup-app');

  // Read the QR code as a phone camera would: from pixels, not from the page's HTML.
  const uri = decodeQrPng(await page.locator('p.qr img').screenshot({ path: `${screenshotDir}/first-run-setup-qr.png` }));
  expect(uri).toMatch(/^otpauth:\/\/totp\//);
  const parsed = new URL(uri!);
  expect(decodeURIComponent(parsed.pathname)).toContain('ada');
  const secret = parsed.searchParams.get('secret')!;
  const period = Number(parsed.searchParams.get('period') ?? 30);
  expect((await page.textContent('[data-testid="totp-key"]'))!.replace(/\s/g, '')).toBe(secret.replace(/=+$/, ''));
  expect(await page.locator('[data-testid="emergency-tokens"] li').count()).toBeGreaterThan(0);

  // A wrong code first: refused, the key stays pending.
  await page.fill('#code', '000000');
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"].primary')]);
  await expect(page.textContent('.alert')).resolves.toContain('That code is not correct');

  // Confirm well inside a time step, so that the sign-in below runs in this step or the next.
  const secondsLeft = period - (Math.floor(Date.now() / 1000) % period);
  if (secondsLeft < 6) await new Promise((resolve) => setTimeout(resolve, secondsLeft * 1000 + 200));
  const confirmStep = Math.floor(Date.now() / 1000 / period);
  await page.fill('#code', await generate({ secret, period, epoch: confirmStep * period }));
  await Promise.all([page.waitForLoadState('load'), page.click('button[type="submit"].primary')]);
  await expect(page.textContent('h1')).resolves.toBe('Gatehouse is ready');
  await bothSizes(page, 'first-run-setup-done');
  const { sub } = await started.services.persons.show('ADA');
  const ada = (await started.services.persons.findBySub(sub))!;
  expect(started.services.totp.keyState(ada)).toBe('active');
  expect(ada).toMatchObject({ roles: ['admin'], className: 'ADMIN', preferredLanguage: 'ENG', email: 'ada@example.com' });
  // There was no class: ADMIN was made, TOTP at sign-in and for elevated access, by the setup link.
  expect((await started.services.classes.show('ADMIN')).factors).toMatchObject({ MFA: { TOTP: 1 }, AOD: { TOTP: 1 } });
  expect((await started.services.audit.list({ entity: 'class', entityId: 'admin' })).map((entry) => `${entry.action} by ${entry.actor.id}`)).toEqual(['create by setup-link']);

  // The admin view: sign in with user ID, password and the next code (one step of drift is accepted).
  await Promise.all([page.waitForURL(/\/interaction\//), page.click('text=Open the admin view')]);
  await page.fill('#username', 'ada');
  await page.fill('#password', password);
  await page.fill('#code', await generate({ secret, period, epoch: (confirmStep + 1) * period }));
  await Promise.all([page.waitForURL(url('/admin')), page.click('button[type="submit"].primary')]);
  await expect(page.textContent('h1')).resolves.toBe('Home');
  await expect(page.textContent('.who')).resolves.toContain('ADA');
  await screenshot(page, 'first-run-admin-home');

  const actions = (await started.services.audit.list({ entityId: sub })).map((entry) => `${entry.action} by ${entry.actor.kind}:${entry.actor.id}`);
  expect(actions).toEqual(expect.arrayContaining(['create by system:setup-link', 'confirm-key by person:' + sub]));
  // Told by email that an authenticator app was added.
  expect(started.mail.messages.some((message) => message.to.includes('ada@example.com'))).toBe(true);
  await context.close();
});

test('the link a second time is refused, with the way to the admin view', async () => {
  const { context, page } = await open('desktop');
  const response = await page.goto(setupLink);
  expect(response!.status()).toBe(410);
  await expect(page.textContent('h1')).resolves.toBe('This setup link was already used');
  expect(await page.locator('#password').count()).toBe(0);
  await bothSizes(page, 'first-run-setup-used');
  await page.goto(url('/'));
  expect(await page.locator('.notice').count()).toBe(0);
  await context.close();
});
