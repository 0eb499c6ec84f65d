import { generate } from 'otplib';
import * as oidc from 'openid-client';
import { decodeQrPng } from '../support/decodeQrPng.ts';
import { FormBrowser } from '../support/formBrowser.ts';
import { redirectUri, startAuthorization } from '../support/relyingParty.ts';
import { openTestServices } from '../support/testGatehouse.ts';
import { addRelyingParty, startMailedGatehouse } from '../support/mailedGatehouse.ts';

let started: Awaited<ReturnType<typeof startMailedGatehouse>>;
let mail: Awaited<ReturnType<typeof startMailedGatehouse>>['mail'];
let gatehouse: Awaited<ReturnType<typeof startMailedGatehouse>>['gatehouse'];
let services: Awaited<ReturnType<typeof openTestServices>>;
let rp: oidc.Configuration;
const password = 'correct horse battery';
/** A URL the browsers never reach: they follow every redirect, through the sign-in and back to /account. */
const never = 'http://127.0.0.1:9/never';
const retryRule = { maxRetries: 3, waitSeconds: 60 };

const classBase = { no_screen_channel: 'E', question_count: 0, max_retries: retryRule.maxRetries, wait_seconds: retryRule.waitSeconds, factors: { MFA: { TOTP: 1 } } };

beforeAll(async () => {
  started = await startMailedGatehouse();
  ({ mail, gatehouse, services } = started);
  rp = await addRelyingParty(started, redirectUri);
  // TOTP, or a code by email in its place (and the offer to set up the app after it).
  await services.classes.add({ ...classBase, name: 'APPORMAIL', mfa_device: 'E', allow_otp_instead_of_totp: 'Y' });
  // TOTP and nothing else.
  await services.classes.add({ ...classBase, name: 'APPONLY', mfa_device: 'S', allow_otp_instead_of_totp: 'N' });
});

afterAll(async () => {
  await started?.stop();
});

type Person = { name: string; sub: string; email: string; secret?: string; tokens: string[] };

let counter = 0;
/** A person of `className` with an email address; with `key`, an active key and 10 emergency tokens. */
async function newPerson(className: 'APPORMAIL' | 'APPONLY', { key = false } = {}): Promise<Person> {
  counter += 1;
  const name = `SELF${counter}`;
  const email = `self${counter}@example.com`;
  const { sub } = await services.persons.add({ name, class: className, email, first_name: 'Sam', family_name: `Self${counter}`, password });
  if (!key) return { name, sub, email, tokens: [] };
  const secret = services.totp.generateSecret();
  await services.totp.setKey(sub, { secret, state: 'active' }, {});
  const tokens = await services.emergencyTokens.recreate(sub, {});
  return { name, sub, email, secret, tokens };
}

