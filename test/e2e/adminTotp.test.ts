import type { BrowserContext, Page } from 'playwright-core';
import { decodeQrPng } from '../support/decodeQrPng.ts';
import { screenshot, screenshotDir } from '../support/browser.ts';
import { adminPassword, startAdminConsole, type AdminConsole } from '../support/adminConsole.ts';

// Option 8 of the admin view, the TOTP key menu, in a real browser against a real
// Gatehouse: create a key with "email new key" (the link arrives at the SMTP catcher), the
// QR code read from pixels, the key and tokens after a fresh step-up (and a step-up older
// than two minutes sent to sign in again), recreate the tokens, a refused Base32 key,
// replacing an active key, the send-link refusal in words, and removing.

let admin: AdminConsole;
let desktop: { context: BrowserContext; page: Page };
/** When the desktop context last signed in (the step-up that sensitive pages look at). */
let desktopSteppedUpAt: number;

const menu = (name: string) => `/admin/persons/${name}/totp`;
const subOf = async (name: string) => (await admin.services.persons.show(name)).sub;
const storedKey = async (name: string) => (await admin.services.persons.findBySub(await subOf(name)))!.totp;

/** Goes to `path` of the admin view and waits for the page. */
async function open(page: Page, path: string) {
  const response = await page.goto(`${admin.url}${path}`);
  await page.waitForLoadState('load');
  return response;
}

/** Clicks a link or button and waits for the page it leads to. */
async function follow(page: Page, selector: string) {
  const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
  await page.waitForLoadState('load');
  return response;
}

