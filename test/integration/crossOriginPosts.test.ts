import * as oidc from 'openid-client';
import { generate } from 'otplib';
import { FormBrowser } from '../support/formBrowser.ts';
import { discoverRelyingParty, redirectUri, startAuthorization } from '../support/relyingParty.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

/**
 * A form posted from another origin — with the person's cookies, as a browser sends them to
 * a same-site page on another port, or a cross-site page for a top-level POST — changes
 * nothing: 403, and no sign-in, consent or change happens. So do `Origin: null`, a post
 * with neither Origin nor Referer, and a post without the page's CSRF token.
 */
let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let firstParty: oidc.Configuration;
let thirdParty: oidc.Configuration;
const password = 'correct horse battery';
let secret: string;
let sub: string;
const never = 'http://127.0.0.1:9/never';
const forgeries = [
  ['a foreign origin', { origin: 'http://127.0.0.1:1' }],
  ['Origin: null', { origin: 'null' }],
  ['neither Origin nor Referer', { origin: null }],
  ['no Origin and a foreign Referer', { origin: null, referer: 'http://evil.example/page' }],
] as const;

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  const app = await services.clients.add({ client_id: 'app', redirect_uris: [redirectUri], first_party: true });
  firstParty = await discoverRelyingParty(gatehouse.issuer, 'app', app.clientSecret);
  const other = await services.clients.add({ client_id: 'other', redirect_uris: [redirectUri] });
  thirdParty = await discoverRelyingParty(gatehouse.issuer, 'other', other.clientSecret);
  await services.classes.add({ name: 'TOTP', mfa_device: 'S', no_screen_channel: 'E', allow_otp_instead_of_totp: 'N', question_count: 0, max_retries: 3, wait_seconds: 60, factors: { MFA: { TOTP: 1 } } });
  sub = (await services.persons.add({ name: 'TINA', class: 'TOTP', password })).sub;
  secret = services.totp.generateSecret();
  await services.totp.setKey(sub, { secret, state: 'active' }, {});
  // Emergency tokens, so that the challenge page offers "another way".
  await services.totpKeys.recreateTokens('TINA', { actor: { kind: 'cli', id: 'test' } });
  await services.persons.add({ name: 'NEVA', class: '*NEVER', password });
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
});

const codesIssued = async () => services.store.connection.collection('oidc_authorization_code').countDocuments();
const grantsOf = async (clientId: string) => services.store.connection.collection('oidc_grant').countDocuments({ 'payload.clientId': clientId });

async function atLoginPage(config = firstParty) {
  const browser = new FormBrowser(redirectUri);
  await browser.open((await startAuthorization(config)).url.toString());
  expect(browser.lastPage).toContain('name="password"');
  return browser;
}

test.each(forgeries)('sign-in with %s: refused, no password checked, no code issued', async (_name, headers) => {
  const browser = await atLoginPage();
  const before = await codesIssued();
  await browser.submit(browser.formAction('/login'), { username: 'neva', password }, headers);
  expect(browser.lastStatus).toBe(403);
  expect(browser.lastPage).toContain('can only be sent from');
  expect(await codesIssued()).toBe(before);
  expect((await services.persons.show('neva')).last_used).toBeUndefined();
});

test('the same sign-in from the page itself goes through, also with a same-origin Referer and no Origin', async () => {
  const browser = await atLoginPage();
  const at = await browser.submit(browser.formAction('/login'), { username: 'neva', password }, { origin: null, referer: browser.lastUrl });
  expect(at.startsWith(redirectUri)).toBe(true);
});

test('a sign-in form without the page\'s CSRF token, or with another interaction\'s, changes nothing', async () => {
  const browser = await atLoginPage();
  const other = await atLoginPage();
  const before = await codesIssued();
  const action = browser.formAction('/login');
  await browser.submit(action, { username: 'neva', password, csrf: '' });
  expect(browser.lastStatus).toBe(403);
  await browser.submit(action, { username: 'neva', password, csrf: other.csrfToken() });
  expect(browser.lastStatus).toBe(403);
  expect(await codesIssued()).toBe(before);
});

test.each(forgeries)('the second factor, "another way" and abort with %s: refused, the sign-in stays where it was', async (_name, headers) => {
  const browser = await atLoginPage();
  await browser.submit(browser.formAction('/login'), { username: 'tina', password });
  const challenge = browser.lastUrl;
  const page = browser.lastPage;
  const before = await codesIssued();
  for (const [action, fields] of [['/verify', { code: await generate({ secret }) }], ['/another-way', { factor: 'Emergency' }], ['/abort', {}]] as const) {
    await browser.open(challenge);
    expect(browser.lastPage).toBe(page);
    await browser.submit(browser.formAction(action), fields, headers);
    expect(browser.lastStatus).toBe(403);
  }
  expect(await codesIssued()).toBe(before);
  // The sign-in is still at its challenge (not aborted, no other way chosen): the person can go on from their own page.
  await browser.open(challenge);
  expect(browser.lastStatus).toBe(200);
  expect(browser.lastPage).toBe(page);
  expect(await services.attempts.status(sub, 'TOTP', { maxRetries: 3, waitSeconds: 60 })).toEqual({ locked: false, failures: 0, remaining: 3 });
});

test.each(forgeries)('consent with %s: refused, no grant for the third-party client', async (_name, headers) => {
  const browser = await atLoginPage(thirdParty);
  await browser.submit(browser.formAction('/login'), { username: 'neva', password });
  expect(browser.lastPage).toContain('/confirm');
  const before = await grantsOf('other');
  await browser.submit(browser.formAction('/confirm'), {}, headers);
  expect(browser.lastStatus).toBe(403);
  expect(await grantsOf('other')).toBe(before);
});

test.each(forgeries)('the account page and the registration page with %s: refused, nothing changed', async (_name, headers) => {
  const browser = new FormBrowser(never);
  await browser.open(`${gatehouse.issuer}/account`);
  await browser.submit(browser.formAction('/login'), { username: 'neva', password });
  expect(browser.lastUrl).toBe(`${gatehouse.issuer}/account`);
  await browser.submit('/account/questions', { csrf: browser.csrfToken(), question_1: 'First pet?', answer_1: 'Rex the Dog' }, headers);
  expect(browser.lastStatus).toBe(403);
  expect(await services.questions.questionsOf((await services.persons.show('neva')).sub)).toEqual([]);

  await services.totpKeys.create('NEVA', {}, { actor: { kind: 'cli', id: 'test' } });
  const person = (await services.persons.show('neva')) as unknown as { sub: string };
  const { token } = await services.registrationLinks.issue(person.sub, (await services.persons.findBySub(person.sub))!.totp!.keyId);
  await browser.open(`${gatehouse.issuer}/register/${token}`);
  const key = (await services.totpKeys.show('NEVA', { actor: { kind: 'cli', id: 'test' } })).key!.replace(/ /g, '');
  await browser.submit('/register', { csrf: browser.csrfToken(), code: await generate({ secret: key }) }, headers);
  expect(browser.lastStatus).toBe(403);
  expect(services.totp.keyState((await services.persons.findBySub(person.sub))!)).toBe('pending');
  await services.totpKeys.remove('NEVA', { actor: { kind: 'cli', id: 'test' } });
});
