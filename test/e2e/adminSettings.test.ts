import { jest } from '@jest/globals';
import type { BrowserContext, Page } from 'playwright-core';
import { describeSigningKeys } from '../../src/oidc/keyring.ts';
import { screenshot } from '../support/browser.ts';
import { startAdminConsole, type AdminConsole } from '../support/adminConsole.ts';
import { startTestGatehouse } from '../support/testGatehouse.ts';

// The settings and keys screen, in a real browser: the keyring's signing keys (never their
// private parts) and the facts of the configuration (never a secret); rotating the signing
// keys is sensitive, so it goes through a step-up, and the new key is published in /jwks by
// a server that starts after it, as the page says, not by the running one.

jest.setTimeout(300_000);

/** A sensitive action needs a step-up at most this old (adminSessionOptions.ts); the test waits past it. */
const stepUpWindowMs = 2 * 60 * 1000;

let admin: AdminConsole;
let context: BrowserContext;
let page: Page;
let signedInAt: number;

beforeAll(async () => {
  admin = await startAdminConsole();
  signedInAt = Date.now();
  ({ context, page } = await admin.signIn('ADA', '/admin/settings'));
});

afterAll(async () => {
  await context?.close();
  await admin?.stop();
});

const kidsAt = async (url: string) => ((await (await fetch(`${url}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
const factOf = (label: string) => page.locator('dl.facts dt', { hasText: label }).locator('xpath=following-sibling::dd[1]').textContent();

test('the settings page shows the signing keys and the configuration, never a secret', async () => {
  await page.goto(`${admin.url}/admin/settings`);
  await screenshot(page, 'admin-settings');
  await expect(page.textContent('h1')).resolves.toBe('Settings and keys');

  const [key] = await describeSigningKeys(admin.services.store.connection, admin.services.secretBox);
  const row = await page.locator('table.signing-keys tbody tr').first().textContent();
  expect(row).toContain(key!.kid);
  expect(row).toContain('RS256');
  expect(row).toContain('Signs');
  await expect(page.textContent('main')).resolves.toContain('from each server\'s next start');

  await expect(factOf('Issuer')).resolves.toBe(admin.gatehouse.issuer);
  await expect(factOf('Database')).resolves.toMatch(/^MongoDB at [^@/]+$/);
  await expect(factOf('Email delivery')).resolves.toBe(`Configured: SMTP server ${new URL(admin.mail.url).host}`);
  await expect(factOf('SMS delivery')).resolves.toContain('development outbox');
  await expect(factOf('Elevated access lasts')).resolves.toBe('15 minutes');
  await expect(factOf('A session ends when idle')).resolves.toBe('15 minutes');
  await expect(factOf('Refresh token')).resolves.toBe('1 hour');
  await expect(factOf('Access token')).resolves.toBe('10 minutes');

  const html = await page.content();
  expect(html).not.toContain(admin.gatehouse.config.masterKey);
  expect(html).not.toContain(admin.gatehouse.config.mongodbUri);
  expect(html).not.toMatch(/"d":|"p":|"q":/);
});

test('in Spanish and at phone size', async () => {
  const phone = await admin.signIn('ADA', '/admin/settings', 'phone');
  try {
    await screenshot(phone.page, 'admin-settings-phone');
    await admin.services.persons.update('ADA', { preferred_language: 'SPA' });
    await phone.page.reload();
    await expect(phone.page.textContent('h1')).resolves.toBe('Ajustes y claves');
    await screenshot(phone.page, 'admin-settings-phone-es');
    await page.reload();
    await screenshot(page, 'admin-settings-es');
    const overflow = await phone.page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
  } finally {
    await admin.services.persons.update('ADA', { preferred_language: 'ENG' });
    await phone.context.close();
  }
});

test('rotating the signing keys asks for a step-up, adds a key the next start publishes in /jwks, and is audited', async () => {
  const before = await describeSigningKeys(admin.services.store.connection, admin.services.secretBox);
  // Past the step-up window of the sign-in: the confirmation page must ask for the factors again.
  const wait = signedInAt + stepUpWindowMs + 5000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));

  await page.goto(`${admin.url}/admin/settings`);
  // A rotation sent with this stale elevation is not made: the admin is sent to step up.
  const stale = await page.request.post(`${admin.url}/admin/settings/keys/rotate`, {
    form: { csrf: await page.inputValue('input[name="csrf"]'), return_to: '/admin/settings/keys/rotate' },
    headers: { origin: admin.url },
    maxRedirects: 0,
  });
  expect(stale.status()).toBe(303);
  expect(new URL(stale.headers().location!).pathname).toBe('/auth');
  expect(await describeSigningKeys(admin.services.store.connection, admin.services.secretBox)).toHaveLength(before.length);

  await Promise.all([page.waitForNavigation(), page.click('a[href="/admin/settings/keys/rotate"]')]);
  expect(new URL(page.url()).pathname).toMatch(/^\/interaction\//);
  await admin.answerSignIn(page, 'ADA');
  expect(new URL(page.url()).pathname).toBe('/admin/settings/keys/rotate');
  await screenshot(page, 'admin-settings-rotate');
  await expect(page.textContent('.warning')).resolves.toContain('each server reads the keyring when it starts');

  await Promise.all([page.waitForNavigation(), page.click('button[type="submit"].danger')]);
  expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/admin/settings?done=signingKeyRotated');
  await expect(page.textContent('.notice')).resolves.toContain('It signs from each server\'s next start.');
  await screenshot(page, 'admin-settings-rotated');

  const after = await describeSigningKeys(admin.services.store.connection, admin.services.secretBox);
  expect(after).toHaveLength(before.length + 1);
  const added = after[0]!;
  expect(before.map((key) => key.kid)).not.toContain(added.kid);
  const rows = await page.locator('table.signing-keys tbody tr').allTextContents();
  expect(rows[0]).toContain(added.kid);
  expect(rows[0]).toContain('Not loaded yet');
  expect(rows[1]).toContain(before[0]!.kid);
  expect(rows[1]).toMatch(/Signs\s+Verifies/);

  // As the page says: the running server still publishes (and signs with) the keys it started with; a server started now publishes the new one.
  expect(await kidsAt(admin.url)).not.toContain(added.kid);
  const restarted = await startTestGatehouse({ mongodbUri: admin.gatehouse.config.mongodbUri, masterKey: admin.gatehouse.config.masterKey });
  try {
    expect((await kidsAt(restarted.url))[0]).toBe(added.kid);
  } finally {
    await restarted.stop();
  }

  const [entry] = await admin.services.audit.list({ entity: 'keys', entityId: 'signing' });
  expect(entry).toMatchObject({ action: 'rotate-signing-key', actor: { kind: 'admin-view', name: 'ADA' }, after: { kid: added.kid, keys: after.length } });
  expect(Object.keys(entry!.after!).toSorted()).toEqual(['keys', 'kid']);
});