const lastSteps: Record<string, number> = {};
/** A current code of `secret` for a time step the person has not used yet (a step is accepted once per person, whatever the key). */
async function nextCode(person: Person, secret = person.secret!): Promise<string> {
  for (;;) {
    const now = Math.floor(Date.now() / 30_000);
    const step = Math.max(now, (lastSteps[person.sub] ?? -1) + 1);
    if (step <= now + 1) {
      lastSteps[person.sub] = step;
      return generate({ secret, epoch: step * 30 });
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** A six-digit code that `secret` gives for none of the steps around now. */
async function wrongCode(secret: string): Promise<string> {
  const now = Math.floor(Date.now() / 30_000);
  const near = new Set(await Promise.all([-2, -1, 0, 1, 2].map((offset) => generate({ secret, epoch: (now + offset) * 30 }))));
  return ['000000', '111111', '222222', '333333'].find((code) => !near.has(code))!;
}

const account = (path = '') => `${gatehouse.issuer}/account${path}`;
const alertOf = (browser: FormBrowser) => /<p class="alert"[^>]*>([^<]*)</.exec(browser.lastPage)?.[1];
const noticeOf = (browser: FormBrowser) => /<p class="notice"[^>]*>([^<]*)</.exec(browser.lastPage)?.[1];
const csrfOf = (browser: FormBrowser) => /name="csrf" value="([^"]+)"/.exec(browser.lastPage)?.[1] ?? '';
/** The Base32 key shown on a setup page, without the spaces between its groups of four. */
const keyOn = (page: string) => /data-testid="totp-key">([\s\S]*?)<\/p>/.exec(page)![1]!.replace(/<[^>]+>|\s/g, '');
/** The emergency tokens listed on a page. */
const tokensOn = (page: string) => [...(/data-testid="emergency-tokens">([\s\S]*?)<\/ol>/.exec(page)?.[1] ?? '').matchAll(/<code>([^<]+)<\/code>/g)].map((match) => match[1]!);
const storedPerson = (person: Person) => services.store.connection.collection('persons').findOne({ _id: person.sub as never });
const sessionsOf = (person: Person) => services.store.connection.collection('account_sessions').find({ sub: person.sub }).toArray();
const tokenDocumentsOf = (person: Person) => services.store.connection.collection('emergency_tokens').countDocuments({ personId: person.sub });
const failuresOf = async (person: Person) => {
  const status = await services.attempts.status(person.sub, 'TOTP', retryRule);
  return status.locked ? 'locked' : status.failures;
};

/** The mail's text with quoted-printable soft breaks and `=3D` undone. */
const textOf = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
const mailsTo = (person: Person) => mail.messages.filter((message) => message.to.includes(person.email)).map((message) => textOf(message.raw));
const noticesTo = (person: Person) => mailsTo(person).filter((text) => /^Subject: A change to how you sign in\r?$/m.test(text));
/** The sign-in code of the newest mail to the person. */
function mailedCode(person: Person): string {
  const text = mailsTo(person).at(-1) ?? '';
  const code = /sign-in code is (\d{6})\./.exec(text)?.[1];
  if (!code) throw new Error(`no sign-in code mailed to ${person.email}:\n${text}`);
  return code;
}

async function rawDatabase(): Promise<string> {
  const { db } = services.store.connection;
  const collections = await db!.listCollections().toArray();
  const documents = await Promise.all(collections.map(({ name }) => db!.collection(name).find({}).toArray()));
  return JSON.stringify(documents);
}

/**
 * Opens /account in a new browser and signs in through the provider: password, then a
 * code by email (under "try another way" when the person has a key), or, for a class
 * without email codes, the app's code.
 */
async function signInToAccount(person: Person, via: 'email' | 'app' = 'email', browser = new FormBrowser(never)) {
  await browser.open(account());
  expect(browser.lastUrl).toContain('/interaction/');
  await browser.submit(browser.formAction('/login'), { username: person.name.toLowerCase(), password });
  if (via === 'app') {
    await browser.submit(browser.formAction('/verify'), { code: await nextCode(person) });
  } else {
    if (person.secret) await browser.submit(browser.formAction('/verify').replace(/\/verify$/, '/another-way'), { factor: 'OTP', channel: 'email' });
    expect(browser.lastPage).toContain('s***@example.com');
    await browser.submit(browser.formAction('/verify'), { code: mailedCode(person) });
    // Rule 6 offers to set up the app after the code; should the sign-in to the account page offer it, the account page is where this test does it.
    if (!person.secret && browser.lastPage.includes('/enrol/skip')) await browser.submit(browser.formAction('/enrol/skip'), {});
  }
  expect({ status: browser.lastStatus, url: browser.lastUrl }).toEqual({ status: 200, url: account() });
  return browser;
}

test('after signing in with a code by email, a person without a key activates TOTP on the account page; the new key then signs in on one screen', async () => {
  const anna = await newPerson('APPORMAIL');
  const browser = await signInToAccount(anna);
  const [session] = await sessionsOf(anna);
  expect(session).toMatchObject({ amr: expect.arrayContaining(['otp']) });
  expect(browser.lastPage).toContain('No authenticator app is set up.');
  expect(browser.lastPage).toContain('action="/account/totp/activate"');
  expect(browser.lastPage).toContain('>Activate TOTP</button>');

  await browser.submit('/account/totp/activate', { csrf: csrfOf(browser) });
  expect({ status: browser.lastStatus, url: browser.lastUrl }).toEqual({ status: 200, url: account('/totp/setup') });
  expect(browser.lastHeaders.get('cache-control')).toBe('no-store');
  const page = browser.lastPage;
  expect(page).toMatch(/data-testid="totp-key">(<code>[A-Z2-7]{4}<\/code> ){8}/);
  const secret = keyOn(page);
  // The QR code carries the same key, for the person's user ID.
  const qr = decodeQrPng(Buffer.from(/<img src="data:image\/png;base64,([A-Za-z0-9+/=]+)"/.exec(page)![1]!, 'base64'))!;
  expect(new URL(qr).searchParams.get('secret')).toBe(secret);
  expect(decodeURIComponent(new URL(qr).pathname)).toContain(anna.name);
  expect(page).toContain('action="/account/totp/confirm"');
  // Reloading shows the same key: it is kept with the session until confirmed.
  await browser.open(account('/totp/setup'));
  expect(keyOn(browser.lastPage)).toBe(secret);

  // A wrong code: the page again, counted against TOTP, and the person still has no key.
  await browser.submit('/account/totp/confirm', { csrf: csrfOf(browser), code: await wrongCode(secret) });
  expect(browser.lastStatus).toBe(422);
  expect(alertOf(browser)).toBe('The code is not correct. Try again.');
  expect(keyOn(browser.lastPage)).toBe(secret);
  expect((await storedPerson(anna))!.totp).toBeUndefined();
  expect(await failuresOf(anna)).toBe(1);
  expect(noticesTo(anna)).toEqual([]);

  const mailsBefore = mailsTo(anna).length;
  const confirmedWith = await nextCode(anna, secret);
  await browser.submit('/account/totp/confirm', { csrf: csrfOf(browser), code: confirmedWith });
  expect(browser.lastStatus).toBe(200);
  expect(browser.lastPage).toContain('Your authenticator app is active');
  expect(browser.lastHeaders.get('referrer-policy')).toBe('same-origin');
  const tokens = tokensOn(browser.lastPage);
  expect(tokens).toHaveLength(10);
  expect(new Set(tokens).size).toBe(10);
  const download = /href="(data:text\/plain;charset=utf-8,[^"]+)"/.exec(browser.lastPage)![1]!;
  const file = decodeURIComponent(download.replace(/&amp;/g, '&').slice('data:text/plain;charset=utf-8,'.length));
  for (const token of tokens) expect(file).toContain(token);

  const stored = (await storedPerson(anna))!;
  expect(stored.totp).toMatchObject({ state: 'active', keyId: expect.any(String), sealedSecret: expect.stringMatching(/^v1\./) });
  expect((await services.totp.openKey(anna.sub))!.secret).toBe(secret);
  expect(await services.emergencyTokens.countLeft(anna.sub)).toBe(10);
  expect(await failuresOf(anna)).toBe(0);
  // The confirming code took its time step: it cannot sign in afterwards.
  expect(await services.totp.verify({ _id: anna.sub }, confirmedWith)).toMatchObject({ outcome: 'retry', reason: 'reused' });
  // The candidate is gone from the session; a second confirmation finds nothing to confirm.
  expect((await sessionsOf(anna))[0]).not.toHaveProperty('totpCandidate');
  await browser.open(account('/totp/setup'));
  expect(browser.lastUrl).toBe(account());
  expect(browser.lastPage).toContain('Your authenticator app is active (since');
  expect(browser.lastPage).toContain('Emergency tokens left: 10.');

  // One notice, naming the change, and nothing secret.
  const notices = noticesTo(anna);
  expect(mailsTo(anna)).toHaveLength(mailsBefore + 1);
  expect(notices).toHaveLength(1);
  expect(notices[0]).toContain('an authenticator app was set up for your account');
  expect(notices[0]).toContain('Hello Sam Self');
  for (const secretText of [secret, secret.match(/.{4}/g)!.join(' '), ...tokens, ...tokens.map((token) => token.replace(/-/g, ''))]) {
    expect(notices[0]).not.toContain(secretText);
  }

  // The new key at a relying party: user ID, password and code on one screen.
  const request = await startAuthorization(rp);
  const rpBrowser = new FormBrowser(redirectUri);
  await rpBrowser.open(request.url.toString());
  const at = await rpBrowser.submit(rpBrowser.formAction('/login'), { username: anna.name.toLowerCase(), password, code: await nextCode(anna, secret) });
  expect(at.startsWith(redirectUri)).toBe(true);
  expect(rpBrowser.visited.some((visit) => visit.includes('/verify') || visit.includes('/another-way'))).toBe(false);
  const grant = await oidc.authorizationCodeGrant(rp, new URL(at), { pkceCodeVerifier: request.codeVerifier, expectedState: request.state, expectedNonce: request.nonce });
  expect(grant.claims()).toMatchObject({ sub: anna.sub, amr: expect.arrayContaining(['pwd', 'otp']) });
});

