import { createHash } from 'node:crypto';
import { generate } from 'otplib';
import * as oidc from 'openid-client';
import type { Context } from 'koa';
import { accountClientId } from '../../src/oidc/accountClientId.ts';
import { createAccountSessions } from '../../src/account/accountSessions.ts';
import { csrfTokenMatches, csrfTokenOf } from '../../src/http/firstPartySessions.ts';
import { setPageCookie } from '../../src/http/pageCookie.ts';
import { accountSessionOptions } from '../../src/account/accountSessionOptions.ts';
import { FormBrowser } from '../support/formBrowser.ts';
import { discoverRelyingParty, redirectUri, startAuthorization } from '../support/relyingParty.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let rp: oidc.Configuration;
/** TINA's browser, signed in to the account page once (each TOTP sign-in takes a time step of its own). */
let tina: FormBrowser;
const secrets: Record<string, string> = {};
const subs: Record<string, string> = {};
const password = 'correct horse battery';
/** A URL the browsers never reach: they follow every redirect, through the sign-in and back to /account. */
const never = 'http://127.0.0.1:9/never';

const classBase = { mfa_device: 'S', no_screen_channel: 'E', allow_otp_instead_of_totp: 'N', question_count: 0, max_retries: 5, wait_seconds: 60 };

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  const { clientSecret } = await services.clients.add({ client_id: 'app', redirect_uris: [redirectUri], first_party: true });
  rp = await discoverRelyingParty(gatehouse.issuer, 'app', clientSecret);
  await services.classes.add({ ...classBase, name: 'TOTP', factors: { MFA: { TOTP: 1 } } });
  // Private questions first; TOTP while the person has not answered enough of them.
  await services.classes.add({ ...classBase, name: 'QT', question_count: 2, factors: { MFA: { Qstn: 1, TOTP: 2 } } });
  const persons = [
    { name: 'NEVA', class: '*NEVER', first_name: 'Neva', family_name: 'Nunca' },
    { name: 'TINA', class: 'TOTP', first_name: 'Tina', family_name: 'Turner' },
    { name: 'QUINN', class: 'QT' },
    { name: 'PACO', class: '*NEVER', first_name: 'Paco', preferred_language: 'SPA' },
  ];
  for (const person of persons) subs[person.name] = (await services.persons.add({ ...person, password })).sub;
  for (const name of ['TINA', 'QUINN']) {
    secrets[name] = services.totp.generateSecret();
    await services.totp.setKey(subs[name]!, { secret: secrets[name]!, state: 'active' }, {});
  }
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
});

