import { generate } from 'otplib';
import * as oidc from 'openid-client';
import { FormBrowser } from '../support/formBrowser.ts';
import { startMailCatcher } from '../support/mailCatcher.ts';
import { discoverRelyingParty, redirectUri, startAuthorization } from '../support/relyingParty.ts';
import { startSmsCatcher } from '../support/smsCatcher.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let mail: Awaited<ReturnType<typeof startMailCatcher>>;
let sms: Awaited<ReturnType<typeof startSmsCatcher>>;
let rp: oidc.Configuration;
const secrets: Record<string, string> = {};
const password = 'correct horse battery';

const classBase = { mfa_device: 'S', no_screen_channel: 'E', allow_otp_instead_of_totp: 'N', question_count: 0, max_retries: 3, wait_seconds: 60 };

beforeAll(async () => {
  mail = await startMailCatcher();
  sms = await startSmsCatcher();
  gatehouse = await startTestGatehouse({ config: { mail: { smtpUrl: mail.url, from: 'Gatehouse <no-reply@gatehouse.test>' }, sms: { webhook: { url: sms.url, token: 'sms-test-token' } } } });
  services = await openTestServices(gatehouse.config);
  const { clientSecret } = await services.clients.add({ client_id: 'app', redirect_uris: [redirectUri], first_party: true });
  rp = await discoverRelyingParty(gatehouse.issuer, 'app', clientSecret);
  const classes = [
    { name: 'TOTP', factors: { MFA: { TOTP: 1 } } },
    { name: 'TOTPOTP', mfa_device: 'E', allow_otp_instead_of_totp: 'Y', factors: { MFA: { TOTP: 1 } } },
    { name: 'SMS', mfa_device: 'C', factors: { MFA: { OTP: 1 } } },
    { name: 'QSTN', question_count: 2, factors: { MFA: { Qstn: 1 } } },
    { name: 'FAST', max_retries: 2, wait_seconds: 2, factors: { MFA: { TOTP: 1 } } },
    { name: 'HARD', max_retries: 2, wait_seconds: 999, factors: { MFA: { TOTP: 1 } } },
    { name: 'NODEV', mfa_device: 'N', factors: { MFA: { TOTP: 1 } } },
  ];
  for (const entry of classes) await services.classes.add({ ...classBase, ...entry });
  const persons = [
    { name: 'TINA', class: 'TOTP' },
    { name: 'OSCAR', class: 'TOTPOTP', email: 'oscar@example.com' },
    { name: 'OLGA', class: 'TOTP', email: 'olga@example.com' },
    { name: 'SIMON', class: 'SMS', cell_phone: '+34600111222' },
    { name: 'QUINN', class: 'QSTN' },
    { name: 'FABIO', class: 'FAST' },
    { name: 'HUGO', class: 'HARD' },
    { name: 'NORA', class: 'NODEV' },
    { name: 'NEVA', class: '*NEVER' },
  ];
  for (const person of persons) await services.persons.add({ ...person, password });
  for (const name of ['TINA', 'OSCAR', 'OLGA', 'FABIO', 'HUGO', 'NORA', 'NEVA']) {
    const { sub } = await services.persons.show(name);
    secrets[name] = services.totp.generateSecret();
    await services.totp.setKey(sub, { secret: secrets[name]!, state: 'active' }, {});
  }
  await services.questions.setAnswers((await services.persons.show('QUINN')).sub, [
    { question: 'First pet?', answer: 'Rex' },
    { question: 'Birth town?', answer: 'San Sebastián' },
    { question: 'Favourite colour?', answer: 'Dark Blue' },
  ], {});
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
  await mail?.close();
  await sms?.close();
});