test('replace: the current code is asked first; the old key works until the new one is confirmed, then it stops', async () => {
  const rita = await newPerson('APPORMAIL', { key: true });
  const before = (await storedPerson(rita))!.totp as { keyId: string };
  const browser = await signInToAccount(rita);
  expect(browser.lastPage).toContain('Your authenticator app is active (since');
  expect(browser.lastPage).toContain('href="/account/totp/replace"');

  await browser.open(account('/totp/replace'));
  expect(browser.lastStatus).toBe(200);
  expect(browser.lastPage).toContain('Replace your authenticator key');
  const csrf = csrfOf(browser);

  await browser.submit('/account/totp/replace', { csrf, code: await wrongCode(rita.secret!) });
  expect(browser.lastStatus).toBe(422);
  expect(alertOf(browser)).toBe('The code is not correct. Try again.');
  expect((await storedPerson(rita))!.totp).toMatchObject({ keyId: before.keyId, state: 'active' });
  expect((await sessionsOf(rita))[0]).not.toHaveProperty('totpCandidate');

  await browser.submit('/account/totp/replace', { csrf, code: await nextCode(rita) });
  expect({ status: browser.lastStatus, url: browser.lastUrl }).toEqual({ status: 200, url: account('/totp/setup') });
  expect(browser.lastPage).toContain('Your current key keeps working until the new one is confirmed.');
  const newSecret = keyOn(browser.lastPage);
  expect(newSecret).toMatch(/^[A-Z2-7]{32}$/);
  expect(newSecret).not.toBe(rita.secret);

  // Not confirmed yet: the old key is still the person's key.
  expect((await storedPerson(rita))!.totp).toMatchObject({ keyId: before.keyId, state: 'active' });
  expect((await services.totp.openKey(rita.sub))!.secret).toBe(rita.secret);

  // A code of the new key in the very time step the current code just proved confirms it: it is no replay of that
  // code (the new key's steps are claimed apart). A wrong code first counts as a guess.
  const usedStep = lastSteps[rita.sub]!;
  await browser.submit('/account/totp/confirm', { csrf: csrfOf(browser), code: await wrongCode(newSecret) });
  expect(browser.lastStatus).toBe(422);
  expect(await failuresOf(rita)).toBe(1);
  expect((await storedPerson(rita))!.totp).toMatchObject({ keyId: before.keyId });
  const confirmedWith = await generate({ secret: newSecret, epoch: usedStep * 30 });
  await browser.submit('/account/totp/confirm', { csrf: csrfOf(browser), code: confirmedWith });
  expect(browser.lastStatus).toBe(200);
  expect(browser.lastPage).toContain('The new key is active and the previous one no longer works.');
  expect(await failuresOf(rita)).toBe(0);
  // Her emergency tokens were left untouched: none are shown.
  expect(browser.lastPage).not.toContain('data-testid="emergency-tokens"');
  expect(await services.emergencyTokens.countLeft(rita.sub)).toBe(10);
  // The confirming code cannot then sign in, on any server: the new key starts above its step.
  expect(await services.totp.verify({ _id: rita.sub }, confirmedWith)).toMatchObject({ outcome: 'retry', reason: 'reused' });

  const after = (await storedPerson(rita))!.totp as { keyId: string; state: string };
  expect(after.state).toBe('active');
  expect(after.keyId).not.toBe(before.keyId);
  expect((await services.totp.openKey(rita.sub))!.secret).toBe(newSecret);
  // Every code of the old key around now is refused.
  const now = Date.now();
  for (const offset of [-1, 0, 1]) {
    const oldCode = await generate({ secret: rita.secret!, epoch: Math.floor(now / 1000) + offset * 30 });
    expect(await services.totp.verify({ _id: rita.sub }, oldCode, now)).toMatchObject({ outcome: 'retry', reason: 'wrong-code' });
  }

  const notices = noticesTo(rita);
  expect(notices).toHaveLength(1);
  expect(notices[0]).toContain('the authenticator app key of your account was replaced');
  expect(notices[0]).not.toContain(newSecret);
  expect(notices[0]).not.toContain(rita.secret);
});

