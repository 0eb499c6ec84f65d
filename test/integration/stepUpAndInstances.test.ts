import { generate } from 'otplib';
import * as oidc from 'openid-client';
import { FormBrowser } from '../support/formBrowser.ts';
import { discoverRelyingParty, redirectUri, startAuthorization } from '../support/relyingParty.ts';
import { startSwitchableProxy } from '../support/switchableProxy.ts';
import { newMasterKey, openTestServices, startTestGatehouse, testDatabaseUri } from '../support/testGatehouse.ts';

type Started = Awaited<ReturnType<typeof startTestGatehouse>>;
let proxy: Awaited<ReturnType<typeof startSwitchableProxy>>;
let a: Started;
let b: Started;
let services: Awaited<ReturnType<typeof openTestServices>>;
let rp: oidc.Configuration;
const secrets: Record<string, string> = {};
const password = 'correct horse battery';
const elevated = 'urn:gatehouse:acr:aod';

beforeAll(async () => {
  proxy = await startSwitchableProxy();
  const mongodbUri = testDatabaseUri();
  const masterKey = newMasterKey();
  // Elevated access lasts three seconds here, so that the fall-back can be seen.
  [a, b] = await Promise.all([
    startTestGatehouse({ mongodbUri, masterKey, issuer: proxy.url, config: { ttl: { session: 3600, accessToken: 600, refreshToken: 3600, otp: 300, elevatedAcr: 3, registrationLink: 86_400 } } }),
    startTestGatehouse({ mongodbUri, masterKey, issuer: proxy.url, config: { ttl: { session: 3600, accessToken: 600, refreshToken: 3600, otp: 300, elevatedAcr: 3, registrationLink: 86_400 } } }),
  ]);
  proxy.routeTo(a.url);
  services = await openTestServices(a.config);
  const { clientSecret } = await services.clients.add({ client_id: 'app', redirect_uris: [redirectUri], first_party: true });
  rp = await discoverRelyingParty(proxy.url, 'app', clientSecret);
  const base = { mfa_device: 'S', no_screen_channel: 'E', question_count: 0, max_retries: 3, wait_seconds: 60 };
  await services.classes.add({ ...base, name: 'STEPUP', factors: { MFA: {}, AOD: { TOTP: 1 } } });
  await services.classes.add({ ...base, name: 'TOTP', factors: { MFA: { TOTP: 1 } } });
  for (const [name, className] of [['ADA', 'STEPUP'], ['BOB', 'TOTP']] as const) {
    const person = await services.persons.add({ name, class: className, password });
    secrets[name] = services.totp.generateSecret();
    await services.totp.setKey(person.sub, { secret: secrets[name]!, state: 'active' }, {});
  }
});

afterAll(async () => {
  await services?.store.close();
  await Promise.all([a?.stop(), b?.stop()]);
  await proxy?.stop();
});

const totpCode = (name: string, steps = 0) => generate({ secret: secrets[name]!, epoch: Math.floor(Date.now() / 1000) + steps * 30 });

async function authorize(browser: FormBrowser, parameters: Record<string, string> = {}) {
  const request = await startAuthorization(rp, parameters);
  const at = await browser.open(request.url.toString());
  return { request, at };
}

const exchange = (request: Awaited<ReturnType<typeof startAuthorization>>, at: string) =>
  oidc.authorizationCodeGrant(rp, new URL(at), { pkceCodeVerifier: request.codeVerifier, expectedState: request.state, expectedNonce: request.nonce });

test('step-up: acr_values for elevated access asks the AOD factor inside the session, without the password; it then falls back', async () => {
  const browser = new FormBrowser(redirectUri);
  const first = await authorize(browser);
  const signedIn = await browser.submit(browser.formAction('/login'), { username: 'ada', password });
  expect((await exchange(first.request, signedIn)).claims()).toMatchObject({ acr: 'urn:gatehouse:acr:pwd', amr: ['pwd'] });

  const stepUp = await authorize(browser, { acr_values: elevated });
  expect(stepUp.at.startsWith(redirectUri)).toBe(false);
  expect(browser.lastPage).not.toContain('name="password"');
  expect(browser.lastPage).toContain('authenticator app');
  const done = await browser.submit(browser.formAction('/verify'), { code: await totpCode('ADA') });
  const claims = (await exchange(stepUp.request, done)).claims()!;
  expect(claims).toMatchObject({ acr: elevated, amr: ['pwd', 'otp', 'mfa'] });

  // While elevated, asking again needs nothing more.
  const again = await authorize(browser, { acr_values: elevated });
  expect(again.at.startsWith(redirectUri)).toBe(true);
  expect((await exchange(again.request, again.at)).claims()!.acr).toBe(elevated);

  // After ELEVATED_ACR_TTL the session falls back to the sign-in level, without any page.
  await new Promise((resolve) => setTimeout(resolve, 3_200));
  const later = await authorize(browser);
  expect(later.at.startsWith(redirectUri)).toBe(true);
  expect((await exchange(later.request, later.at)).claims()!.acr).toBe('urn:gatehouse:acr:mfa');
});

test('prompt=login and max_age ask for the password again inside a session', async () => {
  const browser = new FormBrowser(redirectUri);
  const first = await authorize(browser);
  await exchange(first.request, await browser.submit(browser.formAction('/login'), { username: 'ada', password }));
  for (const parameters of [{ prompt: 'login' }, { max_age: '0' }] as Record<string, string>[]) {
    const next = await authorize(browser, parameters);
    expect(next.at.startsWith(redirectUri)).toBe(false);
    expect(browser.lastPage).toContain('name="password"');
  }
});

test('a sign-in started on instance A finishes on instance B', async () => {
  const browser = new FormBrowser(redirectUri);
  proxy.routeTo(a.url);
  const { request } = await authorize(browser);
  await browser.submit(browser.formAction('/login'), { username: 'bob', password });
  expect(browser.lastPage).toContain('authenticator app');
  proxy.routeTo(b.url);
  const served = proxy.log.length;
  const done = await browser.submit(browser.formAction('/verify'), { code: await totpCode('BOB') });
  const tokens = await exchange(request, done);
  expect(tokens.claims()).toMatchObject({ acr: 'urn:gatehouse:acr:mfa', amr: ['pwd', 'otp', 'mfa'] });
  expect(new Set(proxy.log.slice(served).map((entry) => entry.backend))).toEqual(new Set([b.url]));
});
