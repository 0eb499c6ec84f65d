import type * as oidc from 'openid-client';
import { adminScriptToken, callAdminApi } from '../support/adminApi.ts';
import { FormBrowser } from '../support/formBrowser.ts';
import { discoverRelyingParty, redirectUri, signIn } from '../support/relyingParty.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

/**
 * Behind one trusted proxy (TRUST_PROXY=true, TRUST_PROXY_HOPS=1) the test plays the proxy:
 * it appends the address it was reached from as the last X-Forwarded-For entry. Whatever
 * the client wrote before that entry must change nothing: IP groups, the address throttle,
 * the per-address password lock and the audit log all follow the appended address.
 */
let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let rp: oidc.Configuration;
const addressLimit = 4;

beforeAll(async () => {
  gatehouse = await startTestGatehouse({ trustProxy: true, config: { addressFailureLimit: addressLimit } });
  services = await openTestServices(gatehouse.config);
  const { clientSecret } = await services.clients.add({ client_id: 'app', redirect_uris: [redirectUri], first_party: true });
  rp = await discoverRelyingParty(gatehouse.issuer, 'app', clientSecret);
  await services.ipGroups.add({ name: 'OFFICE', ranges: ['10.20.0.0/16'] });
  await services.classes.add({ name: 'LIMITED', mfa_device: 'N', max_retries: 3, wait_seconds: 600 });
  await services.persons.add({ name: 'OFFICER', ip_group: 'OFFICE', password: 'office person 1' });
  await services.persons.add({ name: 'VICTIM', class: 'LIMITED', password: 'victim person 1' });
  await services.persons.add({ name: 'ROTATOR', class: 'LIMITED', password: 'rotator person 1' });
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
});

/** A sign-in through the proxy: the client's own X-Forwarded-For (if any), then the address the proxy appends. */
async function attempt(username: string, password: string, { forged, from }: { forged?: string; from: string }) {
  const browser = new FormBrowser(redirectUri);
  browser.extraHeaders['x-forwarded-for'] = forged ? `${forged}, ${from}` : from;
  try {
    return { tokens: (await signIn(rp, username, password, {}, browser)).tokens, status: browser.lastStatus };
  } catch {
    return { tokens: undefined, status: browser.lastStatus };
  }
}

test('a forged leftmost entry does not pass an IP group', async () => {
  expect((await attempt('officer', 'office person 1', { from: '10.20.3.4' })).tokens?.access_token).toBeTruthy();
  const forged = await attempt('officer', 'office person 1', { forged: '10.20.3.4', from: '192.0.2.1' });
  expect(forged.tokens).toBeUndefined();
  expect(forged.status).toBe(401);
});

test('nobody locks a person out of another address by forging it', async () => {
  // The attacker at 198.51.100.9 claims to be at the victim's office address.
  for (let i = 0; i < 3; i += 1) await attempt('victim', 'wrong password', { forged: '10.20.9.9', from: '198.51.100.9' });
  expect((await attempt('victim', 'victim person 1', { from: '198.51.100.9' })).status).toBe(429);
  // The victim at 10.20.9.9 is not locked: the failures counted against the attacker's address.
  expect((await attempt('victim', 'victim person 1', { from: '10.20.9.9' })).tokens?.access_token).toBeTruthy();
});

test('rotating forged entries does not escape the address throttle or the password lock', async () => {
  for (let i = 0; i < addressLimit + 2; i += 1) {
    await attempt('rotator', 'wrong password', { forged: `203.0.113.${i + 1}`, from: '198.51.100.77' });
  }
  const throttled = await attempt('rotator', 'rotator person 1', { forged: '203.0.113.200', from: '198.51.100.77' });
  expect(throttled.status).toBe(429);
  expect(throttled.tokens).toBeUndefined();
  // From its own address the person is neither throttled nor locked.
  expect((await attempt('rotator', 'rotator person 1', { from: '192.0.2.50' })).tokens?.access_token).toBeTruthy();
});

test('the audit log records the address the proxy appended', async () => {
  const token = await adminScriptToken(services, gatehouse.issuer);
  const answer = await callAdminApi(gatehouse.issuer, '/persons/officer', {
    token,
    method: 'PATCH',
    body: { first_name: 'OFELIA' },
    headers: { 'x-forwarded-for': '10.20.1.1, 192.0.2.201' },
  });
  expect(answer.status).toBe(200);
  const [entry] = await services.audit.list({ entity: 'person', entityId: (await services.persons.show('officer')).sub, limit: 1 });
  expect(entry).toMatchObject({ action: 'update', ip: '192.0.2.201' });
  const listed = await callAdminApi(gatehouse.issuer, '/audit?entity=person&limit=1', { token });
  expect(listed.body.items[0]).toMatchObject({ action: 'update', ip: '192.0.2.201' });
});