test('remove: refused (409) when the class would have no usable second factor; otherwise an emergency token removes key and tokens', async () => {
  // TOTP only, no code by email in its place: without the app the person could not sign in.
  const tony = await newPerson('APPONLY', { key: true });
  const tonyBrowser = await signInToAccount(tony, 'app');
  const tonyCsrf = csrfOf(tonyBrowser);
  await tonyBrowser.open(account('/totp/remove'));
  expect(tonyBrowser.lastStatus).toBe(409);
  expect(alertOf(tonyBrowser)).toBe('Your sign-in needs an authenticator app: without it you could not sign in. To move to a new phone, replace the key instead.');
  expect(tonyBrowser.lastPage).not.toContain('action="/account/totp/remove"');
  // The form sent all the same: refused before the token is even looked at.
  await tonyBrowser.submit('/account/totp/remove', { csrf: tonyCsrf, code: tony.tokens[0]! });
  expect(tonyBrowser.lastStatus).toBe(409);
  expect((await storedPerson(tony))!.totp).toMatchObject({ state: 'active' });
  expect(await services.emergencyTokens.countLeft(tony.sub)).toBe(10);
  expect(noticesTo(tony)).toEqual([]);

  const remy = await newPerson('APPORMAIL', { key: true });
  const browser = await signInToAccount(remy);
  await browser.open(account('/totp/remove'));
  expect(browser.lastStatus).toBe(200);
  expect(browser.lastPage).toContain('action="/account/totp/remove"');
  const csrf = csrfOf(browser);
  // Without the current factor nothing is removed.
  await browser.submit('/account/totp/remove', { csrf, code: 'AAAA-BBBB-CCCC-DDDD' });
  expect(browser.lastStatus).toBe(422);
  expect(alertOf(browser)).toBe('The code is not correct. Try again.');
  expect((await storedPerson(remy))!.totp).toMatchObject({ state: 'active' });
  expect(await services.emergencyTokens.countLeft(remy.sub)).toBe(10);

  const used = remy.tokens[3]!;
  await browser.submit('/account/totp/remove', { csrf, code: used.toLowerCase() });
  expect({ status: browser.lastStatus, url: browser.lastUrl }).toEqual({ status: 200, url: account('?removed=1') });
  expect(noticeOf(browser)).toBe('Your authenticator app and emergency tokens were removed.');
  expect(browser.lastPage).toContain('No authenticator app is set up.');
  expect(browser.lastPage).toContain('action="/account/totp/activate"');

  const stored = (await storedPerson(remy))!;
  expect(stored.totp).toBeUndefined();
  expect(stored.emergencyTokens).toBeUndefined();
  expect(await tokenDocumentsOf(remy)).toBe(0);
  for (const token of [used, remy.tokens[4]!]) expect((await services.emergencyTokens.consume(remy.sub, token)).outcome).not.toBe('success');
  // She signs in with a code by email now.
  const { plan } = await services.persons.planFor((await services.persons.findBySub(remy.sub))!, 'MFA', Date.now());
  expect(plan.challenge).toMatchObject({ factor: 'OTP', channel: 'email' });

  const notices = noticesTo(remy);
  expect(notices).toHaveLength(1);
  expect(notices[0]).toContain('the authenticator app key and the emergency tokens were removed from your account');
  expect(notices[0]).not.toContain(used);
});

