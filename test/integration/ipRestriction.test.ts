import type * as oidc from 'openid-client';
import { FormBrowser } from '../support/formBrowser.ts';
import { discoverRelyingParty, redirectUri, signIn } from '../support/relyingParty.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

type Started = Awaited<ReturnType<typeof startTestGatehouse>>;
let direct: Started;
let behindProxy: Started;
let services: Awaited<ReturnType<typeof openTestServices>>;
let rpDirect: oidc.Configuration;
let rpProxy: oidc.Configuration;

beforeAll(async () => {
  direct = await startTestGatehouse();
  behindProxy = await startTestGatehouse({ mongodbUri: direct.config.mongodbUri, masterKey: direct.config.masterKey, trustProxy: true });
  services = await openTestServices(direct.config);
  const { clientSecret } = await services.clients.add({ client_id: 'app', redirect_uris: [redirectUri], first_party: true });
  rpDirect = await discoverRelyingParty(direct.issuer, 'app', clientSecret);
  rpProxy = await discoverRelyingParty(behindProxy.issuer, 'app', clientSecret);
  await services.ipGroups.add({ name: 'LOOPBACK', ranges: ['127.0.0.0/8', '::1'] });
  await services.ipGroups.add({ name: 'OFFICE', ranges: ['10.20.0.0/16', '2001:db8::/32'] });
  await services.persons.add({ name: 'LOCAL', ip_group: 'LOOPBACK', password: 'local person 1' });
  await services.persons.add({ name: 'OFFICER', ip_group: 'OFFICE', password: 'office person 1' });
});

afterAll(async () => {
  await services?.store.close();
  await behindProxy?.stop();
  await direct?.stop();
});

/** Tries a sign-in; returns the callback URL reached, or undefined (with the page's alert). */
async function attempt(rp: oidc.Configuration, username: string, password: string, forwardedFor?: string) {
  const browser = new FormBrowser(redirectUri);
  if (forwardedFor) browser.extraHeaders['x-forwarded-for'] = forwardedFor;
  try {
    return { tokens: (await signIn(rp, username, password, {}, browser)).tokens, alert: undefined };
  } catch {
    return { tokens: undefined, alert: /<p class="alert"[^>]*>([^<]*)</.exec(browser.lastPage)?.[1] };
  }
}

test('a person with an IP group signs in from its ranges only; outside, the answer is that of a wrong password', async () => {
  expect((await attempt(rpDirect, 'local', 'local person 1')).tokens?.access_token).toBeTruthy();
  const outside = await attempt(rpDirect, 'officer', 'office person 1');
  expect(outside.tokens).toBeUndefined();
  expect(outside.alert).toBe('The user ID or password is not correct.');
  expect((await services.persons.show('officer')).last_used).toBeUndefined();
});

test('X-Forwarded-For counts only with TRUST_PROXY=true', async () => {
  // Not trusted: the header is ignored, the loopback address is what counts.
  expect((await attempt(rpDirect, 'officer', 'office person 1', '10.20.3.4')).tokens).toBeUndefined();
  // Trusted: the forwarded client address counts.
  expect((await attempt(rpProxy, 'officer', 'office person 1', '10.20.3.4')).tokens?.access_token).toBeTruthy();
  expect((await attempt(rpProxy, 'officer', 'office person 1', '10.21.0.1')).tokens).toBeUndefined();
  expect((await attempt(rpProxy, 'local', 'local person 1', '192.0.2.1')).tokens).toBeUndefined();
});
