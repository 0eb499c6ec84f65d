import { generate } from 'otplib';
import * as oidc from 'openid-client';
import { FormBrowser } from '../support/formBrowser.ts';
import { redirectUri, startAuthorization } from '../support/relyingParty.ts';
import { addRelyingParty, startMailedGatehouse } from '../support/mailedGatehouse.ts';

// Product.md rule 6: a person of a TOTP class with no key signs in with a one-time code
// and, before any token is issued, is offered to set up the authenticator app.

let started: Awaited<ReturnType<typeof startMailedGatehouse>>;
let services: Awaited<ReturnType<typeof startMailedGatehouse>>['services'];
let mail: Awaited<ReturnType<typeof startMailedGatehouse>>['mail'];
let rp: oidc.Configuration;
const password = 'correct horse battery';

beforeAll(async () => {
  started = await startMailedGatehouse();
  ({ mail, services } = started);
  rp = await addRelyingParty(started, redirectUri);
  const base = { mfa_device: 'E', no_screen_channel: 'E', question_count: 0, max_retries: 3, wait_seconds: 60 };
  await services.classes.add({ ...base, name: 'ENROL', allow_otp_instead_of_totp: 'Y', factors: { MFA: { TOTP: 1 } } });
  await services.classes.add({ ...base, name: 'OTPONLY', allow_otp_instead_of_totp: 'N', factors: { MFA: { OTP: 1 } } });
});

afterAll(async () => {
  await started?.stop();
});

let counter = 0;
async function newPerson(className = 'ENROL') {
  counter += 1;
  const name = `ENR${counter}`;
  const email = `enr${counter}@example.com`;
  const { sub } = await services.persons.add({ name, email, class: className, password });
  return { name, sub, email, username: name.toLowerCase() };
}

const storedPerson = (sub: string) => services.store.connection.collection('persons').findOne({ _id: sub as never });
const codesIssuedTo = (sub: string) => services.store.connection.collection('oidc_authorization_code').countDocuments({ 'payload.accountId': sub });
const keyOn = (page: string) => /data-testid="totp-key">([\s\S]*?)<\/p>/.exec(page)![1]!.replace(/<[^>]+>|\s/g, '');
async function rawDatabase(): Promise<string> {
  const { db } = services.store.connection;
  const collections = await db!.listCollections().toArray();
  return JSON.stringify(await Promise.all(collections.map(({ name }) => db!.collection(name).find({}).toArray())));
}
const alertOf = (browser: FormBrowser) => /<p class="alert"[^>]*>([^<]*)</.exec(browser.lastPage)?.[1];

/** Password, then the emailed code: ends on the enrolment step (or wherever the sign-in went). */
async function signInWithEmailCode(person: { username: string; email: string }) {
  const request = await startAuthorization(rp);
  const browser = new FormBrowser(redirectUri);
  await browser.open(request.url.toString());
  await browser.submit(browser.formAction('/login'), { username: person.username, password });
  const at = await browser.submit(browser.formAction('/verify'), { code: mail.lastCodeTo(person.email)! });
  return { request, browser, at };
}

const exchange = (request: Awaited<ReturnType<typeof startAuthorization>>, at: string) =>
  oidc.authorizationCodeGrant(rp, new URL(at), { pkceCodeVerifier: request.codeVerifier, expectedState: request.state, expectedNonce: request.nonce });

test('after the email code the sign-in stops at the setup step; no code is issued until the key is confirmed or declined', async () => {
  const person = await newPerson();
  const { request, browser, at } = await signInWithEmailCode(person);
  expect(at.startsWith(redirectUri)).toBe(false);
  expect(browser.lastPage).toContain('Set up your authenticator app');
  expect(browser.lastPage).toContain('data:image/png;base64,');
  expect(await codesIssuedTo(person.sub)).toBe(0);
  // Nothing is stored on the person before the code confirms the key.
  expect((await storedPerson(person.sub))?.totp).toBeUndefined();

  const secret = keyOn(browser.lastPage);
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  // The key on offer waits with the sign-in, sealed: no collection holds it in plain text.
  expect(await rawDatabase()).toContain('"enrolment"');
  expect(await rawDatabase()).not.toContain(secret);
  await browser.submit(browser.formAction('/enrol'), { code: await generate({ secret, epoch: Math.floor(Date.now() / 1000) - 300 }) });
  expect(browser.lastStatus).toBe(422);
  expect(alertOf(browser)).toContain('not correct');
  expect((await storedPerson(person.sub))?.totp).toBeUndefined();
  expect(await codesIssuedTo(person.sub)).toBe(0);

  await browser.submit(browser.formAction('/enrol'), { code: await generate({ secret, epoch: Math.floor(Date.now() / 1000) }) });
  expect(browser.lastStatus).toBe(200);
  expect(browser.lastPage).toContain('Your authenticator app is set up');
  const tokens = [...browser.lastPage.matchAll(/<li><code>([^<]+)<\/code><\/li>/g)].map((match) => match[1]!);
  expect(tokens).toHaveLength(10);
  expect((await storedPerson(person.sub))?.totp).toMatchObject({ state: 'active' });
  expect(await codesIssuedTo(person.sub)).toBe(0);

  const done = await browser.submit(browser.formAction('/enrol/continue'), {});
  expect(done.startsWith(redirectUri)).toBe(true);
  const claims = (await exchange(request, done)).claims()!;
  expect(claims.amr).toEqual(expect.arrayContaining(['pwd', 'otp', 'mfa']));
  expect(claims.acr).toBe('urn:gatehouse:acr:mfa');

  // The person was told, and the mail holds neither the key nor a token.
  const notice = mail.messages.filter((message) => message.to.includes(person.email)).at(-1)!.raw;
  expect(notice).toContain('authenticator app was set up');
  expect(notice).not.toContain(secret);
  for (const token of tokens) expect(notice).not.toContain(token);

  // The next sign-in asks the authenticator app, on one screen.
  const next = await startAuthorization(rp);
  const again = new FormBrowser(redirectUri);
  await again.open(next.url.toString());
  const oneScreen = await again.submit(again.formAction('/login'), { username: person.username, password, code: await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }) });
  expect((await exchange(next, oneScreen)).claims()).toMatchObject({ amr: ['pwd', 'otp', 'mfa'] });
});

