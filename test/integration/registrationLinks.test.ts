import { generate } from 'otplib';
import type { Actor } from '../../src/security/createAuditLog.ts';
import type { Services } from '../../src/services.ts';
import { adminScriptToken, callAdminApi } from '../support/adminApi.ts';
import { FormBrowser } from '../support/formBrowser.ts';
import { startMailedGatehouse } from '../support/mailedGatehouse.ts';

let started: Awaited<ReturnType<typeof startMailedGatehouse>>;
let mail: Awaited<ReturnType<typeof startMailedGatehouse>>['mail'];
let gatehouse: Awaited<ReturnType<typeof startMailedGatehouse>>['gatehouse'];
let services: Services;
const admin: Actor = { kind: 'api-person', id: 'admin-sub', name: 'ADMIN' };

beforeAll(async () => {
  started = await startMailedGatehouse();
  ({ mail, gatehouse, services } = started);
  await services.classes.add({ name: 'REGTOTP', mfa_device: 'S', no_screen_channel: 'E', allow_otp_instead_of_totp: 'N', question_count: 0, max_retries: 3, wait_seconds: 60, factors: { MFA: { TOTP: 1 } } });
});
afterAll(async () => {
  await started?.stop();
});

let counter = 0;
async function newPerson(extra: Record<string, unknown> = {}) {
  counter += 1;
  const name = `REG${counter}`;
  const email = `reg${counter}@example.com`;
  const { sub } = await services.persons.add({ name, default_user_id: `reg${counter}`, email, class: 'REGTOTP', ...extra });
  return { name, sub, email };
}

/** The mail's text with quoted-printable soft breaks and `=3D` undone. */
const textOf = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
/** The newest registration link mailed to `to`. */
function linkTo(to: string): { url: string; token: string; text: string } {
  const message = mail.messages.filter((m) => m.to.includes(to)).at(-1);
  if (!message) throw new Error(`no mail to ${to}`);
  const text = textOf(message.raw);
  const match = /(https?:\/\/\S+\/register\/([A-Za-z0-9_-]{43}))/.exec(text);
  if (!match) throw new Error(`no link in:\n${text}`);
  return { url: match[1]!, token: match[2]!, text };
}
const keyOn = (page: string) => /data-testid="totp-key">([\s\S]*?)<\/p>/.exec(page)![1]!.replace(/<[^>]+>|\s/g, '');
const csrfOn = (page: string) => /name="csrf" value="([^"]+)"/.exec(page)![1]!;
const codeFor = (secret: string, at = Date.now()) => generate({ secret, epoch: Math.floor(at / 1000) });
/** The status a person's browser ends at after opening a mailed link (the link's GET redirects to /register). */
async function linkStatus(url: string): Promise<number> {
  const browser = new FormBrowser('http://never.invalid');
  await browser.open(url);
  return browser.lastStatus;
}

async function rawDatabase(): Promise<string> {
  const { db } = services.store.connection;
  const collections = await db!.listCollections().toArray();
  const documents = await Promise.all(collections.map(({ name }) => db!.collection(name).find({}).toArray()));
  return JSON.stringify(documents);
}

