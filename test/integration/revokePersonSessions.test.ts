import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import Koa from 'koa';
import type Provider from 'oidc-provider';
import * as oidc from 'openid-client';
import { createAccountSessions } from '../../src/account/accountSessions.ts';
import { createFirstPartySessions } from '../../src/http/firstPartySessions.ts';
import { createProvider } from '../../src/oidc/createProvider.ts';
import { currentSessionId } from '../../src/oidc/currentSessionId.ts';
import { oidcArtefactModel } from '../../src/store/models/oidcArtefactModel.ts';
import { adminSessionCollection } from '../../src/store/repositories/firstPartySessionRepository.ts';
import { FormBrowser } from '../support/formBrowser.ts';
import { discoverRelyingParty, oauthErrorOf, redirectUri, signIn, startAuthorization } from '../support/relyingParty.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let provider: Provider;
let rp: oidc.Configuration;
const subs: Record<string, string> = {};
const password = 'correct horse battery';
const names = ['ANA', 'BEA', 'CARLOS', 'DORA'] as const;

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  const { clientSecret } = await services.clients.add({ client_id: 'web-app', redirect_uris: [redirectUri], first_party: true });
  for (const name of names) subs[name] = (await services.persons.add({ name, password })).sub;
  rp = await discoverRelyingParty(gatehouse.issuer, 'web-app', clientSecret);
  // A provider of the test's own over the same database: its cookie keys are the server's (kept in the keyring).
  provider = await createProvider({ config: gatehouse.config, connection: services.store.connection, secretBox: services.secretBox, persons: services.persons, clients: services.clients });
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
});

/** A device: a browser of its own, signed in once, with its tokens. */
async function signedInDevice(name: string) {
  const browser = new FormBrowser(redirectUri);
  const { tokens } = await signIn(rp, name.toLowerCase(), password, {}, browser);
  return { browser, refreshToken: tokens.refresh_token!, accessToken: tokens.access_token };
}

/** The Koa context of a request to one of Gatehouse's own pages from `browser`, as a page of ours receives it. */
function requestFrom(browser: FormBrowser): Koa.Context {
  const req = new IncomingMessage(new Socket());
  const cookies = ['_session', '_session.sig'].flatMap((name) => {
    const value = browser.cookie(gatehouse.issuer, name);
    return value === undefined ? [] : [`${name}=${value}`];
  });
  req.method = 'GET';
  req.url = '/reset';
  req.headers = { host: new URL(gatehouse.issuer).host, ...(cookies.length ? { cookie: cookies.join('; ') } : {}) };
  return new Koa().createContext(req, new ServerResponse(req));
}

/** Whether a new authorization request of the browser comes straight back with a code (still signed in) rather than asking for the password. */
async function stillSignedIn(browser: FormBrowser): Promise<boolean> {
  const at = await browser.open((await startAuthorization(rp)).url.toString());
  return new URL(at).searchParams.has('code') && at.startsWith(redirectUri);
}

/** Whether the refresh token still gets tokens at the token endpoint; a refused one must be refused as invalid_grant. */
async function refreshes(refreshToken: string): Promise<{ works: boolean; refreshToken: string }> {
  try {
    const refreshed = await oidc.refreshTokenGrant(rp, refreshToken);
    return { works: true, refreshToken: refreshed.refresh_token! };
  } catch (error) {
    expect(await oauthErrorOf(Promise.reject(error))).toBe('invalid_grant');
    return { works: false, refreshToken };
  }
}

const accountSessions = () => createAccountSessions(services.store.connection);
const adminSessions = () => createFirstPartySessions(services.store.connection, { collection: adminSessionCollection, lifetimeSeconds: 900, idleSeconds: 900 });

/** An account page session, an admin view session and a sign-in under way of the person, as their pages make them. */
async function pageSessionsOf(name: string) {
  const fields = { sub: subs[name]!, authTime: new Date(), amr: ['pwd'] };
  const uid = `sign-in-of-${name}`;
  await services.signInProgress.save({ _id: uid, personId: subs[name]!, context: 'MFA', step: { factor: 'TOTP' }, expiresAt: new Date(Date.now() + 600_000) });
  const ids = { account: await accountSessions().open(fields), admin: await adminSessions().open(fields), uid };
  return {
    async left() {
      return {
        account: Boolean(await accountSessions().find(ids.account)),
        admin: Boolean(await adminSessions().find(ids.admin)),
        signIn: Boolean(await services.signInProgress.find(ids.uid)),
      };
    },
  };
}

const storedOf = (name: string, model: string) => oidcArtefactModel(services.store.connection, model).countDocuments({ 'payload.accountId': subs[name] });