test('new emergency tokens: 10 shown once; the old set stops working, the new one works', async () => {
  const toby = await newPerson('APPORMAIL', { key: true });
  const keyBefore = (await storedPerson(toby))!.totp as { keyId: string };
  const browser = await signInToAccount(toby);
  expect(browser.lastPage).toContain('Emergency tokens left: 10.');
  expect(browser.lastPage).toContain('action="/account/totp/tokens"');

  await browser.submit('/account/totp/tokens', { csrf: csrfOf(browser) });
  expect(browser.lastStatus).toBe(200);
  expect(browser.lastPage).toContain('Your new emergency tokens');
  expect(browser.lastPage).toContain('Your previous emergency tokens no longer work.');
  const tokens = tokensOn(browser.lastPage);
  expect(tokens).toHaveLength(10);
  expect(tokens.filter((token) => toby.tokens.includes(token))).toEqual([]);

  expect((await services.emergencyTokens.consume(toby.sub, toby.tokens[0]!)).outcome).toBe('retry');
  expect(await services.emergencyTokens.consume(toby.sub, tokens[0]!)).toMatchObject({ outcome: 'success' });
  expect(await services.emergencyTokens.countLeft(toby.sub)).toBe(9);
  expect(await tokenDocumentsOf(toby)).toBe(9);
  // The key is untouched.
  expect(((await storedPerson(toby))!.totp as { keyId: string }).keyId).toBe(keyBefore.keyId);

  const notices = noticesTo(toby);
  expect(notices).toHaveLength(1);
  expect(notices[0]).toContain('new emergency tokens were made for your account');
  for (const token of tokens) {
    expect(notices[0]).not.toContain(token);
    expect(notices[0]).not.toContain(token.replace(/-/g, ''));
  }
});

