import * as oidc from 'openid-client';
import { createArtefactKeys } from '../../src/oidc/createArtefactKeys.ts';
import { createMongooseAdapter } from '../../src/oidc/createMongooseAdapter.ts';
import { rekeyLegacyArtefacts } from '../../src/oidc/rekeyLegacyArtefacts.ts';
import { callAdminApi, adminScriptToken } from '../support/adminApi.ts';
import { FormBrowser } from '../support/formBrowser.ts';
import { discoverRelyingParty, oauthErrorOf, redirectUri, signIn, startAuthorization } from '../support/relyingParty.ts';
import { newMasterKey, openTestServices, startTestGatehouse, testConfig, testDatabaseUri } from '../support/testGatehouse.ts';

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let rp: oidc.Configuration;

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  const { clientSecret } = await services.clients.add({ client_id: 'web-app', redirect_uris: [redirectUri], first_party: true });
  await services.persons.add({ name: 'ANA', password: 'correct horse battery' });
  rp = await discoverRelyingParty(gatehouse.issuer, 'web-app', clientSecret);
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
});

/** Every document of every oidc-provider artefact collection, as the JSON a backup would hold. */
async function artefactDocuments(): Promise<{ collection: string; json: string }[]> {
  const { db } = services.store.connection;
  const collections = (await db!.listCollections().toArray()).map((c) => c.name).filter((name) => name.startsWith('oidc_'));
  expect(collections).toEqual(expect.arrayContaining(['oidc_session', 'oidc_access_token', 'oidc_refresh_token', 'oidc_interaction', 'oidc_consumption', 'oidc_client_credentials']));
  const documents = [];
  for (const collection of collections) {
    for (const doc of await db!.collection(collection).find().toArray()) documents.push({ collection, json: JSON.stringify(doc) });
  }
  return documents;
}