test('"Not now" finishes the sign-in with the code passed, and the person still has no key', async () => {
  const person = await newPerson();
  const { request, browser } = await signInWithEmailCode(person);
  expect(browser.lastPage).toContain('Not now');
  const done = await browser.submit(browser.formAction('/enrol/continue'), {});
  expect(done.startsWith(redirectUri)).toBe(true);
  expect((await exchange(request, done)).claims()).toMatchObject({ amr: ['pwd', 'otp', 'mfa'] });
  expect((await storedPerson(person.sub))?.totp).toBeUndefined();
});

test('the setup step cannot be reached without the code, and a class without TOTP offers no setup', async () => {
  const person = await newPerson();
  const request = await startAuthorization(rp);
  const browser = new FormBrowser(redirectUri);
  await browser.open(request.url.toString());
  await browser.submit(browser.formAction('/login'), { username: person.username, password });
  const uid = /\/interaction\/([^/]+)\/verify/.exec(browser.formAction('/verify'))![1]!;
  // Skipping to "continue" before the code (the page's own CSRF token kept): refused, nothing issued.
  const csrf = browser.csrfToken();
  await browser.submit(`/interaction/${uid}/enrol/continue`, { csrf });
  expect(browser.lastStatus).toBe(400);
  await browser.submit(`/interaction/${uid}/enrol`, { csrf, code: '123456' });
  expect(browser.lastStatus).toBe(400);
  expect(await codesIssuedTo(person.sub)).toBe(0);

  const plain = await newPerson('OTPONLY');
  const { at } = await signInWithEmailCode(plain);
  expect(at.startsWith(redirectUri)).toBe(true);
});

test('a class ranking Device Auth above TOTP: the code typed on one screen leads to the passkey offer; an empty answer changes nothing; "Not now" finishes with the code passed', async () => {
  await services.classes.add({ name: 'KEYTOTP', mfa_device: 'S', no_screen_channel: 'E', question_count: 0, max_retries: 3, wait_seconds: 60, allow_otp_instead_of_totp: 'N', factors: { MFA: { DeviceAuth: 1, TOTP: 2 } } });
  const person = await newPerson('KEYTOTP');
  const secret = services.totp.generateSecret();
  await services.totp.setKey(person.sub, { secret, state: 'active' }, {});

  const request = await startAuthorization(rp);
  const browser = new FormBrowser(redirectUri);
  await browser.open(request.url.toString());
  const at = await browser.submit(browser.formAction('/login'), { username: person.username, password, code: await generate({ secret, epoch: Math.floor(Date.now() / 1000) }) });
  expect(at.startsWith(redirectUri)).toBe(false);
  expect(browser.lastPage).toContain('Add a passkey or security key');
  expect(browser.lastPage).toContain('data-webauthn="register"');
  expect(await codesIssuedTo(person.sub)).toBe(0);

  // No answer from the browser (its script did not run): said so, nothing kept, no code issued.
  await browser.submit(browser.formAction('/enrol'), { name: 'Passkey', webauthnResponse: '' });
  expect(browser.lastStatus).toBe(422);
  expect(alertOf(browser)).toContain('could not be added');
  expect((await storedPerson(person.sub))?.webauthn?.credentialIds ?? []).toHaveLength(0);
  expect(await codesIssuedTo(person.sub)).toBe(0);

  const done = await browser.submit(browser.formAction('/enrol/continue'), {});
  expect(done.startsWith(redirectUri)).toBe(true);
  expect((await exchange(request, done)).claims()).toMatchObject({ amr: ['pwd', 'otp', 'mfa'] });
});