test('create --email: the link arrives by SMTP, the page shows the key, one code activates it, and the link is then used up', async () => {
  const { name, sub, email } = await newPerson();
  const created = await services.totpKeys.create(name, {}, { actor: admin, email: true });
  expect(created.link).toMatchObject({ name, sentTo: 're****@example.com' });

  const { url, token, text } = linkTo(email);
  expect(url).toBe(`${gatehouse.issuer}/register/${token}`);
  expect(text).toContain('Set up your authenticator app');
  const shown = await services.totpKeys.show(name, { actor: admin });
  expect(text).not.toContain(shown.key!.replace(/ /g, ''));
  expect(text).not.toContain(shown.key!);

  // The database holds the link only hashed.
  expect(await rawDatabase()).not.toContain(token);

  const browser = new FormBrowser('http://never.invalid');
  await browser.open(url);
  expect(browser.lastStatus).toBe(200);
  // The token left the address bar at once: the page is /register, and nothing on it links to the token.
  expect(browser.lastUrl).toBe(`${gatehouse.issuer}/register`);
  const page = browser.lastPage;
  expect(page).not.toContain(token);
  expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  expect(page).toMatch(/<img src="data:image\/png;base64,[A-Za-z0-9+/=]+"/);
  for (const app of ['Google Authenticator', 'Microsoft Authenticator', 'Authy', 'IBM Verify']) expect(page).toContain(app);
  expect(page).toMatch(/data-testid="totp-key">(<code>[A-Z2-7]{4}<\/code> ){8}/);
  const secret = keyOn(page);
  expect(secret).toBe(shown.key!.replace(/ /g, ''));
  for (const emergency of shown.emergencyTokens) expect(page).toContain(emergency);
  expect(page).toContain('href="/register/tokens.txt"');

  await browser.open(`${gatehouse.issuer}/register/tokens.txt`);
  expect(browser.lastStatus).toBe(200);
  expect(browser.lastHeaders.get('content-disposition')).toContain('attachment');
  expect(browser.lastPage).toContain(shown.emergencyTokens[0]!);
  // Without the link's cookie there is nothing to download.
  expect((await fetch(`${gatehouse.issuer}/register/tokens.txt`)).status).toBe(410);

  // A wrong code: the page again, with a message, counted like at sign-in.
  await browser.submit('/register', { csrf: csrfOn(page), code: '000000' === (await codeFor(secret)) ? '111111' : '000000' });
  expect(browser.lastStatus).toBe(422);
  expect(browser.lastPage).toContain('That code is not correct');
  expect(await services.attempts.status(sub, 'TOTP', { maxRetries: 3, waitSeconds: 60 })).toMatchObject({ locked: false });

  // A form without the link's CSRF token changes nothing.
  await browser.submit('/register', { csrf: 'forged', code: await codeFor(secret) });
  expect(browser.lastStatus).toBe(403);
  expect(services.totp.keyState((await services.persons.findBySub(sub))!)).toBe('pending');

  await browser.submit('/register', { csrf: csrfOn(page), code: await codeFor(secret) });
  expect(browser.lastPage.match(/role="alert">([^<]*)/)?.[1]).toBeUndefined();
  expect(browser.lastStatus).toBe(200);
  expect(browser.lastPage).toContain('Your authenticator app is set up');
  expect(browser.lastPage).toContain('Your emergency tokens are now active');

  const person = (await services.persons.findBySub(sub))!;
  expect(services.totp.keyState(person)).toBe('active');
  const { plan } = await services.persons.planFor(person, 'MFA', Date.now());
  expect(plan.challenge?.factor).toBe('TOTP');

  // Single use.
  await browser.open(url);
  expect(browser.lastStatus).toBe(410);
  expect(browser.lastPage).toContain('This link is no longer valid');
  expect(browser.lastPage).not.toContain(name);
  expect(browser.lastPage).not.toContain(secret.slice(0, 4) + '</code>');
  await browser.open(`${gatehouse.issuer}/register/tokens.txt`);
  expect(browser.lastStatus).toBe(410);

  const [sentEntry] = (await services.audit.list({ entity: 'totp', entityId: sub })).filter((entry) => entry.action === 'totp-send-link');
  expect(sentEntry).toMatchObject({ actor: admin, after: { name, sent_to: 're****@example.com' } });
  expect(JSON.stringify(sentEntry)).not.toContain(token);
});