test('kept: the current device stays signed in and its refresh token works; the other device\'s is refused; another person keeps everything', async () => {
  const [here, elsewhere, someoneElse] = [await signedInDevice('ANA'), await signedInDevice('ANA'), await signedInDevice('BEA')];
  const [anaPages, beaPages] = [await pageSessionsOf('ANA'), await pageSessionsOf('BEA')];
  const keepSessionId = await currentSessionId(provider, requestFrom(here.browser));
  expect(keepSessionId).toEqual(expect.any(String));
  expect(await currentSessionId(provider, requestFrom(elsewhere.browser))).not.toBe(keepSessionId);

  const revoked = await services.personSessions.revokeSessions(subs.ANA!, { keepSessionId });

  // The other device's session, and its code, access token and refresh token; the account page and admin view sessions.
  expect(revoked).toEqual({ sessions: 3, tokens: 3 });
  expect(await refreshes(elsewhere.refreshToken)).toMatchObject({ works: false });
  expect(await oidc.tokenIntrospection(rp, elsewhere.accessToken)).toEqual({ active: false });
  expect(await refreshes(here.refreshToken)).toMatchObject({ works: true });
  expect(await oidc.tokenIntrospection(rp, here.accessToken)).toMatchObject({ active: true });
  expect(await stillSignedIn(here.browser)).toBe(true);
  expect(await stillSignedIn(elsewhere.browser)).toBe(false);
  expect(await currentSessionId(provider, requestFrom(elsewhere.browser))).toBeUndefined();
  expect(await anaPages.left()).toEqual({ account: false, admin: false, signIn: false });

  expect(await refreshes(someoneElse.refreshToken)).toMatchObject({ works: true });
  expect(await stillSignedIn(someoneElse.browser)).toBe(true);
  expect(await beaPages.left()).toEqual({ account: true, admin: true, signIn: true });
});

test('not kept: every device of the person signs in again and every refresh token is refused; another person\'s still work', async () => {
  const [one, two, someoneElse] = [await signedInDevice('CARLOS'), await signedInDevice('CARLOS'), await signedInDevice('BEA')];
  const rotated = await refreshes(one.refreshToken);
  expect(rotated.works).toBe(true);
  const carlosPages = await pageSessionsOf('CARLOS');

  const revoked = await services.personSessions.revokeSessions(subs.CARLOS!);

  expect(revoked.sessions).toBe(4);
  expect(revoked.tokens).toBeGreaterThanOrEqual(6);
  for (const token of [rotated.refreshToken, two.refreshToken]) expect(await refreshes(token)).toMatchObject({ works: false });
  for (const device of [one, two]) expect(await stillSignedIn(device.browser)).toBe(false);
  expect(await carlosPages.left()).toEqual({ account: false, admin: false, signIn: false });
  // Nothing of the person's sign-ins is left in the database.
  for (const model of ['Session', 'SessionUid', 'Grant', 'AccessToken', 'RefreshToken', 'AuthorizationCode']) expect({ model, left: await storedOf('CARLOS', model) }).toEqual({ model, left: 0 });

  expect(await refreshes(someoneElse.refreshToken)).toMatchObject({ works: true });
  expect(await stillSignedIn(someoneElse.browser)).toBe(true);
  expect(await storedOf('BEA', 'Session')).toBeGreaterThan(0);
});

test('a keepSessionId that is not the person\'s session keeps nothing of theirs, and ends nothing of its owner', async () => {
  const [mine, someoneElse] = [await signedInDevice('DORA'), await signedInDevice('BEA')];
  const foreign = await currentSessionId(provider, requestFrom(someoneElse.browser));
  expect(foreign).toEqual(expect.any(String));

  for (const keepSessionId of [foreign, 'no-such-session-id']) {
    await services.personSessions.revokeSessions(subs.DORA!, { keepSessionId });
  }

  expect(await refreshes(mine.refreshToken)).toMatchObject({ works: false });
  expect(await stillSignedIn(mine.browser)).toBe(false);
  expect(await refreshes(someoneElse.refreshToken)).toMatchObject({ works: true });
  expect(await stillSignedIn(someoneElse.browser)).toBe(true);
});

test('a sign-in whose password was accepted but whose session is not made yet is ended too', async () => {
  // A browser that stops where the provider would turn the finished login into a session (/auth/:uid).
  const resume = `${gatehouse.issuer}/auth/`;
  const browser = new FormBrowser(resume);
  await browser.open((await startAuthorization(rp)).url.toString());
  const at = await browser.submit(browser.formAction('/login'), { username: 'ana', password });
  expect(at.startsWith(resume)).toBe(true);

  await services.personSessions.revokeSessions(subs.ANA!);

  // The browser goes on to /auth/:uid with the cookie that resumes its sign-in.
  const cookie = ['_interaction_resume', '_interaction_resume.sig'].map((name) => `${name}=${browser.cookie(gatehouse.issuer, name)}`).join('; ');
  const response = await fetch(at, { redirect: 'manual', headers: { cookie } });
  expect(response.headers.get('location') ?? '').not.toContain(redirectUri);
  expect(response.headers.getSetCookie().filter((header) => header.startsWith('_session='))).toEqual([]);
});

test('currentSessionId: nothing for a browser with no session cookie or a forged one', async () => {
  expect(await currentSessionId(provider, requestFrom(new FormBrowser(redirectUri)))).toBeUndefined();
  const { browser } = await signedInDevice('BEA');
  const genuine = requestFrom(browser);
  expect(await currentSessionId(provider, genuine)).toEqual(expect.any(String));
  // The cookie's value without the signature the provider's keys make is not read.
  const forged = requestFrom(new FormBrowser(redirectUri));
  forged.req.headers.cookie = `_session=${browser.cookie(gatehouse.issuer, '_session')}`;
  expect(await currentSessionId(provider, forged)).toBeUndefined();
});