const lastSteps: Record<string, number> = {};
/** A current authenticator code of a step not used yet (a step is accepted once). */
async function nextCode(name: string): Promise<string> {
  for (;;) {
    const now = Math.floor(Date.now() / 30_000);
    const step = Math.max(now, (lastSteps[name] ?? -1) + 1);
    if (step <= now + 1) {
      lastSteps[name] = step;
      return generate({ secret: secrets[name]!, epoch: step * 30 });
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

const account = (path = '') => `${gatehouse.issuer}/account${path}`;
const alertOf = (browser: FormBrowser) => /<p class="alert"[^>]*>([^<]*)</.exec(browser.lastPage)?.[1];
const noticeOf = (browser: FormBrowser) => /<p class="notice"[^>]*>([^<]*)</.exec(browser.lastPage)?.[1];
const csrfOf = (browser: FormBrowser) => /name="csrf" value="([^"]+)"/.exec(browser.lastPage)?.[1] ?? '';
const sessionsOf = (name: string) => services.store.connection.collection('account_sessions').find({ sub: subs[name] }).toArray();

/** Opens /account in a new browser and goes through the hosted sign-in; ends on the account page. */
async function signInToAccount(name: string, browser = new FormBrowser(never)) {
  await browser.open(account());
  expect(browser.lastUrl).toContain('/interaction/');
  await browser.submit(browser.formAction('/login'), { username: name.toLowerCase(), password });
  if (browser.lastPage.includes('/verify')) await browser.submit(browser.formAction('/verify'), { code: await nextCode(name) });
  expect({ status: browser.lastStatus, url: browser.lastUrl }).toEqual({ status: 200, url: account() });
  return browser;
}

/** The questions form, `pairs` on its first rows, the rest left blank. */
const questionForm = (csrf: string, pairs: [string, string][]) => ({
  csrf,
  ...Object.fromEntries(pairs.flatMap(([question, answer], index) => [[`question_${index + 1}`, question], [`answer_${index + 1}`, answer]])),
});

const tinaAnswers: [string, string][] = [
  ['First pet?', 'Rex the Dog'],
  ['Birth town?', 'San Sebastián'],
  ['Favourite colour?', 'Dark Blue'],
];

test('without an account session /account sends the browser to the provider as gatehouse-account, with PKCE S256, state and nonce', async () => {
  const response = await fetch(account(), { redirect: 'manual' });
  expect(response.status).toBe(303);
  const location = new URL(response.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(`${gatehouse.issuer}/auth`);
  const parameters = Object.fromEntries(location.searchParams);
  expect(parameters).toMatchObject({
    client_id: accountClientId,
    response_type: 'code',
    redirect_uri: `${gatehouse.issuer}/account/callback`,
    scope: 'openid',
    code_challenge_method: 'S256',
    state: expect.stringMatching(/^[\w-]{20,}$/),
    nonce: expect.stringMatching(/^[\w-]{20,}$/),
    code_challenge: expect.stringMatching(/^[\w-]{43}$/),
  });
  const [cookie] = response.headers.getSetCookie();
  expect(cookie).toMatch(/^gatehouse\.account_signin=v1\./);
  expect(cookie).toContain('HttpOnly');
  expect(cookie).toContain('SameSite=Lax');
  expect(cookie).toContain('Path=/account');
  expect(cookie).not.toContain('Secure'); // the issuer is plain http here
  // The pending request is sealed: neither the verifier nor the nonce can be read from the cookie.
  expect(cookie).not.toContain(parameters.nonce);

  // The client was registered at start, first party, its secret sealed.
  const client = (await services.clients.list()).find((entry) => entry.client_id === accountClientId);
  expect(client).toMatchObject({ first_party: true, admin_api: false, redirect_uris: [`${gatehouse.issuer}/account/callback`], token_endpoint_auth_method: 'client_secret_basic' });
  const stored = await services.store.connection.collection('clients').findOne({ _id: accountClientId as never });
  expect(stored!.sealedSecret).toMatch(/^v1\./);
  expect(stored!.metadata).not.toHaveProperty('client_secret');
});

test('a person of class *NEVER signs in through the provider and sees the account page', async () => {
  const browser = await signInToAccount('NEVA');
  expect(browser.lastPage).toContain('Neva Nunca');
  expect(browser.lastPage).toContain('Private questions');
  expect(browser.lastPage).toContain('You have not answered any private questions yet.');
  expect(browser.lastPage).not.toContain('Your sign-in asks');
  expect(browser.lastHeaders.get('cache-control')).toBe('no-store');
  // Five question/answer pairs; the answers are password fields.
  expect([...browser.lastPage.matchAll(/name="answer_\d+" type="password"/g)]).toHaveLength(5);
  expect(browser.visited.some((visit) => visit.startsWith(`GET ${gatehouse.issuer}/auth?`))).toBe(true);
  expect(browser.visited.some((visit) => visit.startsWith(`GET ${account('/callback')}?code=`))).toBe(true);

  const [session] = await sessionsOf('NEVA');
  expect(session).toMatchObject({ _id: expect.stringMatching(/^[0-9a-f]{64}$/), amr: ['pwd'], acr: 'urn:gatehouse:acr:pwd' });
  expect(Math.abs((session!.authTime as Date).getTime() - Date.now())).toBeLessThan(60_000);
  expect((session!.expiresAt as Date).getTime()).toBeGreaterThan(Date.now());
});

test('a page in the person\'s preferred language, whatever the browser asks for', async () => {
  const browser = new FormBrowser(never);
  browser.extraHeaders = { 'accept-language': 'en-GB,en;q=0.9' };
  await signInToAccount('PACO', browser);
  expect(browser.lastPage).toContain('<html lang="es">');
  expect(browser.lastPage).toContain('Preguntas privadas');
});

test('a person with TOTP passes the full sign-in, then sets answers: stored hashed, audited, never shown back', async () => {
  const browser = await signInToAccount('TINA');
  tina = browser;
  expect(browser.visited.some((visit) => visit.includes('/verify'))).toBe(true);
  expect((await sessionsOf('TINA'))[0]).toMatchObject({ amr: ['pwd', 'otp', 'mfa'], acr: 'urn:gatehouse:acr:mfa' });

  await browser.submit('/account/questions', questionForm(csrfOf(browser), tinaAnswers));
  expect(browser.lastUrl).toBe(account('?saved=1'));
  expect(noticeOf(browser)).toBe('Your private questions and answers are saved.');
  expect(browser.lastPage).toContain('You have answered 3 private questions.');
  for (const [question, answer] of tinaAnswers) {
    expect(browser.lastPage).toContain(`value="${question}"`);
    expect(browser.lastPage).not.toContain(answer);
  }

  expect((await services.questions.questionsOf(subs.TINA!)).map((question) => question.text)).toEqual(tinaAnswers.map(([question]) => question));
  const raw = JSON.stringify(await services.store.connection.collection('persons').findOne({ _id: subs.TINA as never }));
  for (const [, answer] of tinaAnswers) {
    expect(raw).not.toContain(answer);
    expect(raw.toLowerCase()).not.toContain(answer.toLowerCase());
  }
  expect(raw).toContain('scrypt$');
  const [entry] = await services.audit.list({ entity: 'person', entityId: subs.TINA! });
  expect(entry).toMatchObject({ action: 'set-questions', actor: { kind: 'person', id: subs.TINA, name: 'TINA' }, after: { questions_answered: 3 } });
  expect(JSON.stringify(entry)).not.toContain('Rex');
});

test('a form without the CSRF token, with a wrong one or with another session\'s is refused (403) and changes nothing', async () => {
  await tina.open(account());
  const neva = await signInToAccount('NEVA');
  const before = await services.questions.questionsOf(subs.TINA!);
  const replacement: [string, string][] = [['Evil question?', 'evil']];

  for (const csrf of [undefined, 'forged', csrfOf(tina).slice(0, -1), csrfOf(neva)]) {
    const fields = questionForm(csrf ?? '', replacement) as Record<string, string>;
    if (csrf === undefined) delete fields.csrf;
    await tina.submit('/account/questions', fields, { withHiddenFields: false });
    expect({ csrf, status: tina.lastStatus }).toEqual({ csrf, status: 403 });
    expect(alertOf(tina)).toContain('did not come from your account page');
  }
  // Without an account session there is no token to check: refused as well.
  const stranger = new FormBrowser(never);
  await stranger.open(account('/signed-out'));
  await stranger.submit(account('/questions'), questionForm(csrfOf(tina), replacement));
  expect(stranger.lastStatus).toBe(403);
  // A form posted from another site is refused before anything else.
  const crossSite = await fetch(account('/questions'), { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, body: 'csrf=x', redirect: 'manual' });
  expect(crossSite.status).toBe(403);

  expect(await services.questions.questionsOf(subs.TINA!)).toEqual(before);
  await tina.open(account());
  expect(tina.lastStatus).toBe(200);
});

test('the CSRF token is bound to the session and compared whole', () => {
  const token = csrfTokenOf('a'.repeat(43));
  expect(csrfTokenMatches('a'.repeat(43), token)).toBe(true);
  expect(csrfTokenMatches('b'.repeat(43), token)).toBe(false);
  expect(csrfTokenMatches('a'.repeat(43), `${token}x`)).toBe(false);
  expect(csrfTokenMatches('a'.repeat(43), undefined)).toBe(false);
  expect(csrfTokenMatches('a'.repeat(43), ['x'])).toBe(false);
});

test('account sessions are stored by the hash of their id, and end at their expiry', async () => {
  const sessions = createAccountSessions(services.store.connection, { lifetimeSeconds: 60 });
  const now = Date.now();
  const id = await sessions.open({ sub: subs.NEVA!, authTime: new Date(now), amr: ['pwd'] }, now);
  const hash = createHash('sha256').update(id).digest('hex');
  expect(await services.store.connection.collection('account_sessions').findOne({ _id: id as never })).toBeNull();
  expect(await services.store.connection.collection('account_sessions').findOne({ _id: hash as never })).toMatchObject({ sub: subs.NEVA });
  expect(await sessions.find(id, now + 59_000)).toMatchObject({ sub: subs.NEVA });
  expect(await sessions.find(id, now + 61_000)).toBeUndefined();
  expect(await sessions.find(hash, now)).toBeUndefined();
  expect(await sessions.sweep(new Date(now + 61_000))).toBeGreaterThanOrEqual(1);
  expect(await services.store.connection.collection('account_sessions').findOne({ _id: hash as never })).toBeNull();
});

test('the class\'s number of questions: fewer is refused, so is the service\'s invalid input; nothing is stored', async () => {
  const browser = await signInToAccount('QUINN');
  expect(browser.lastPage).toContain('Your sign-in asks 2 of them: set at least 2 questions.');
  const csrf = csrfOf(browser);

  await browser.submit('/account/questions', questionForm(csrf, [['Only one?', 'yes']]));
  expect(browser.lastStatus).toBe(400);
  expect(alertOf(browser)).toBe('Nothing was changed. Fill in at least 2 questions with their answers.');
  expect(browser.lastPage).toContain('value="Only one?"');
  expect(browser.lastPage).not.toContain('value="yes"');

  await browser.submit('/account/questions', questionForm(csrf, [['Same question?', 'a'], ['same   QUESTION?', 'b']]));
  expect(browser.lastStatus).toBe(400);
  expect(alertOf(browser)).toBe('Nothing was changed. Question 2: the same question as Question 1.');

  await browser.submit('/account/questions', { csrf, question_1: 'First school?', answer_1: 'Sagrado Corazón', question_4: 'Missing answer?', answer_4: '   ' });
  expect(browser.lastStatus).toBe(400);
  expect(alertOf(browser)).toMatch(/^Nothing was changed\. Answer 4: 1 to 200 characters/);
  expect(await services.questions.questionsOf(subs.QUINN!)).toEqual([]);

  await browser.submit('/account/questions', questionForm(csrf, [['First school?', 'Sagrado Corazón'], ['Street of childhood?', 'Calle Mayor'], ['Grandmother\'s name?', 'Dolores']]));
  expect(noticeOf(browser)).toBe('Your private questions and answers are saved.');
  expect(await services.questions.questionsOf(subs.QUINN!)).toHaveLength(3);
});

test('then the sign-in of the Qstn class asks the questions set on the page', async () => {
  const answers: Record<string, string> = { 'First school?': 'sagrado corazón', 'Street of childhood?': ' CALLE  MAYOR ', 'Grandmother&#39;s name?': 'dolores' };
  const request = await startAuthorization(rp);
  const browser = new FormBrowser(redirectUri);
  await browser.open(request.url.toString());
  await browser.submit(browser.formAction('/login'), { username: 'quinn', password });
  const asked = [...browser.lastPage.matchAll(/<label for="answer_([^"]+)">([^<]+)</g)].map((match) => ({ id: match[1]!, text: match[2]! }));
  expect(asked).toHaveLength(2);
  const done = await browser.submit(browser.formAction('/verify'), Object.fromEntries(asked.map((question) => [`answer_${question.id}`, answers[question.text]!])));
  expect(done.startsWith(redirectUri)).toBe(true);
  const tokens = await oidc.authorizationCodeGrant(rp, new URL(done), { pkceCodeVerifier: request.codeVerifier, expectedState: request.state, expectedNonce: request.nonce });
  expect(tokens.claims()).toMatchObject({ sub: subs.QUINN, amr: ['pwd', 'kba', 'mfa'] });
});

test('changing answers needs a sign-in of the last 10 minutes: an older one goes through /auth with prompt=login first', async () => {
  const browser = tina;
  const before = await services.questions.questionsOf(subs.TINA!);
  const sessions = services.store.connection.collection('account_sessions');
  await sessions.updateMany({ sub: subs.TINA }, { $set: { authTime: new Date(Date.now() - 11 * 60_000) } });

  await browser.open(account());
  expect(browser.lastPage).toContain('To change how you sign in, confirm it is you by signing in again.');
  expect(browser.lastPage).not.toContain('action="/account/questions"');

  // A form sent all the same (a page left open) is not applied: the browser goes to sign in again.
  await browser.submit('/account/questions', questionForm(csrfOf(browser), [['Changed?', 'changed']]));
  const toProvider = browser.visited.findLast((visit) => visit.startsWith(`GET ${gatehouse.issuer}/auth?`))!;
  expect(new URL(toProvider.slice(4)).searchParams.get('prompt')).toBe('login');
  expect(new URL(toProvider.slice(4)).searchParams.get('login_hint')).toBe('TINA');
  expect(browser.lastUrl).toContain('/interaction/');
  expect(browser.lastPage).toContain('value="TINA"');
  expect(await services.questions.questionsOf(subs.TINA!)).toEqual(before);

  const oldSessions = (await sessions.find({ sub: subs.TINA }).toArray()).map((session) => session._id);
  await browser.submit(browser.formAction('/login'), { username: 'tina', password });
  await browser.submit(browser.formAction('/verify'), { code: await nextCode('TINA') });
  expect(browser.lastUrl).toBe(account('?reauthenticated=1'));
  expect(noticeOf(browser)).toBe('You signed in again. You can now change your answers.');
  // The session of this browser was replaced by a new one.
  const nowSessions = (await sessions.find({ sub: subs.TINA }).toArray()).map((session) => session._id);
  expect(nowSessions.filter((id) => !oldSessions.includes(id))).toHaveLength(1);
  expect(nowSessions).toHaveLength(oldSessions.length);

  await browser.submit('/account/questions', questionForm(csrfOf(browser), [['Changed?', 'changed']]));
  expect(noticeOf(browser)).toBe('Your private questions and answers are saved.');
  expect((await services.questions.questionsOf(subs.TINA!)).map((question) => question.text)).toEqual(['Changed?']);
});

test('sign-out ends the account session; the page links to the provider\'s end-session', async () => {
  await services.store.connection.collection('account_sessions').deleteMany({ sub: subs.NEVA });
  const browser = await signInToAccount('NEVA');
  expect(await sessionsOf('NEVA')).toHaveLength(1);

  await browser.submit('/account/sign-out', { csrf: csrfOf(browser) });
  expect(browser.lastUrl).toBe(account('/signed-out'));
  expect(browser.lastPage).toContain('You left your account page');
  expect(await sessionsOf('NEVA')).toEqual([]);
  const endSession = /href="([^"]*\/session\/end[^"]*)"/.exec(browser.lastPage)![1]!.replace(/&amp;/g, '&');
  expect(new URL(endSession).searchParams.get('client_id')).toBe(accountClientId);

  // No account session: /account goes to the provider again (whose own session signs the person straight back in).
  const visitedBefore = browser.visited.length;
  await browser.open(account());
  expect(browser.visited.slice(visitedBefore, visitedBefore + 2).map((visit) => visit.split('?')[0])).toEqual([`GET ${account()}`, `GET ${gatehouse.issuer}/auth`]);
  expect(browser.lastUrl).toBe(account());

  // Ending the provider's session as well: the next visit asks for the password.
  await browser.submit('/account/sign-out', { csrf: csrfOf(browser) });
  await browser.open(endSession);
  await browser.submit(browser.formAction('/session/end/confirm'), { ...browser.hiddenFields('op.logoutForm'), logout: 'yes' });
  expect(browser.lastStatus).toBe(200);
  await browser.open(account());
  expect(browser.lastUrl).toContain('/interaction/');
  expect(browser.lastPage).toContain('action="/interaction/');
});

test('a callback without its pending sign-in is refused; an account session of a disabled person ends', async () => {
  const stray = new FormBrowser(never);
  await stray.open(account('/callback?code=abc&state=def'));
  expect(stray.lastStatus).toBe(400);
  expect(alertOf(stray)).toBe('This sign-in has expired or was started in another window.');

  const browser = await signInToAccount('NEVA');
  await services.persons.update('NEVA', { enabled: false });
  try {
    const response = await browser.open(account());
    expect(response).not.toBe(account());
    expect(await sessionsOf('NEVA')).toEqual([]);
  } finally {
    await services.persons.update('NEVA', { enabled: true });
  }
});

test('a callback of someone else\'s sign-in is refused: the state must be the one this browser started with', async () => {
  // The attacker signs in and keeps the callback URL, with a valid code, instead of opening it.
  const attacker = new FormBrowser(account('/callback'));
  await attacker.open(account());
  const callback = await attacker.submit(attacker.formAction('/login'), { username: 'paco', password });
  expect(callback.startsWith(`${account('/callback')}?code=`)).toBe(true);

  // The victim has a sign-in of its own under way, and is made to open the attacker's callback.
  const victim = new FormBrowser(never);
  await victim.open(account());
  const sessionsBefore = await sessionsOf('PACO');
  await victim.open(callback);
  expect(victim.lastStatus).toBe(400);
  expect(alertOf(victim)).toBe('The sign-in did not complete.');
  expect(await sessionsOf('PACO')).toEqual(sessionsBefore);
});

test('the account cookies are Secure when the issuer is https, and cleared with an expiry in the past', () => {
  const headers: string[] = [];
  const ctx = { append: (_name: string, value: string) => headers.push(value) } as unknown as Context;
  // The account page's cookies, as its browser sign-in sets them (http/firstPartySession.ts).
  const { basePath, cookies } = accountSessionOptions;
  setPageCookie(ctx, cookies.session, 'abc', { path: basePath, maxAgeSeconds: 1800, secure: true });
  setPageCookie(ctx, cookies.session, undefined, { path: basePath, maxAgeSeconds: 0, secure: true });
  expect(headers[0]).toBe('gatehouse.account=abc; Path=/account; Max-Age=1800; HttpOnly; SameSite=Lax; Secure');
  expect(headers[1]).toBe('gatehouse.account=; Path=/account; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax; Secure');
});
