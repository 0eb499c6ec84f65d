import * as oidc from 'openid-client';
import { FormBrowser } from '../support/formBrowser.ts';
import { discoverRelyingParty, postLogoutRedirectUri, redirectUri, signIn, startAuthorization } from '../support/relyingParty.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let rp: oidc.Configuration;
let clientSecret: string;

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  const added = await services.clients.add({
    client_id: 'web-app',
    client_name: 'Web App',
    redirect_uris: [redirectUri],
    post_logout_redirect_uris: [postLogoutRedirectUri],
    first_party: true,
  });
  clientSecret = added.clientSecret!;
  await services.persons.add({ name: 'PEPE', default_user_id: 'pepe', password: 'correct horse battery', first_name: 'PEPINO', family_name: 'CUEVAS', email: 'pepe@example.com' });
  rp = await discoverRelyingParty(gatehouse.issuer, 'web-app', clientSecret);
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
});

test('authorization code + PKCE: a valid ID token and userinfo for the person', async () => {
  const { tokens } = await signIn(rp, 'PePe', 'correct horse battery');
  const claims = tokens.claims()!;
  const person = await services.persons.show('pepe');
  expect(claims.iss).toBe(gatehouse.issuer);
  expect(claims.aud).toBe('web-app');
  expect(claims.sub).toBe(person.sub);
  expect(claims.amr).toEqual(['pwd']);
  const userinfo = await oidc.fetchUserInfo(rp, tokens.access_token, claims.sub);
  expect(userinfo).toMatchObject({ sub: person.sub, given_name: 'PEPINO', family_name: 'CUEVAS', preferred_username: 'pepe', email: 'pepe@example.com' });
});

test('a wrong password and an unknown user get the same answer, and no code', async () => {
  const answers: string[] = [];
  for (const [username, password] of [['pepe', 'wrong password!'], ['nobody', 'correct horse battery']] as const) {
    const browser = new FormBrowser(redirectUri);
    const request = await startAuthorization(rp);
    await browser.open(request.url.toString());
    const at = await browser.submit(browser.formAction('/login'), { username, password });
    expect(at.startsWith(redirectUri)).toBe(false);
    expect(browser.lastStatus).toBe(401);
    answers.push(/<p class="alert"[^>]*>([^<]*)</.exec(browser.lastPage)![1]!);
  }
  expect(answers[0]).toBe('The user ID or password is not correct.');
  expect(answers[1]).toBe(answers[0]);
});
