import { generate } from 'otplib';
import type * as oidc from 'openid-client';
import { FormBrowser } from '../support/formBrowser.ts';
import { addRelyingParty, startMailedGatehouse } from '../support/mailedGatehouse.ts';
import { redirectUri, startAuthorization } from '../support/relyingParty.ts';

/**
 * The address throttle counts failed steps of every kind — passwords, TOTP codes,
 * emergency tokens, answers, one-time codes — and more than ADDRESS_FAILURE_LIMIT of them
 * throttle the address, which is then refused at every
 * verification step, not only at the password. The classes here set no retry limit of
 * their own (maximum retries 0), so only the address can refuse.
 */
let started: Awaited<ReturnType<typeof startMailedGatehouse>>;
let rp: oidc.Configuration;
const limit = 5;
const password = 'correct horse battery';
const secrets: Record<string, string> = {};

beforeAll(async () => {
  started = await startMailedGatehouse({ trustProxy: true, config: { addressFailureLimit: limit } });
  const { services } = started;
  rp = await addRelyingParty(started, redirectUri);
  const base = { no_screen_channel: 'E', allow_otp_instead_of_totp: 'N', question_count: 0, max_retries: 0, wait_seconds: 60 };
  await services.classes.add({ ...base, name: 'TOTP', mfa_device: 'S', factors: { MFA: { TOTP: 1 } } });
  await services.classes.add({ ...base, name: 'QSTN', mfa_device: 'S', question_count: 1, factors: { MFA: { Qstn: 1 } } });
  await services.classes.add({ ...base, name: 'MAIL', mfa_device: 'E', factors: { MFA: { OTP: 1 } } });
  for (const [name, className] of [['TINA', 'TOTP'], ['TOM', 'TOTP'], ['QUINN', 'QSTN'], ['OLGA', 'MAIL']] as const) {
    const { sub } = await services.persons.add({ name, class: className, password, email: `${name.toLowerCase()}@example.com` });
    if (className === 'TOTP') {
      secrets[name] = services.totp.generateSecret();
      await services.totp.setKey(sub, { secret: secrets[name]!, state: 'active' }, {});
      await services.totpKeys.recreateTokens(name, { actor: { kind: 'cli', id: 'test' } });
    }
    if (className === 'QSTN') await services.questions.setAnswers(sub, [{ question: 'First pet?', answer: 'Rex the Dog' }], {});
  }
});

afterAll(async () => {
  await started?.stop();
});

const alertOf = (browser: FormBrowser) => /<p class="alert"[^>]*>([^<]*)</.exec(browser.lastPage)?.[1];
const codesIssued = () => started.services.store.connection.collection('oidc_authorization_code').countDocuments();

/** A browser behind the trusted proxy, at `address`, at the step after the password. */
async function signedInAt(address: string, username: string, code?: string) {
  const browser = new FormBrowser(redirectUri);
  browser.extraHeaders['x-forwarded-for'] = address;
  await browser.open((await startAuthorization(rp)).url.toString());
  const at = await browser.submit(browser.formAction('/login'), { username, password, ...(code ? { code } : {}) });
  return { browser, at };
}

test('failures of every kind count for the address; once throttled it is refused at the second factor and at the password', async () => {
  const address = '198.51.100.10';
  // A sign-in that has passed its password before the address is throttled: it will be refused at its TOTP step.
  const waiting = await signedInAt(address, 'tom');
  expect(waiting.browser.lastPage).toContain('/verify');

  const tina = await signedInAt(address, 'tina');
  await tina.browser.submit(tina.browser.formAction('/verify'), { code: (await generate({ secret: secrets.TINA! })) === '000000' ? '111111' : '000000' }); // 1: a wrong TOTP code
  expect(tina.browser.lastStatus).toBe(401);
  await tina.browser.submit(tina.browser.formAction('/another-way'), { factor: 'Emergency' });
  await tina.browser.submit(tina.browser.formAction('/verify'), { token: 'aaaa-bbbb-cccc-dddd' }); // 2: a wrong emergency token
  expect(tina.browser.lastStatus).toBe(401);

  const quinn = await signedInAt(address, 'quinn');
  const answerField = /name="(answer_[^"]+)"/.exec(quinn.browser.lastPage)![1]!;
  await quinn.browser.submit(quinn.browser.formAction('/verify'), { [answerField]: 'Felix the Cat' }); // 3: wrong answers
  expect(quinn.browser.lastStatus).toBe(401);

  const olga = await signedInAt(address, 'olga');
  const mailed = started.mail.lastCodeTo('olga@example.com')!;
  await olga.browser.submit(olga.browser.formAction('/verify'), { code: mailed === '000000' ? '111111' : '000000' }); // 4: a wrong one-time code
  expect(olga.browser.lastStatus).toBe(401);

  const wrongPassword = new FormBrowser(redirectUri);
  wrongPassword.extraHeaders['x-forwarded-for'] = address;
  await wrongPassword.open((await startAuthorization(rp)).url.toString());
  await wrongPassword.submit(wrongPassword.formAction('/login'), { username: 'tina', password: 'not the password' }); // 5: a wrong password
  expect(wrongPassword.lastStatus).toBe(401);
  // 6: one more than the limit — a wrong emergency token again — and that answer already says the address is throttled.
  await tina.browser.submit(tina.browser.formAction('/verify'), { token: 'eeee-ffff-gggg-hhhh' });
  expect(tina.browser.lastStatus).toBe(429);
  expect(alertOf(tina.browser)).toContain('Too many failed attempts from your network');

  // Now the right TOTP code of the waiting sign-in is refused: the address, not the person, is throttled.
  const before = await codesIssued();
  const refused = await waiting.browser.submit(waiting.browser.formAction('/verify'), { code: await generate({ secret: secrets.TOM! }) });
  expect(refused.startsWith(redirectUri)).toBe(false);
  expect(waiting.browser.lastStatus).toBe(429);
  expect(alertOf(waiting.browser)).toContain('Too many failed attempts from your network');
  // And the password step, with the right password.
  const again = await signedInAt(address, 'quinn');
  expect(again.browser.lastStatus).toBe(429);
  expect(again.browser.lastHeaders.get('retry-after')).toMatch(/^\d+$/);
  expect(await codesIssued()).toBe(before);
  // The person is not locked: from another address TOM signs in with a fresh code on one screen.
  const elsewhere = await signedInAt('192.0.2.44', 'tom', await generate({ secret: secrets.TOM!, epoch: Math.floor(Date.now() / 1000) + 30 }));
  expect(elsewhere.at.startsWith(redirectUri)).toBe(true);
});