test('an expired link and a replaced link show the generic page (410), revealing nothing', async () => {
  const { name, sub, email } = await newPerson();
  await services.totpKeys.create(name, {}, { actor: admin });
  const person = (await services.persons.findBySub(sub))!;
  const expired = await services.registrationLinks.issue(sub, person.totp!.keyId, Date.now() - 2 * 86_400_000);
  const expiredPage = await fetch(`${gatehouse.issuer}/register/${expired.token}`);
  expect(expiredPage.status).toBe(410);
  const expiredHtml = await expiredPage.text();
  expect(expiredHtml).toContain('This link is no longer valid');
  expect(expiredHtml).not.toContain(name);

  await services.totpKeys.sendLink(name, { actor: admin });
  const first = linkTo(email);
  expect(await linkStatus(first.url)).toBe(200);
  // A newer link replaces the older one.
  await services.totpKeys.sendLink(name, { actor: admin });
  const second = linkTo(email);
  expect(second.token).not.toBe(first.token);
  expect(await linkStatus(first.url)).toBe(410);
  expect(await linkStatus(second.url)).toBe(200);

  // A replaced key invalidates the link, and the cookie a browser already holds for it.
  const holder = new FormBrowser('http://never.invalid');
  await holder.open(second.url);
  expect(holder.lastStatus).toBe(200);
  await services.totpKeys.create(name, {}, { actor: admin });
  const replaced = await fetch(second.url);
  expect(replaced.status).toBe(410);
  expect(await replaced.text()).not.toContain(name);
  await holder.open(`${gatehouse.issuer}/register`);
  expect(holder.lastStatus).toBe(410);
  await holder.submit('/register', { csrf: 'x', code: '123456' });
  expect(holder.lastStatus).toBe(410);
  const posted = await fetch(`${gatehouse.issuer}/register`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', origin: gatehouse.issuer }, body: 'csrf=x&code=123456' });
  expect(posted.status).toBe(410);

  // Malformed tokens too.
  expect((await fetch(`${gatehouse.issuer}/register/nonsense`)).status).toBe(410);
});

test('the link is mailed in the person\'s language; no email address or an active key is refused clearly', async () => {
  const spanish = await newPerson({ preferred_language: 'es' });
  await services.totpKeys.create(spanish.name, {}, { actor: admin, email: true });
  const { text, url } = linkTo(spanish.email);
  expect(text).toContain('Hola REG');
  expect(text).toContain('caduca en 24 horas');
  const browser = new FormBrowser('http://never.invalid');
  await browser.open(url);
  expect(browser.lastPage).toContain('Escanee el código QR');

  counter += 1;
  const noMail = `REGNOMAIL${counter}`;
  await services.persons.add({ name: noMail, default_user_id: noMail.toLowerCase() });
  await expect(services.totpKeys.create(noMail, {}, { actor: admin, email: true })).rejects.toThrow(/has no email address/);
  expect(services.totp.keyState((await services.persons.show(noMail)) as never)).toBe('none');
  await services.totpKeys.create(noMail, {}, { actor: admin });
  await expect(services.totpKeys.sendLink(noMail, { actor: admin })).rejects.toThrow(/has no email address/);

  const active = await newPerson();
  await services.totpKeys.create(active.name, {}, { actor: admin });
  await services.totp.activate(active.sub, { actor: admin });
  await expect(services.totpKeys.sendLink(active.name, { actor: admin })).rejects.toThrow(/already active/);
});

test('admin API: POST …/totp?email=true and POST …/totp/link mail a link; the answers never hold it', async () => {
  const token = await adminScriptToken(services, gatehouse.issuer, 'reg-ops');
  const { name, email } = await newPerson();

  const created = await callAdminApi(gatehouse.issuer, `/persons/${name}/totp?email=true`, { token, method: 'POST' });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ name, state: 'pending', link_sent_to: 're****@example.com', link_expires_at: expect.any(String) });
  const first = linkTo(email);
  expect(JSON.stringify(created.body)).not.toContain(first.token);

  const sent = await callAdminApi(gatehouse.issuer, `/persons/${name}/totp/link`, { token, method: 'POST' });
  expect(sent.status).toBe(200);
  expect(sent.body).toEqual({ name, sent_to: 're****@example.com', expires_at: expect.any(String) });
  const second = linkTo(email);
  expect(second.token).not.toBe(first.token);
  expect(await linkStatus(first.url)).toBe(410);
  expect(await linkStatus(second.url)).toBe(200);

  const replaced = await callAdminApi(gatehouse.issuer, `/persons/${name}/totp`, { token, method: 'POST', body: { email: true } });
  expect(replaced.status).toBe(200);
  expect(await linkStatus(second.url)).toBe(410);
  expect(await linkStatus(linkTo(email).url)).toBe(200);
  expect((await callAdminApi(gatehouse.issuer, `/persons/${name}/totp`, { token, method: 'POST', body: { email: 'yes' } })).status).toBe(400);
});