test('refusals change nothing: no or a wrong CSRF token (403), a sign-in older than 10 minutes (signed in again)', async () => {
  const rose = await newPerson('APPORMAIL', { key: true });
  const browser = await signInToAccount(rose);
  const csrf = csrfOf(browser);
  const snapshot = async () => {
    const stored = (await storedPerson(rose))!;
    const [session] = await sessionsOf(rose);
    return { totp: stored.totp, emergencyTokens: stored.emergencyTokens, tokenDocuments: await tokenDocumentsOf(rose), candidate: session?.totpCandidate, failures: await failuresOf(rose) };
  };
  const before = await snapshot();
  expect(before).toMatchObject({ tokenDocuments: 10, candidate: undefined, failures: 0 });
  // Each form, with what would make it succeed: a valid emergency token, which a refused form must not use up.
  const forms: [string, Record<string, string>][] = [
    ['/account/totp/activate', {}],
    ['/account/totp/tokens', {}],
    ['/account/totp/replace', { code: rose.tokens[0]! }],
    ['/account/totp/remove', { code: rose.tokens[1]! }],
    ['/account/totp/confirm', { code: '123456' }],
  ];

  for (const [action, fields] of forms) {
    for (const badCsrf of [undefined, 'forged', csrf.slice(0, -1)]) {
      await browser.submit(action, badCsrf === undefined ? fields : { ...fields, csrf: badCsrf }, { withHiddenFields: false });
      expect({ action, badCsrf, status: browser.lastStatus }).toEqual({ action, badCsrf, status: 403 });
      expect(alertOf(browser)).toContain('did not come from your account page');
    }
  }
  expect(await snapshot()).toEqual(before);
  expect(noticesTo(rose)).toEqual([]);

  // The sign-in is now 11 minutes old: each form sends the browser to sign in again (prompt=login), and changes nothing.
  await services.store.connection.collection('account_sessions').updateMany({ sub: rose.sub }, { $set: { authTime: new Date(Date.now() - 11 * 60_000) } });
  for (const [action, fields] of forms.filter(([path]) => path !== '/account/totp/confirm')) {
    const visitedBefore = browser.visited.length;
    await browser.open(account());
    await browser.submit(action, { ...fields, csrf });
    const toProvider = browser.visited.slice(visitedBefore).find((visit) => visit.startsWith(`GET ${gatehouse.issuer}/auth?`));
    expect({ action, prompt: toProvider && new URL(toProvider.slice(4)).searchParams.get('prompt') }).toEqual({ action, prompt: 'login' });
    expect(browser.lastUrl).toContain('/interaction/');
    expect(browser.lastPage).toContain(`value="${rose.name}"`);
  }
  // The session is still there, still old; nothing else moved.
  expect((await sessionsOf(rose))[0]!.authTime.getTime()).toBeLessThan(Date.now() - 10 * 60_000);
  expect(await snapshot()).toEqual(before);
  expect(noticesTo(rose)).toEqual([]);
});