/** The current code of a person's authenticator, `steps` steps from now. */
const totpCode = (name: string, steps = 0) => generate({ secret: secrets[name]!, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

/** How many authorization codes were ever stored for a person: none in a failing path. */
async function codesIssuedTo(name: string): Promise<number> {
  const { sub } = await services.persons.show(name);
  return services.store.connection.collection('oidc_authorization_code').countDocuments({ 'payload.accountId': sub });
}

/** Opens an authorization request and submits the sign-in form. */
async function startSignIn(username: string, fields: Record<string, string> = {}, browser = new FormBrowser(redirectUri)) {
  const request = await startAuthorization(rp);
  await browser.open(request.url.toString());
  const at = await browser.submit(browser.formAction('/login'), { username, password, ...fields });
  return { request, browser, at };
}

async function exchange(request: Awaited<ReturnType<typeof startAuthorization>>, at: string) {
  expect(at.startsWith(redirectUri)).toBe(true);
  return oidc.authorizationCodeGrant(rp, new URL(at), { pkceCodeVerifier: request.codeVerifier, expectedState: request.state, expectedNonce: request.nonce });
}

const alertOf = (browser: FormBrowser) => /<p class="alert"[^>]*>([^<]*)</.exec(browser.lastPage)?.[1];

test('TOTP on one screen: user ID, password and code in one submit; amr and acr say so', async () => {
  const { request, at } = await startSignIn('tina', { code: await totpCode('TINA') });
  const tokens = await exchange(request, at);
  expect(tokens.claims()).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: 'urn:gatehouse:acr:mfa' });
});

test('TOTP on the challenge page; a reused code is refused and no code is issued', async () => {
  const first = await startSignIn('olga');
  expect(first.at.startsWith(redirectUri)).toBe(false);
  expect(first.browser.lastPage).toContain('authenticator app');
  const code = await totpCode('OLGA');
  const done = await first.browser.submit(first.browser.formAction('/verify'), { code });
  await exchange(first.request, done);

  const before = await codesIssuedTo('OLGA');
  const second = await startSignIn('olga');
  const refused = await second.browser.submit(second.browser.formAction('/verify'), { code });
  expect(refused.startsWith(redirectUri)).toBe(false);
  expect(second.browser.lastStatus).toBe(401);
  expect(alertOf(second.browser)).toContain('already used');
  expect(await codesIssuedTo('OLGA')).toBe(before);
});

test('OTP by email is "another way" when the class allows it, and not offered when it does not', async () => {
  const allowed = await startSignIn('oscar');
  expect(allowed.browser.lastPage).toContain('another-way');
  await allowed.browser.open(new URL(allowed.browser.formAction('/verify').replace('/verify', '/another-way'), gatehouse.issuer).toString());
  expect(allowed.browser.lastPage).toContain('o***@example.com');
  await allowed.browser.submit(allowed.browser.formAction('/another-way'), { factor: 'OTP', channel: 'email' });
  const code = mail.lastCodeTo('oscar@example.com');
  expect(code).toMatch(/^\d{6}$/);
  const done = await allowed.browser.submit(allowed.browser.formAction('/verify'), { code: code! });
  const tokens = await exchange(allowed.request, done);
  expect(tokens.claims()!.amr).toEqual(['pwd', 'otp', 'mfa']);

  const notAllowed = await startSignIn('olga');
  expect(notAllowed.browser.lastPage).not.toContain('another-way');
  const refused = await notAllowed.browser.submit(`/interaction/${new URL(notAllowed.browser.lastUrl).pathname.split('/')[2]}/another-way`, { csrf: notAllowed.browser.csrfToken(), factor: 'OTP', channel: 'email' });
  expect(refused.startsWith(redirectUri)).toBe(false);
  expect(notAllowed.browser.lastStatus).toBe(400);
  expect(mail.messages.filter((m) => m.to.includes('olga@example.com'))).toHaveLength(0);
});

test('device C: a code by SMS through the webhook; a wrong code first does not issue anything', async () => {
  const { request, browser } = await startSignIn('simon');
  expect(browser.lastPage).toMatch(/\*+22\./);
  const code = sms.lastCodeTo('+34600111222');
  expect(sms.messages.at(-1)!.authorization).toBe('Bearer sms-test-token');
  const wrong = code === '000000' ? '111111' : '000000';
  await browser.submit(browser.formAction('/verify'), { code: wrong });
  expect(browser.lastStatus).toBe(401);
  const done = await browser.submit(browser.formAction('/verify'), { code: code! });
  const tokens = await exchange(request, done);
  expect(tokens.claims()!.amr).toEqual(['pwd', 'sms', 'otp', 'mfa']);
});