const interactionUidOf = (url: string) => /\/interaction\/([^/?#]+)/.exec(url)?.[1];

test('a copy of the artefact collections holds no token, code, session id or interaction id, and all of them still work', async () => {
  // A complete sign-in: authorization code, access and refresh token, a session cookie.
  const { tokens: first, browser, callbackUrl } = await signIn(rp, 'ana', 'correct horse battery');
  const sub = first.claims()!.sub;
  const code = new URL(callbackUrl).searchParams.get('code')!;
  const finishedInteractions = browser.visited.map(interactionUidOf).filter((uid): uid is string => Boolean(uid));
  expect(finishedInteractions.length).toBeGreaterThan(0);

  // A rotation: the first refresh token is consumed (a consumption claim), a second is issued.
  const second = await oidc.refreshTokenGrant(rp, first.refresh_token!);

  // An admin script's client-credentials token for the admin API.
  const adminToken = await adminScriptToken(services, gatehouse.issuer);

  // A sign-in in progress over the existing session (its interaction names the session).
  const again = await startAuthorization(rp, { prompt: 'login' });
  const openAt = await browser.open(again.url.toString());
  const openInteraction = interactionUidOf(openAt)!;
  expect(openInteraction).toEqual(expect.any(String));
  const sessionId = browser.cookie(gatehouse.issuer, '_session')!;
  expect(sessionId).toEqual(expect.any(String));

  const secrets = {
    code,
    'first access token': first.access_token,
    'first refresh token': first.refresh_token!,
    'second access token': second.access_token,
    'second refresh token': second.refresh_token!,
    'admin API token': adminToken,
    'session id': sessionId,
    'open interaction id': openInteraction,
    ...Object.fromEntries(finishedInteractions.map((uid, i) => [`finished interaction id ${i + 1}`, uid])),
  };
  const documents = await artefactDocuments();
  const found = Object.entries(secrets).flatMap(([what, value]) =>
    documents.filter((doc) => doc.json.includes(value)).map((doc) => `${what} in ${doc.collection}`));
  expect(found).toEqual([]);

  // Everything presented still works: userinfo, the admin API, the session, the newest refresh token.
  expect(await oidc.fetchUserInfo(rp, second.access_token, sub)).toMatchObject({ sub });
  expect((await callAdminApi(gatehouse.issuer, '/persons', { token: adminToken })).status).toBe(200);
  let at = await browser.submit(browser.formAction('/login'), { username: 'ana', password: 'correct horse battery' });
  expect(at.startsWith(redirectUri)).toBe(true);
  const third = await oidc.authorizationCodeGrant(rp, new URL(at), { pkceCodeVerifier: again.codeVerifier, expectedState: again.state, expectedNonce: again.nonce });
  expect(third.claims()!.sub).toBe(sub);
  const silent = await startAuthorization(rp);
  at = await browser.open(silent.url.toString());
  expect(at.startsWith(redirectUri)).toBe(true); // the session, found by its cookie alone
  const rotated = await oidc.refreshTokenGrant(rp, second.refresh_token!);
  expect(await oidc.fetchUserInfo(rp, rotated.access_token, sub)).toMatchObject({ sub });

  // A used refresh token, presented again, is refused and revokes its grant.
  expect(await oauthErrorOf(oidc.refreshTokenGrant(rp, second.refresh_token!))).toBe('invalid_grant');
  expect(await oauthErrorOf(oidc.refreshTokenGrant(rp, rotated.refresh_token!))).toBe('invalid_grant');
  expect(await oidc.tokenIntrospection(rp, rotated.access_token)).toEqual({ active: false });
});

test('a used authorization code, presented again, is refused and revokes what it gave', async () => {
  const request = await startAuthorization(rp);
  const browser = new FormBrowser(redirectUri);
  await browser.open(request.url.toString());
  const callback = await browser.submit(browser.formAction('/login'), { username: 'ana', password: 'correct horse battery' });
  const checks = { pkceCodeVerifier: request.codeVerifier, expectedState: request.state, expectedNonce: request.nonce };
  const tokens = await oidc.authorizationCodeGrant(rp, new URL(callback), checks);
  expect(await oidc.tokenIntrospection(rp, tokens.access_token)).toMatchObject({ active: true });

  expect(await oauthErrorOf(oidc.authorizationCodeGrant(rp, new URL(callback), checks))).toBe('invalid_grant');
  expect(await oidc.tokenIntrospection(rp, tokens.access_token)).toEqual({ active: false });
  expect(await oauthErrorOf(oidc.refreshTokenGrant(rp, tokens.refresh_token!))).toBe('invalid_grant');
});

test('artefacts stored under their raw ids by an earlier version are moved to their keyed hashes at start and keep working', async () => {
  const mongodbUri = testDatabaseUri();
  const masterKey = newMasterKey();
  const seeding = await openTestServices(testConfig({ mongodbUri, masterKey }));
  const db = seeding.store.connection.db!;
  let restarted: Awaited<ReturnType<typeof startTestGatehouse>> | undefined;
  try {
    const { clientSecret } = await seeding.clients.add({ client_id: 'old-app', redirect_uris: [redirectUri], first_party: true });
    const person = await seeding.persons.add({ name: 'OLGA', password: 'correct horse battery' });
    const { sub } = person;
    const now = Math.floor(Date.now() / 1000);
    const expiresAt = new Date((now + 600) * 1000);
    const base = { accountId: sub, clientId: 'old-app', iat: now, exp: now + 600 };
    const [grant, accessToken, expiredToken, code, session, uid] = ['g', 'at', 'old', 'code', 'sess', 'uid'].map((prefix) => `${prefix}-legacy-${Math.random().toString(36).slice(2)}`) as [string, string, string, string, string, string];
    // As the earlier adapter wrote them: `_id` and `payload.jti` the raw id, uid raw, claims `Model:<raw id>`.
    await db.collection('oidc_grant').insertOne({ _id: grant as never, payload: { ...base, jti: grant, kind: 'Grant', openid: { scope: 'openid' } }, expiresAt });
    await db.collection('oidc_access_token').insertOne({ _id: accessToken as never, grantId: grant, expiresAt, payload: { ...base, jti: accessToken, kind: 'AccessToken', grantId: grant, scope: 'openid', gty: 'authorization_code' } });
    await db.collection('oidc_access_token').insertOne({ _id: expiredToken as never, grantId: grant, expiresAt: new Date(Date.now() - 1000), payload: { ...base, jti: expiredToken, kind: 'AccessToken' } });
    await db.collection('oidc_authorization_code').insertOne({ _id: code as never, grantId: grant, expiresAt, consumedAt: new Date(), payload: { ...base, jti: code, kind: 'AuthorizationCode', grantId: grant } });
    await db.collection('oidc_consumption').insertOne({ _id: `AuthorizationCode:${code}` as never, payload: {}, expiresAt });
    await db.collection('oidc_session').insertOne({ _id: session as never, uid, expiresAt, payload: { ...base, jti: session, uid, kind: 'Session', loginTs: now } });

    restarted = await startTestGatehouse({ mongodbUri, masterKey });

    const keys = createArtefactKeys(seeding.secretBox);
    const documents = [];
    for (const name of ['oidc_grant', 'oidc_access_token', 'oidc_authorization_code', 'oidc_consumption', 'oidc_session']) {
      documents.push(...(await db.collection(name).find().toArray()).map((doc) => JSON.stringify(doc)));
    }
    for (const raw of [accessToken, expiredToken, code, session]) expect({ raw, found: documents.filter((doc) => doc.includes(raw)) }).toEqual({ raw, found: [] });
    expect(await db.collection('oidc_access_token').countDocuments({ _id: keys.hash(expiredToken) as never })).toBe(0);
    expect(await db.collection('oidc_consumption').countDocuments({ _id: `AuthorizationCode:${keys.hash(code)}` as never })).toBe(1);

    const oldApp = await discoverRelyingParty(restarted.issuer, 'old-app', clientSecret);
    expect(await oidc.fetchUserInfo(oldApp, accessToken, sub)).toMatchObject({ sub });
    const Adapter = createMongooseAdapter(seeding.store.connection, seeding.clients, keys);
    expect(await new Adapter('Session').find(session)).toMatchObject({ jti: session, uid, accountId: sub });
    expect(await new Adapter('Session').findByUid(uid)).toMatchObject({ uid, accountId: sub });
    expect(await new Adapter('Grant').find(grant)).toMatchObject({ jti: grant, accountId: sub });
    expect(await rekeyLegacyArtefacts(seeding.store.connection, keys)).toBe(0);

    // The moved claim still decides: consuming the used code again revokes its grant.
    await expect(new Adapter('AuthorizationCode').consume(code)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.fetchUserInfo(oldApp, accessToken, sub)).rejects.toThrow();
  } finally {
    await restarted?.stop();
    await seeding.store.close();
  }
});