test('wrong codes count against TOTP under the class\'s retry limit: the third locks (429), seen by the attempt limiter; a typing slip does not count', async () => {
  const lena = await newPerson('APPORMAIL', { key: true });
  const keyBefore = ((await storedPerson(lena))!.totp as { keyId: string }).keyId;
  const browser = await signInToAccount(lena);
  await browser.open(account('/totp/replace'));
  const csrf = csrfOf(browser);

  // Five digits, or a code with a letter in it (no emergency token either), is a slip, not a guess.
  for (const slip of ['12345', '12345a']) {
    await browser.submit('/account/totp/replace', { csrf, code: slip });
    expect(browser.lastStatus).toBe(422);
    expect(alertOf(browser)).toBe('Type the code your app shows now (digits only), or an emergency token such as k7dq-3vxm-9tpa-wz2c.');
  }
  expect(await failuresOf(lena)).toBe(0);

  const wrong = await wrongCode(lena.secret!);
  for (const expected of [1, 2]) {
    await browser.submit('/account/totp/replace', { csrf, code: wrong });
    expect(browser.lastStatus).toBe(422);
    expect(await failuresOf(lena)).toBe(expected);
  }
  // A wrong emergency token counts the same.
  await browser.submit('/account/totp/replace', { csrf, code: 'AAAA-BBBB-CCCC-DDDD' });
  expect(browser.lastStatus).toBe(429);
  expect(alertOf(browser)).toMatch(/^Too many wrong codes\. Try again after (\d{4}-\d\d-\d\d )?\d\d:\d\d UTC\.$/);
  const status = await services.attempts.status(lena.sub, 'TOTP', retryRule);
  expect(status).toMatchObject({ locked: true, until: expect.any(Date) });
  const until = (status as { until: Date }).until.getTime();
  expect(until).toBeGreaterThan(Date.now() + 30_000);
  expect(until).toBeLessThanOrEqual(Date.now() + retryRule.waitSeconds * 1000);

  // While locked even the right code and a valid emergency token are refused, and not used up.
  await browser.submit('/account/totp/replace', { csrf, code: await generate({ secret: lena.secret!, epoch: Math.floor(Date.now() / 1000) }) });
  expect(browser.lastStatus).toBe(429);
  await browser.submit('/account/totp/remove', { csrf, code: lena.tokens[0]! });
  expect(browser.lastStatus).toBe(429);
  expect(await services.emergencyTokens.countLeft(lena.sub)).toBe(10);
  expect(((await storedPerson(lena))!.totp as { keyId: string }).keyId).toBe(keyBefore);
  expect((await sessionsOf(lena))[0]).not.toHaveProperty('totpCandidate');
  // The same lock holds at sign-in: the app is not offered, the code by email is.
  const { plan } = await services.persons.planFor((await services.persons.findBySub(lena.sub))!, 'MFA', Date.now());
  expect(plan.challenge).toMatchObject({ factor: 'OTP' });
});

test('the key being set up is never stored in plain text', async () => {
  const sean = await newPerson('APPORMAIL');
  const browser = await signInToAccount(sean);
  await browser.submit('/account/totp/activate', { csrf: csrfOf(browser) });
  expect(browser.lastUrl).toBe(account('/totp/setup'));
  const secret = keyOn(browser.lastPage);
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);

  const [session] = await sessionsOf(sean);
  expect(session!.totpCandidate).toMatchObject({ keyId: expect.any(String), sealedSecret: expect.stringMatching(/^v1\./) });
  const raw = await rawDatabase();
  expect(raw).toContain(session!.totpCandidate.sealedSecret);
  for (const shown of [secret, secret.match(/.{4}/g)!.join(' '), secret.toLowerCase()]) expect(raw).not.toContain(shown);
  expect((await storedPerson(sean))!.totp).toBeUndefined();
});

test('a key set up before the person\'s active key changed elsewhere cannot replace it (409), and counts no failure', async () => {
  const stan = await newPerson('APPORMAIL');
  const browser = await signInToAccount(stan);
  await browser.submit('/account/totp/activate', { csrf: csrfOf(browser) });
  const offered = keyOn(browser.lastPage);

  // Meanwhile an administrator gives Stan an active key (or another session confirms one).
  const adminSecret = services.totp.generateSecret();
  await services.totp.setKey(stan.sub, { secret: adminSecret, state: 'active' }, {});
  const before = (await storedPerson(stan))!.totp;

  await browser.submit('/account/totp/confirm', { csrf: csrfOf(browser), code: await nextCode(stan, offered) });
  expect(browser.lastStatus).toBe(409);
  expect(browser.lastPage).toContain('was changed while this page was open');
  expect((await storedPerson(stan))!.totp).toEqual(before);
  expect(await failuresOf(stan)).toBe(0);
  expect((await sessionsOf(stan))[0]!.totpCandidate).toBeUndefined();
  expect(noticesTo(stan)).toHaveLength(0);
});