test('private questions: the class\'s number of questions, answers compared ignoring case and spacing', async () => {
  const { request, browser } = await startSignIn('quinn');
  const asked = [...browser.lastPage.matchAll(/<label for="answer_([^"]+)">([^<]+)</g)].map((m) => ({ id: m[1]!, text: m[2]! }));
  expect(asked).toHaveLength(2);
  const answers: Record<string, string> = { 'First pet?': '  rex ', 'Birth town?': 'san  sebastián', 'Favourite colour?': 'DARK BLUE' };
  const wrong = Object.fromEntries(asked.map((q) => [`answer_${q.id}`, 'nope']));
  await browser.submit(browser.formAction('/verify'), wrong);
  expect(browser.lastStatus).toBe(401);
  const right = Object.fromEntries(asked.map((q) => [`answer_${q.id}`, answers[q.text.replace(/&#39;/g, "'")]!]));
  const done = await browser.submit(browser.formAction('/verify'), right);
  const tokens = await exchange(request, done);
  expect(tokens.claims()!.amr).toEqual(['pwd', 'kba', 'mfa']);
});

test('an emergency token is accepted where TOTP is asked, once', async () => {
  const { sub } = await services.persons.show('TINA');
  const [token] = await services.emergencyTokens.recreate(sub, {});
  const { request, browser } = await startSignIn('tina');
  await browser.submit(browser.formAction('/another-way'), { factor: 'Emergency' });
  expect(browser.lastPage).toContain('emergency');
  const done = await browser.submit(browser.formAction('/verify'), { token: token! });
  await exchange(request, done);
  expect(await services.emergencyTokens.countLeft(sub)).toBe(9);

  const again = await startSignIn('tina');
  await again.browser.submit(again.browser.formAction('/another-way'), { factor: 'Emergency' });
  const refused = await again.browser.submit(again.browser.formAction('/verify'), { token: token! });
  expect(refused.startsWith(redirectUri)).toBe(false);
});

test('lockout after the class\'s maximum retries, released after the wait', async () => {
  const before = await codesIssuedTo('FABIO');
  const { browser } = await startSignIn('fabio');
  for (let i = 0; i < 2; i += 1) await browser.submit(browser.formAction('/verify'), { code: '000000' });
  expect(browser.lastStatus).toBe(429);
  expect(alertOf(browser)).toContain('Too many failed attempts');
  // Even the right code is refused while locked.
  await browser.submit(browser.formAction('/verify'), { code: await totpCode('FABIO') });
  expect(browser.lastStatus).not.toBe(303);
  expect(await codesIssuedTo('FABIO')).toBe(before);
  // A wait of two seconds is said in seconds, not as the next minute on the clock.
  expect(alertOf(browser)).toMatch(/^Too many failed attempts\. Try again in [12] seconds?(, or try another way)?\.$/);
  await new Promise((resolve) => setTimeout(resolve, 2_100));
  await browser.open(new URL(browser.lastUrl).toString().replace(/\/verify$/, ''));
  const done = await browser.submit(browser.formAction('/verify'), { code: await totpCode('FABIO', 1) });
  expect(done.startsWith(redirectUri)).toBe(true);
});

test('wait 999 locks until an admin unlocks', async () => {
  const { browser } = await startSignIn('hugo');
  for (let i = 0; i < 2; i += 1) await browser.submit(browser.formAction('/verify'), { code: '000000' });
  expect(alertOf(browser)).toContain('administrator');
  const { sub } = await services.persons.show('HUGO');
  await services.attempts.unlock(sub, undefined, {});
  const done = await browser.submit(browser.formAction('/verify'), { code: await totpCode('HUGO') });
  expect(done.startsWith(redirectUri)).toBe(true);
});

test('*NEVER and device N skip the second factor (acr pwd)', async () => {
  for (const name of ['neva', 'nora']) {
    const { request, at } = await startSignIn(name);
    const tokens = await exchange(request, at);
    expect(tokens.claims()).toMatchObject({ amr: ['pwd'], acr: 'urn:gatehouse:acr:pwd' });
  }
});

test('a person without a usable factor is stopped with a clear message and gets no code', async () => {
  await services.persons.add({ name: 'KEYLESS', class: 'TOTP', password });
  const { at, browser } = await startSignIn('keyless');
  expect(at.startsWith(redirectUri)).toBe(false);
  expect(browser.lastStatus).toBe(403);
  expect(alertOf(browser)).toContain('contact your administrator');
  expect(await codesIssuedTo('KEYLESS')).toBe(0);
});

test('pages follow the person\'s preferred language', async () => {
  await services.persons.update('OLGA', { preferred_language: 'SPA' });
  const { browser } = await startSignIn('olga');
  expect(browser.lastPage).toContain('Verifique que es usted');
  expect(browser.lastPage).toContain('<html lang="es">');
  await services.persons.update('OLGA', { preferred_language: null });
});
