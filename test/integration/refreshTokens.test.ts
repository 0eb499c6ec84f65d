import * as oidc from 'openid-client';
import { createArtefactKeys } from '../../src/oidc/createArtefactKeys.ts';
import { oidcArtefactModel } from '../../src/store/models/oidcArtefactModel.ts';
import { discoverRelyingParty, oauthErrorOf, redirectUri, signIn } from '../support/relyingParty.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

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

/** The stored `_id` of an artefact id. */
const key = (id: string) => createArtefactKeys(services.secretBox).hash(id);
const artefacts = (model: string, grantId: string) => oidcArtefactModel(services.store.connection, model).find({ grantId }).lean();

test('each refresh returns a new refresh token and a working access token; the used one is marked consumed', async () => {
  const { tokens } = await signIn(rp, 'ana', 'correct horse battery');
  const sub = tokens.claims()!.sub;
  const first = tokens.refresh_token!;
  expect(first).toEqual(expect.any(String));

  const second = await oidc.refreshTokenGrant(rp, first);
  const third = await oidc.refreshTokenGrant(rp, second.refresh_token!);

  const refreshTokens = [first, second.refresh_token!, third.refresh_token!];
  expect(new Set(refreshTokens).size).toBe(3);
  expect(third.access_token).not.toBe(second.access_token);
  expect(third.claims()?.sub).toBe(sub);
  expect(await oidc.fetchUserInfo(rp, third.access_token, sub)).toMatchObject({ sub });

  const introspected = await oidc.tokenIntrospection(rp, third.refresh_token!);
  expect(introspected).toMatchObject({ active: true, sub, client_id: 'web-app' });

  // In the database: the two used tokens are consumed, the newest is not.
  const stored = await oidcArtefactModel(services.store.connection, 'RefreshToken').find({ _id: { $in: refreshTokens.map(key) } }).lean();
  const consumed = Object.fromEntries(stored.map((doc) => [doc._id, Boolean(doc.consumedAt)]));
  expect(consumed).toEqual({ [key(first)]: true, [key(second.refresh_token!)]: true, [key(third.refresh_token!)]: false });
});

test('reusing a used refresh token is refused and revokes the whole grant', async () => {
  const { tokens } = await signIn(rp, 'ana', 'correct horse battery');
  const used = tokens.refresh_token!;
  const rotated = await oidc.refreshTokenGrant(rp, used);
  const newest = rotated.refresh_token!;
  expect(await oidc.tokenIntrospection(rp, rotated.access_token)).toMatchObject({ active: true });
  expect(await oidc.tokenIntrospection(rp, newest)).toMatchObject({ active: true });
  const storedNewest = await oidcArtefactModel(services.store.connection, 'RefreshToken').findById(key(newest)).lean();
  const grant = storedNewest!.grantId!;
  expect(await artefacts('AccessToken', grant)).toHaveLength(2);

  // Someone replays the token that was already rotated away.
  expect(await oauthErrorOf(oidc.refreshTokenGrant(rp, used))).toBe('invalid_grant');

  // Every token of that grant stops working: the newest refresh token and both access tokens.
  expect(await oauthErrorOf(oidc.refreshTokenGrant(rp, newest))).toBe('invalid_grant');
  for (const token of [newest, rotated.access_token, tokens.access_token]) {
    expect(await oidc.tokenIntrospection(rp, token)).toEqual({ active: false });
  }
  await expect(oidc.fetchUserInfo(rp, rotated.access_token, oidc.skipSubjectCheck)).rejects.toThrow();

  // …and nothing of the grant is left in the database.
  expect(await artefacts('AccessToken', grant)).toHaveLength(0);
  expect(await artefacts('RefreshToken', grant)).toHaveLength(0);
  expect(await oidcArtefactModel(services.store.connection, 'Grant').findById(key(grant)).lean()).toBeNull();
});

test('a refresh token of one sign-in does not revoke another sign-in of the same person', async () => {
  const one = await signIn(rp, 'ana', 'correct horse battery');
  const other = await signIn(rp, 'ana', 'correct horse battery');
  const rotated = await oidc.refreshTokenGrant(rp, one.tokens.refresh_token!);
  expect(await oauthErrorOf(oidc.refreshTokenGrant(rp, one.tokens.refresh_token!))).toBe('invalid_grant');
  expect(await oidc.tokenIntrospection(rp, rotated.refresh_token!)).toEqual({ active: false });

  const stillWorking = await oidc.refreshTokenGrant(rp, other.tokens.refresh_token!);
  expect(stillWorking.access_token).toEqual(expect.any(String));
  expect(await oidc.tokenIntrospection(rp, stillWorking.access_token)).toMatchObject({ active: true });
});

test('two refreshes racing with one refresh token: at most one gets tokens, and afterwards none of the grant works', async () => {
  const { tokens } = await signIn(rp, 'ana', 'correct horse battery');
  const results = await Promise.allSettled([0, 1, 2].map(() => oidc.refreshTokenGrant(rp, tokens.refresh_token!)));
  const won = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const refused = results.flatMap((result) => (result.status === 'rejected' ? [(result.reason as { error?: string }).error] : []));
  expect(won.length).toBeLessThanOrEqual(1);
  expect(refused.length).toBeGreaterThanOrEqual(2);
  expect(new Set(refused)).toEqual(new Set(['invalid_grant']));
  for (const winner of won) {
    expect(await oauthErrorOf(oidc.refreshTokenGrant(rp, winner.refresh_token!))).toBe('invalid_grant');
    expect(await oidc.tokenIntrospection(rp, winner.access_token)).toEqual({ active: false });
  }
  expect(await oidc.tokenIntrospection(rp, tokens.access_token)).toEqual({ active: false });
});

test('a refresh token that does not exist is refused', async () => {
  expect(await oauthErrorOf(oidc.refreshTokenGrant(rp, 'not-a-refresh-token-at-all-0123456789abcdef'))).toBe('invalid_grant');
});
