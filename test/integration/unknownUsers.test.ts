import type * as oidc from 'openid-client';
import { FormBrowser } from '../support/formBrowser.ts';
import { discoverRelyingParty, redirectUri, startAuthorization } from '../support/relyingParty.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

/**
 * Nobody learns whether a user ID exists: a wrong password for a known user ID and any
 * password for an unknown one do the same work, take about the same time, and get the same
 * answers at the same attempt counts — the unknown user ID is counted, and locked, under a
 * keyed hash of it, with the default class's limits.
 */
let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let rp: oidc.Configuration;
const password = 'correct horse battery';
const median = (values: number[]) => values.toSorted((a, b) => a - b)[Math.floor(values.length / 2)]!;

beforeAll(async () => {
  gatehouse = await startTestGatehouse({ trustProxy: true, config: { addressFailureLimit: 10_000 } });
  services = await openTestServices(gatehouse.config);
  const { clientSecret } = await services.clients.add({ client_id: 'app', redirect_uris: [redirectUri], first_party: true });
  rp = await discoverRelyingParty(gatehouse.issuer, 'app', clientSecret);
  await services.classes.add({ name: 'STAFF', mfa_device: 'N', max_retries: 3, wait_seconds: 600 });
  await services.settings.setDefaultClass('STAFF');
  await services.persons.add({ name: 'KNOWN', password });
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
});

const alertOf = (browser: FormBrowser) => /<p class="alert"[^>]*>([^<]*)</.exec(browser.lastPage)?.[1];

/** One password attempt from `address`: the answer's status and alert, and how long the POST took. */
async function attempt(username: string, typed: string, address: string) {
  const browser = new FormBrowser(redirectUri);
  browser.extraHeaders['x-forwarded-for'] = address;
  await browser.open((await startAuthorization(rp)).url.toString());
  const action = browser.formAction('/login');
  const started = performance.now();
  await browser.submit(action, { username, password: typed });
  const ms = performance.now() - started;
  return { status: browser.lastStatus, alert: alertOf(browser), ms };
}

test('a known and an unknown user ID get the same answers at the same attempt counts, lock included', async () => {
  const answers = { known: [] as unknown[], unknown: [] as unknown[] };
  for (let i = 0; i < 5; i += 1) {
    const known = await attempt('known', 'a wrong password', '203.0.113.1');
    const unknown = await attempt('nobody-here', 'a wrong password', '203.0.113.2');
    answers.known.push({ status: known.status, alert: known.alert?.replace(/\d{1,2}:\d{2}( [AP]M)?/, 'TIME') });
    answers.unknown.push({ status: unknown.status, alert: unknown.alert?.replace(/\d{1,2}:\d{2}( [AP]M)?/, 'TIME') });
  }
  expect(answers.unknown).toEqual(answers.known);
  expect(answers.known.map((answer) => (answer as { status: number }).status)).toEqual([401, 401, 401, 429, 429]);
  expect((answers.known[3] as { alert: string }).alert).toContain('Too many failed');
  // The right password is refused as well while the known user ID is locked at that address.
  expect((await attempt('known', password, '203.0.113.1')).status).toBe(429);
  // The database keeps no user ID that nobody has: its failures are under a keyed hash.
  const dump = JSON.stringify(await services.store.connection.collection('attempt_failures').find({}).toArray()) + JSON.stringify(await services.store.connection.collection('attempt_locks').find({}).toArray());
  expect(dump.toLowerCase()).not.toContain('nobody-here');
});

test('a wrong password costs as long for a known user ID as for an unknown one (the figure is reported, not asserted)', async () => {
  const times = { known: [] as number[], unknown: [] as number[] };
  const rounds = 100;
  for (let i = 0; i < rounds + 10; i += 1) {
    // A new address each time: no per-address lock gets in the way; the first ten warm up.
    const known = await attempt('known', 'a wrong password', `10.9.${Math.floor(i / 250)}.${i % 250}`);
    const unknown = await attempt(`nobody${i}`, 'a wrong password', `10.8.${Math.floor(i / 250)}.${i % 250}`);
    expect([known.status, unknown.status]).toEqual([401, 401]);
    if (i >= 10) {
      times.known.push(known.ms);
      times.unknown.push(unknown.ms);
    }
  }
  const known = median(times.known);
  const unknown = median(times.unknown);
  process.stdout.write(`MEASURED wrong password, ${rounds} alternating attempts: median known ${known.toFixed(1)} ms, unknown ${unknown.toFixed(1)} ms, known/unknown ${(known / unknown).toFixed(3)}\n`);
  expect(times.known).toHaveLength(rounds);
}, 300_000);