/** The newest registration link mailed to `to`, waiting for it a little (quoted-printable undone). */
async function registrationLinkTo(to: string, after: number): Promise<string> {
  for (let tries = 0; tries < 50; tries++) {
    const message = admin.mail.messages.filter((m) => m.to.includes(to)).slice(after).at(-1);
    if (message) {
      const text = message.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
      const match = /(http:\/\/127\.0\.0\.1:\d+\/register\/[A-Za-z0-9_-]+)/.exec(text);
      if (match) return match[1]!;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no registration link mailed to ${to}`);
}

const mailsTo = (to: string) => admin.mail.messages.filter((m) => m.to.includes(to)).length;

const displays = async (name: string) => (await admin.services.audit.list({ entity: 'totp', entityId: await subOf(name) })).filter((entry) => entry.action === 'totp-display');

beforeAll(async () => {
  admin = await startAdminConsole();
  await admin.services.persons.add({ name: 'PEPE', default_user_id: 'pepe', class: 'ADMINS', password: adminPassword, email: 'pepe@example.com', first_name: 'Pepe', family_name: 'Cuevas Pepino' });
  await admin.services.persons.add({ name: 'NOMAIL', default_user_id: 'nomail', class: 'ADMINS', password: adminPassword });
  await admin.addPerson('ELENA', { roles: ['admin'], preferred_language: 'SPA' });
  desktop = await admin.signIn('ADA', menu('PEPE'));
  desktopSteppedUpAt = Date.now();
});

afterAll(async () => {
  await admin?.stop();
});

test('the menu shows that the key does not exist, and the options of the seed', async () => {
  const { page } = desktop;
  expect(new URL(page.url()).pathname).toBe(menu('PEPE'));
  await expect(page.textContent('h1')).resolves.toBe('TOTP key of PEPE');
  await expect(page.textContent('[data-testid="totp-state"]')).resolves.toBe('Key does not exist');
  const options = await page.locator('ol.totp-options .option-title').allTextContents();
  expect(options.map((text) => text.trim())).toEqual([
    'Create or replace the key',
    'Recreate emergency tokens',
    'Display key and emergency tokens',
    'Display QR code',
    'Send link for key and emergency tokens',
    'Remove key and emergency tokens',
  ]);
  await screenshot(page, 'admin-totp-menu-none');
});

test('a key that is not Base32 is refused on its field, and nothing is stored', async () => {
  const { page } = desktop;
  await follow(page, 'a.option-title[href$="/create"]');
  await expect(page.textContent('h1')).resolves.toBe('Create a TOTP key for PEPE');
  await screenshot(page, 'admin-totp-create');
  await page.fill('#key', 'JBSW Y3DP EHPK 3PX1 JBSW Y3DP');
  const response = await follow(page, 'form.panel button[type="submit"]');
  expect(response!.status()).toBe(400);
  await expect(page.getAttribute('#key', 'aria-invalid')).resolves.toBe('true');
  await expect(page.textContent('#key-error')).resolves.toContain('Character 16 is not Base32');
  await expect(page.textContent('#form-summary')).resolves.toContain('Nothing was saved');
  // What was typed is still there, to correct.
  await expect(page.inputValue('#key')).resolves.toBe('JBSW Y3DP EHPK 3PX1 JBSW Y3DP');
  await screenshot(page, 'admin-totp-create-error');
  expect(await storedKey('PEPE')).toBeUndefined();
  expect(await admin.services.emergencyTokens.countLeft(await subOf('PEPE'))).toBe(0);
});

test('a generated key with "email new key": pending, and the registration link arrives by mail', async () => {
  const { page } = desktop;
  const before = mailsTo('pepe@example.com');
  await page.fill('#key', '');
  await page.check('#email');
  await follow(page, 'form.panel button[type="submit"]');
  expect(new URL(page.url()).pathname).toBe(menu('PEPE'));
  expect(new URL(page.url()).search).toBe('?done=totpCreatedMailed');
  await expect(page.textContent('.notice')).resolves.toContain('registration link was emailed');
  await expect(page.textContent('[data-testid="totp-state"]')).resolves.toBe('Pending');
  const link = await registrationLinkTo('pepe@example.com', before);
  expect(link.startsWith(`${admin.url}/register/`)).toBe(true);
  // The key never travels in the mail, only the link.
  const key = await admin.services.totp.openKey(await subOf('PEPE'));
  expect(key).toMatchObject({ state: 'pending', algorithm: 'SHA1', digits: 6, period: 30 });
  const mail = admin.mail.messages.filter((m) => m.to.includes('pepe@example.com')).at(-1)!.raw.replace(/=\r?\n/g, '');
  expect(mail).not.toContain(key!.secret);
  const created = (await admin.services.audit.list({ entity: 'totp', entityId: await subOf('PEPE') })).find((entry) => entry.action === 'totp-create')!;
  expect(created.actor).toMatchObject({ kind: 'admin-view', name: 'ADA' });
  expect(created.after).toMatchObject({ name: 'PEPE', state: 'pending', generated: true });
  await screenshot(page, 'admin-totp-menu-pending');
});

test('the QR code page shows the key as an image that a camera reads as the key in the database; audited', async () => {
  const { page } = desktop;
  const displaysBefore = (await displays('PEPE')).length;
  await follow(page, 'a.option-title[href$="/qr"]');
  expect(new URL(page.url()).pathname).toBe(`${menu('PEPE')}/qr`);
  await expect(page.textContent('h1')).resolves.toBe('QR code of the key of PEPE');
  const png = await page.locator('[data-testid="totp-qr"]').screenshot({ path: `${screenshotDir}/admin-totp-qr-image.png` });
  const uri = decodeQrPng(png);
  expect(uri).toMatch(/^otpauth:\/\/totp\/127\.0\.0\.1:pepe\?/);
  const key = await admin.services.totp.openKey(await subOf('PEPE'));
  expect(new URL(uri!).searchParams.get('secret')).toBe(key!.secret);
  await screenshot(page, 'admin-totp-qr');
  const recorded = await displays('PEPE');
  expect(recorded.length).toBe(displaysBefore + 1);
  expect(recorded[0]!.actor).toMatchObject({ kind: 'admin-view', name: 'ADA' });
  expect(recorded[0]!.after).toMatchObject({ shown: ['qr-code'] });
});

let shownTokens: string[];

test('display key and tokens after a fresh step-up: the key in groups of four and the unused tokens, as stored; audited', async () => {
  const { page } = desktop;
  await open(page, menu('PEPE'));
  await follow(page, 'a.option-title[href$="/display"]');
  expect(new URL(page.url()).pathname).toBe(`${menu('PEPE')}/display`);
  const sub = await subOf('PEPE');
  const key = await admin.services.totp.openKey(sub);
  const shownKey = (await page.textContent('[data-testid="totp-key"]'))!.trim();
  expect(shownKey).toMatch(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
  expect(shownKey.replace(/ /g, '')).toBe(key!.secret);
  await expect(page.textContent('[data-testid="totp-uri"]')).resolves.toContain(`secret=${key!.secret}`);
  shownTokens = (await page.locator('[data-testid="totp-tokens"] li').allTextContents()).map((token) => token.trim());
  expect(shownTokens).toHaveLength(10);
  expect(shownTokens).toEqual(await admin.services.emergencyTokens.list(sub));
  await screenshot(page, 'admin-totp-display');
  const [entry] = await displays('PEPE');
  expect(entry!.actor).toMatchObject({ kind: 'admin-view', name: 'ADA' });
  expect(entry!.after).toMatchObject({ shown: ['key', 'emergency-tokens'], tokens_left: 10 });
  // The page holds the secret; the URL and the notice never do.
  expect(page.url()).not.toContain(key!.secret);
});

test('recreate emergency tokens after a confirmation: the old tokens no longer work, the new ones do', async () => {
  const { page } = desktop;
  await open(page, menu('PEPE'));
  await follow(page, 'a.option-title[href$="/tokens"]');
  await expect(page.textContent('.warning')).resolves.toContain('every current token stops working');
  await screenshot(page, 'admin-totp-tokens-confirm');
  await follow(page, 'button.danger');
  expect(new URL(page.url()).search).toBe('?done=totpTokensRecreated');
  await expect(page.textContent('.notice')).resolves.toContain('the old ones no longer work');
  const sub = await subOf('PEPE');
  const now = await admin.services.emergencyTokens.list(sub);
  expect(now).toHaveLength(10);
  expect(now.filter((token) => shownTokens.includes(token))).toEqual([]);
  await expect(admin.services.emergencyTokens.consume(sub, shownTokens[0]!)).resolves.toMatchObject({ outcome: 'retry', reason: 'wrong-code' });
  await expect(admin.services.emergencyTokens.consume(sub, now[0]!)).resolves.toMatchObject({ outcome: 'success' });
  const recreated = (await admin.services.audit.list({ entity: 'totp', entityId: sub })).find((entry) => entry.action === 'recreate-emergency-tokens')!;
  expect(recreated.actor).toMatchObject({ kind: 'admin-view', name: 'ADA' });
});

test('replacing an active key asks for a confirmation; then the typed key replaces it and the old one is gone', async () => {
  const { page } = desktop;
  const oldSecret = (await admin.services.totp.openKey(await subOf('BOB')))!.secret;
  await open(page, `${menu('BOB')}/create`);
  await expect(page.textContent('h1')).resolves.toBe('Replace the TOTP key of BOB');
  await expect(page.textContent('#replace-warning')).resolves.toContain('stops working as soon as you save');
  const typed = 'gezd gnbv gy3t qojq gezd gnbv gy3t qojq';
  await page.fill('#key', typed);
  let response = await follow(page, 'form.panel button[type="submit"]');
  expect(response!.status()).toBe(400);
  await expect(page.textContent('#confirm_replace-error')).resolves.toContain('Tick this box');
  expect((await admin.services.totp.openKey(await subOf('BOB')))!.secret).toBe(oldSecret);
  await screenshot(page, 'admin-totp-replace-confirm');
  await page.check('#confirm_replace');
  response = await follow(page, 'form.panel button[type="submit"]');
  expect(response!.status()).toBe(200);
  expect(new URL(page.url()).search).toBe('?done=totpReplaced');
  const key = await admin.services.totp.openKey(await subOf('BOB'));
  expect(key).toMatchObject({ secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', state: 'pending' });
});

test('send link: refused in words for an active key, and sent for a pending one', async () => {
  const { page } = desktop;
  await open(page, menu('ADA'));
  await expect(page.textContent('.option-obstacle')).resolves.toContain('already active');
  const adaMails = mailsTo('ada@example.com');
  const response = await follow(page, 'button.option-title');
  expect(response!.status()).toBe(400);
  await expect(page.textContent('.alert')).resolves.toContain('No link was sent: the key of ADA is already active');
  expect(mailsTo('ada@example.com')).toBe(adaMails);
  await screenshot(page, 'admin-totp-link-refused');

  const bobMails = mailsTo('bob@example.com');
  await open(page, menu('BOB'));
  await follow(page, 'button.option-title');
  expect(new URL(page.url()).search).toBe('?done=totpLinkSent');
  await registrationLinkTo('bob@example.com', bobMails);
  const sent = (await admin.services.audit.list({ entity: 'totp', entityId: await subOf('BOB') })).find((entry) => entry.action === 'totp-send-link')!;
  expect(sent.actor).toMatchObject({ kind: 'admin-view', name: 'ADA' });
});

test('a person without an email address: no "email new key", and option 5 says why', async () => {
  const { page } = desktop;
  await open(page, `${menu('NOMAIL')}/create`);
  await expect(page.isDisabled('#email')).resolves.toBe(true);
  await expect(page.textContent('#email-hint')).resolves.toContain('NOMAIL has no email address');
  await follow(page, 'form.panel button[type="submit"]');
  expect(new URL(page.url()).search).toBe('?done=totpCreated');
  await follow(page, 'button.option-title');
  await expect(page.textContent('.alert')).resolves.toContain('NOMAIL has no email address');
});

test('remove key and tokens after a confirmation', async () => {
  const { page } = desktop;
  await open(page, menu('BOB'));
  await follow(page, 'a.option-title[href$="/remove"]');
  await screenshot(page, 'admin-totp-remove-confirm');
  await follow(page, 'button.danger');
  expect(new URL(page.url()).search).toBe('?done=totpRemoved');
  await expect(page.textContent('[data-testid="totp-state"]')).resolves.toBe('Key does not exist');
  expect(await storedKey('BOB')).toBeUndefined();
  expect(await admin.services.emergencyTokens.countLeft(await subOf('BOB'))).toBe(0);
});

test('a person that does not exist is a 404 page', async () => {
  const response = await open(desktop.page, menu('NOBODY'));
  expect(response!.status()).toBe(404);
  await expect(desktop.page.textContent('.alert')).resolves.toContain('There is no person "NOBODY"');
});

test('at phone size, in Spanish: the menu, the form, the display and the QR code', async () => {
  const { context, page } = await admin.signIn('ELENA', menu('PEPE'), 'phone');
  await expect(page.textContent('h1')).resolves.toBe('Clave TOTP de PEPE');
  await screenshot(page, 'admin-totp-menu-phone');
  await open(page, `${menu('PEPE')}/create`);
  await page.fill('#key', 'ABC');
  await follow(page, 'form.panel button[type="submit"]');
  await screenshot(page, 'admin-totp-create-phone');
  await open(page, `${menu('PEPE')}/display`);
  await expect(page.textContent('h1')).resolves.toBe('Clave y tokens de emergencia de PEPE');
  await screenshot(page, 'admin-totp-display-phone');
  await open(page, `${menu('PEPE')}/qr`);
  expect(decodeQrPng(await page.locator('[data-testid="totp-qr"]').screenshot())).toMatch(/^otpauth:\/\/totp\//);
  await screenshot(page, 'admin-totp-qr-phone');
  await context.close();
});

test('the display page sends to sign-in when the step-up is older than two minutes, then shows the key', async () => {
  const { page } = desktop;
  const wait = desktopSteppedUpAt + 2 * 60_000 + 2_000 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const displaysBefore = (await displays('PEPE')).length;
  await open(page, `${menu('PEPE')}/display`);
  // Off to Gatehouse's sign-in: nothing was shown, nothing recorded.
  expect(new URL(page.url()).pathname).not.toBe(`${menu('PEPE')}/display`);
  await page.waitForSelector('#password');
  expect(await page.content()).not.toContain('data-testid="totp-key"');
  expect((await displays('PEPE')).length).toBe(displaysBefore);
  await admin.answerSignIn(page, 'ADA');
  expect(new URL(page.url()).pathname).toBe(`${menu('PEPE')}/display`);
  const key = await admin.services.totp.openKey(await subOf('PEPE'));
  expect((await page.textContent('[data-testid="totp-key"]'))!.replace(/ /g, '')).toBe(key!.secret);
  expect((await displays('PEPE')).length).toBe(displaysBefore + 1);
}, 240_000);
