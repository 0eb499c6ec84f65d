import * as oidc from 'openid-client';
import { FormBrowser } from '../support/formBrowser.ts';
import { discoverRelyingParty, redirectUri, startAuthorization } from '../support/relyingParty.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let rp: oidc.Configuration;
const password = 'correct horse battery';
const relyingPartyOrigin = new URL(redirectUri).origin;

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  const { clientSecret } = await services.clients.add({ client_id: 'app-a', redirect_uris: [redirectUri], first_party: true });
  rp = await discoverRelyingParty(gatehouse.issuer, 'app-a', clientSecret);
  await services.persons.add({ name: 'LUIS', password });
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
});

const exchange = (request: Awaited<ReturnType<typeof startAuthorization>>, at: string) =>
  oidc.authorizationCodeGrant(rp, new URL(at), { pkceCodeVerifier: request.codeVerifier, expectedState: request.state, expectedNonce: request.nonce });

/** What a relying party's auto-submitted form sends: the request's parameters, form-encoded, from the RP's origin. */
const postAuthorization = async (browser: FormBrowser, request: Awaited<ReturnType<typeof startAuthorization>>) => {
  const endpoint = `${request.url.origin}${request.url.pathname}`;
  browser.lastUrl ||= endpoint;
  return browser.submit(endpoint, Object.fromEntries(request.url.searchParams), { origin: relyingPartyOrigin, withHiddenFields: false });
};

describe('authorization requests sent by POST (OIDC Core 3.1.2.1)', () => {
  test('a form-encoded POST reaches the sign-in page, and the sign-in ends at the callback with a code', async () => {
    const browser = new FormBrowser(redirectUri);
    const request = await startAuthorization(rp);
    const at = await postAuthorization(browser, request);
    expect(browser.lastStatus).toBe(200);
    expect(at).toMatch(/\/interaction\/[^/]+$/);
    const done = await browser.submit(browser.formAction('/login'), { username: 'luis', password });
    expect(done.startsWith(redirectUri)).toBe(true);
    expect((await exchange(request, done)).claims()).toMatchObject({ acr: 'urn:gatehouse:acr:pwd' });

    // The session is the same as for GET: a second POST goes straight back with a code.
    const again = await startAuthorization(rp);
    const silent = await postAuthorization(browser, again);
    expect(silent.startsWith(redirectUri)).toBe(true);
    expect((await exchange(again, silent)).claims()!.sub).toEqual(expect.any(String));
  });

  test('a POST whose body is not form-encoded is refused with a 400 that says so', async () => {
    const response = await fetch(`${gatehouse.issuer}/auth`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_id: 'app-a' }), redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('application/x-www-form-urlencoded');
  });
});
