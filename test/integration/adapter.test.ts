import { setTimeout as sleep } from 'node:timers/promises';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import { createArtefactKeys, type ArtefactKeys } from '../../src/oidc/createArtefactKeys.ts';
import { createMongooseAdapter } from '../../src/oidc/createMongooseAdapter.ts';
import { sweepExpiredArtefacts } from '../../src/oidc/sweepExpiredArtefacts.ts';
import { createSecretBox } from '../../src/security/secretBox.ts';
import { oidcArtefactModel } from '../../src/store/models/oidcArtefactModel.ts';
import { newMasterKey, openTestServices, testConfig, testDatabaseUri } from '../support/testGatehouse.ts';

let services: Awaited<ReturnType<typeof openTestServices>>;
let MongooseAdapter: ReturnType<typeof createMongooseAdapter>;
let keys: ArtefactKeys;

beforeAll(async () => {
  services = await openTestServices(testConfig({ mongodbUri: testDatabaseUri(), masterKey: newMasterKey() }));
  keys = createArtefactKeys(services.secretBox);
  MongooseAdapter = createMongooseAdapter(services.store.connection, services.clients, keys);
});

afterAll(async () => {
  await services?.store.close();
});

let counter = 0;
const newId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${(counter += 1)}`;
const adapter = (name: string): Adapter => new MongooseAdapter(name);
const collection = (name: string) => oidcArtefactModel(services.store.connection, name);
/** The stored `_id` of an artefact id. */
const key = (id: string) => keys.hash(id);

/** Stores one artefact of each token kind under `grantId`; returns their ids by model name. */
async function storeGrantArtefacts(grantId: string) {
  const ids: Record<string, string> = {};
  for (const name of ['AuthorizationCode', 'AccessToken', 'RefreshToken']) {
    ids[name] = newId(name);
    await adapter(name).upsert(ids[name], { jti: ids[name], kind: name, grantId, accountId: 'sub-1', clientId: 'web-app' }, 600);
  }
  await adapter('Grant').upsert(grantId, { jti: grantId, kind: 'Grant', accountId: 'sub-1', clientId: 'web-app' }, 600);
  return ids;
}

describe('upsert and find', () => {
  test('an upserted payload is found by id, and an upsert replaces it', async () => {
    const id = newId('at');
    const payload: AdapterPayload = { jti: id, kind: 'AccessToken', accountId: 'sub-1', clientId: 'web-app', scope: 'openid', grantId: 'g-upsert' };
    await adapter('AccessToken').upsert(id, payload, 60);
    expect(await adapter('AccessToken').find(id)).toEqual(payload);

    await adapter('AccessToken').upsert(id, { ...payload, scope: 'openid email' }, 60);
    expect(await adapter('AccessToken').find(id)).toMatchObject({ scope: 'openid email' });
    expect(await collection('AccessToken').countDocuments({ _id: key(id) })).toBe(1);

    const stored = await collection('AccessToken').findById(key(id)).lean();
    expect(stored!.grantId).toBe('g-upsert');
    expect(stored!.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 55_000);
    expect(stored!.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  test('an unknown id is not found; models do not see each other\'s artefacts', async () => {
    const id = newId('shared');
    await adapter('AccessToken').upsert(id, { jti: id }, 60);
    expect(await adapter('AccessToken').find(newId('missing'))).toBeUndefined();
    expect(await adapter('RefreshToken').find(id)).toBeUndefined();
  });

  test('a session is found by its uid, without its id (which a uid cannot give back)', async () => {
    const id = newId('sess');
    const uid = newId('uid');
    await adapter('Session').upsert(id, { jti: id, uid, accountId: 'sub-1' }, 60);
    const found = await adapter('Session').findByUid(uid);
    expect(found).toMatchObject({ uid, accountId: 'sub-1' });
    expect(found).not.toHaveProperty('jti');
    expect(await adapter('Session').findByUid(newId('uid'))).toBeUndefined();
  });

  test('a session found by uid is the one saved last, and none once destroyed; a link of an earlier version still leads to its session', async () => {
    const uid = newId('uid');
    const first = newId('sess');
    await adapter('Session').upsert(first, { jti: first, uid, accountId: 'sub-1' }, 60);
    // What the provider does when the session's id is reset at a sign-in: the old id goes, the new one is saved.
    const second = newId('sess');
    await adapter('Session').destroy(first);
    await adapter('Session').upsert(second, { jti: second, uid, accountId: 'sub-2' }, 60);
    expect(await adapter('Session').findByUid(uid)).toMatchObject({ uid, accountId: 'sub-2' });
    await adapter('Session').destroy(second);
    expect(await adapter('Session').findByUid(uid)).toBeUndefined();
    expect(await collection('SessionUid').countDocuments({ ref: key(second) })).toBe(0);

    const legacy = newId('sess');
    const legacyUid = newId('uid');
    await adapter('Session').upsert(legacy, { jti: legacy, uid: legacyUid, accountId: 'sub-3' }, 60);
    const link = (await collection('SessionUid').find({ ref: key(legacy) }).lean())[0]!;
    await collection('SessionUid').replaceOne({ _id: link._id }, { payload: {}, ref: key(legacy), expiresAt: link.expiresAt });
    expect(await adapter('Session').findByUid(legacyUid)).toMatchObject({ uid: legacyUid, accountId: 'sub-3' });
  });

  test('an upsert without a grantId removes the grantId of the earlier version', async () => {
    const id = newId('at');
    await adapter('AccessToken').upsert(id, { jti: id, grantId: 'g-old' }, 60);
    await adapter('AccessToken').upsert(id, { jti: id }, 60);
    expect((await collection('AccessToken').findById(key(id)).lean())!.grantId).toBeUndefined();
  });

  test('clients are read from the client directory, and the provider cannot write them', async () => {
    const { clientSecret } = await services.clients.add({ client_id: 'adapter-client', redirect_uris: ['http://127.0.0.1:9/cb'] });
    expect(await adapter('Client').find('adapter-client')).toMatchObject({ client_id: 'adapter-client', client_secret: clientSecret, first_party: false });
    expect(await adapter('Client').find('no-such-client')).toBeUndefined();
    await expect(adapter('Client').upsert('adapter-client', { client_id: 'adapter-client' }, 0)).rejects.toThrow(/CLI/);
  });
});

describe('at rest', () => {
  test('a record is keyed by the keyed hash of its id and stores neither the id nor its uid', async () => {
    const id = newId('sess');
    const uid = newId('uid');
    await adapter('Session').upsert(id, { jti: id, uid, kind: 'Session', accountId: 'sub-1' }, 60);
    const stored = await collection('Session').findById(key(id)).lean();
    expect(stored).toMatchObject({ _id: key(id), uid: key(uid), payload: { uid, kind: 'Session', accountId: 'sub-1' } });
    expect(JSON.stringify(stored)).not.toContain(id);
    expect(await collection('Session').countDocuments({ _id: id })).toBe(0);
    expect(key(id)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test('an interaction\'s session cookie and return URL are sealed under its id and come back on find', async () => {
    const id = newId('int');
    const cookie = newId('sess');
    const payload: AdapterPayload = {
      jti: id, kind: 'Interaction', returnTo: `http://127.0.0.1/auth/${id}`,
      session: { accountId: 'sub-1', uid: 'u-1', cookie }, params: { client_id: 'web-app', scope: 'openid' },
    };
    await adapter('Interaction').upsert(id, payload, 60);
    const stored = await collection('Interaction').findById(key(id)).lean();
    expect(stored!.payload).toEqual({ kind: 'Interaction', session: { accountId: 'sub-1', uid: 'u-1' }, params: { client_id: 'web-app', scope: 'openid' } });
    expect(stored!.sealed).toEqual(expect.any(String));
    expect(JSON.stringify(stored)).not.toContain(cookie);
    expect(JSON.stringify(stored)).not.toContain(id);
    expect(await adapter('Interaction').find(id)).toEqual(payload);
    // A record without bearer fields keeps no sealed part from an earlier version.
    await adapter('Interaction').upsert(id, { jti: id, kind: 'Interaction' }, 60);
    expect(await collection('Interaction').findById(key(id)).lean()).not.toHaveProperty('sealed');
  });

  test('a device code is found by its user code, which is stored only hashed and sealed', async () => {
    const id = newId('dc');
    const userCode = 'BCDF-GHJK';
    const payload: AdapterPayload = { jti: id, kind: 'DeviceCode', userCode, clientId: 'tv', grantId: newId('grant') };
    await adapter('DeviceCode').upsert(id, payload, 60);
    const stored = await collection('DeviceCode').findById(key(id)).lean();
    expect(stored!.userCode).toBe(key(userCode));
    expect(JSON.stringify(stored)).not.toContain(userCode);
    expect(await adapter('DeviceCode').findByUserCode(userCode)).toEqual(payload);
    expect(await adapter('DeviceCode').find(id)).toEqual(payload);
    expect(await adapter('DeviceCode').findByUserCode('BCDF-GHJL')).toBeUndefined();
  });

  test('a consumption claim is named by the model and the keyed hash of the id', async () => {
    const id = newId('code');
    await adapter('AuthorizationCode').upsert(id, { jti: id, grantId: newId('grant') }, 60);
    await adapter('AuthorizationCode').consume(id);
    expect(await collection('Consumption').countDocuments({ _id: `AuthorizationCode:${key(id)}` })).toBe(1);
    expect(await collection('Consumption').countDocuments({ _id: `AuthorizationCode:${id}` })).toBe(0);
  });
});

const keysOf = (master: string, previous: string[] = []) => createArtefactKeys(createSecretBox(master, previous));
const adapterUnder = (artefactKeys: ArtefactKeys, name: string): Adapter => new (createMongooseAdapter(services.store.connection, services.clients, artefactKeys))(name);

describe('a new master key', () => {
  const oldKey = newMasterKey();
  const newKey = newMasterKey();

  test('with the former key in MASTER_KEYS_PREVIOUS, records keyed under it are found and moved to the new key, claims with them', async () => {
    const before = keysOf(oldKey);
    const after = keysOf(newKey, [oldKey]);
    const [interaction, session, uid, refreshToken, grantId] = [newId('int'), newId('sess'), newId('uid'), newId('rt'), newId('grant')];
    const interactionPayload: AdapterPayload = { jti: interaction, kind: 'Interaction', returnTo: `http://127.0.0.1/auth/${interaction}`, session: { accountId: 'sub-1', uid, cookie: session } };
    await adapterUnder(before, 'Interaction').upsert(interaction, interactionPayload, 60);
    await adapterUnder(before, 'Session').upsert(session, { jti: session, uid, accountId: 'sub-1' }, 60);
    await adapterUnder(before, 'RefreshToken').upsert(refreshToken, { jti: refreshToken, grantId }, 60);
    await adapterUnder(before, 'RefreshToken').consume(refreshToken);

    expect(await adapterUnder(keysOf(newKey), 'Session').find(session)).toBeUndefined();
    expect(await adapterUnder(after, 'Session').findByUid(uid)).toMatchObject({ uid, accountId: 'sub-1' });
    expect(await adapterUnder(after, 'Interaction').find(interaction)).toEqual(interactionPayload);
    expect(await adapterUnder(after, 'Session').find(session)).toMatchObject({ jti: session, accountId: 'sub-1' });
    expect(await adapterUnder(after, 'RefreshToken').find(refreshToken)).toMatchObject({ jti: refreshToken, consumed: expect.any(Number) });
    // Moved: found under the new key alone, with the old records and claim gone.
    for (const [name, id] of [['Interaction', interaction], ['Session', session], ['RefreshToken', refreshToken]] as const) {
      expect({ name, found: Boolean(await adapterUnder(keysOf(newKey), name).find(id)) }).toEqual({ name, found: true });
      expect(await collection(name).countDocuments({ _id: before.hash(id) })).toBe(0);
    }
    expect(await collection('Consumption').countDocuments({ _id: `RefreshToken:${before.hash(refreshToken)}` })).toBe(0);
    await expect(adapterUnder(keysOf(newKey), 'RefreshToken').consume(refreshToken)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  test('destroy removes the record under either key', async () => {
    const id = newId('at');
    await adapterUnder(keysOf(oldKey), 'AccessToken').upsert(id, { jti: id }, 60);
    await adapterUnder(keysOf(newKey, [oldKey]), 'AccessToken').destroy(id);
    expect(await adapterUnder(keysOf(oldKey), 'AccessToken').find(id)).toBeUndefined();
  });
});

describe('expiry', () => {
  test('an artefact whose expiry has passed is not returned by find or findByUid', async () => {
    const id = newId('sess');
    const uid = newId('uid');
    await adapter('Session').upsert(id, { jti: id, uid }, 1);
    expect(await adapter('Session').find(id)).toBeDefined();
    await sleep(1200);
    expect(await adapter('Session').find(id)).toBeUndefined();
    expect(await adapter('Session').findByUid(uid)).toBeUndefined();
    // Still in the collection (no TTL index on the embedded database): reads enforce expiry.
    expect(await collection('Session').countDocuments({ _id: key(id) })).toBe(1);
  });

  test('an expiry set in the past directly in the collection hides the artefact at once', async () => {
    const id = newId('rt');
    await adapter('RefreshToken').upsert(id, { jti: id }, 3600);
    await collection('RefreshToken').updateOne({ _id: key(id) }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await adapter('RefreshToken').find(id)).toBeUndefined();
  });

  test('an artefact upserted without expiry never expires', async () => {
    const id = newId('grant');
    await adapter('Grant').upsert(id, { jti: id }, 0);
    expect((await collection('Grant').findById(key(id)).lean())!.expiresAt).toBeUndefined();
    expect(await adapter('Grant').find(id)).toEqual({ jti: id });
  });
});

describe('consume', () => {
  test('consume marks the artefact consumed; find then reports when', async () => {
    const id = newId('code');
    await adapter('AuthorizationCode').upsert(id, { jti: id, grantId: newId('grant') }, 60);
    expect(await adapter('AuthorizationCode').find(id)).not.toHaveProperty('consumed');
    const before = Math.floor(Date.now() / 1000);
    await adapter('AuthorizationCode').consume(id);
    const found = await adapter('AuthorizationCode').find(id);
    expect(found!.consumed).toBeGreaterThanOrEqual(before);
    expect(found!.consumed).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    expect((await collection('AuthorizationCode').findById(key(id)).lean())!.consumedAt).toBeInstanceOf(Date);
  });

  test('a second consume throws invalid_grant and removes everything of that grant, in every collection', async () => {
    const grantId = newId('grant');
    const ids = await storeGrantArtefacts(grantId);
    const otherGrant = newId('grant');
    const others = await storeGrantArtefacts(otherGrant);

    await adapter('RefreshToken').consume(ids.RefreshToken!);
    await expect(adapter('RefreshToken').consume(ids.RefreshToken!)).rejects.toMatchObject({ error: 'invalid_grant' });

    for (const [name, id] of Object.entries(ids)) {
      expect({ name, found: await adapter(name).find(id) }).toEqual({ name, found: undefined });
      expect(await collection(name).countDocuments({ grantId })).toBe(0);
    }
    expect(await adapter('Grant').find(grantId)).toBeUndefined();
    // Another grant is untouched.
    for (const [name, id] of Object.entries(others)) expect(await adapter(name).find(id)).toBeDefined();
    expect(await adapter('Grant').find(otherGrant)).toBeDefined();
  });

  test('consumptions racing: exactly one succeeds, and the others revoke the grant', async () => {
    for (let round = 0; round < 5; round += 1) {
      const grantId = newId('grant');
      const ids = await storeGrantArtefacts(grantId);
      const results = await Promise.allSettled([0, 1, 2, 3].map(() => adapter('RefreshToken').consume(ids.RefreshToken!)));
      expect(results.map((result) => result.status).filter((status) => status === 'fulfilled')).toEqual(['fulfilled']);
      expect(await adapter('AccessToken').find(ids.AccessToken!)).toBeUndefined();
      expect(await adapter('Grant').find(grantId)).toBeUndefined();
    }
  });

  test('consuming an unknown id throws and removes nothing', async () => {
    const grantId = newId('grant');
    const ids = await storeGrantArtefacts(grantId);
    await expect(adapter('AuthorizationCode').consume(newId('missing'))).rejects.toMatchObject({ error: 'invalid_grant' });
    expect(await adapter('AccessToken').find(ids.AccessToken!)).toBeDefined();
  });
});

describe('revocation and removal', () => {
  test('revokeByGrantId removes all artefacts of that grant and nothing else', async () => {
    const grantId = newId('grant');
    const tokens = await Promise.all([0, 1, 2].map(async () => {
      const id = newId('at');
      await adapter('AccessToken').upsert(id, { jti: id, grantId }, 600);
      return id;
    }));
    const keep = newId('at');
    await adapter('AccessToken').upsert(keep, { jti: keep, grantId: newId('grant') }, 600);

    await adapter('AccessToken').revokeByGrantId(grantId);

    for (const id of tokens) expect(await adapter('AccessToken').find(id)).toBeUndefined();
    expect(await collection('AccessToken').countDocuments({ grantId })).toBe(0);
    expect(await adapter('AccessToken').find(keep)).toBeDefined();
  });

  test('destroy removes one artefact', async () => {
    const id = newId('int');
    await adapter('Interaction').upsert(id, { jti: id }, 60);
    await adapter('Interaction').destroy(id);
    expect(await adapter('Interaction').find(id)).toBeUndefined();
    expect(await collection('Interaction').countDocuments({ _id: key(id) })).toBe(0);
  });
});

describe('sweepExpiredArtefacts', () => {
  test('deletes expired artefacts of every collection and keeps the live and the everlasting ones', async () => {
    await sweepExpiredArtefacts(services.store.connection); // start from a clean slate
    const past = new Date(Date.now() - 60_000);
    const expired = { Session: newId('sess'), AccessToken: newId('at'), Interaction: newId('int') };
    for (const [name, id] of Object.entries(expired)) {
      await adapter(name).upsert(id, { jti: id }, 600);
      await collection(name).updateOne({ _id: key(id) }, { $set: { expiresAt: past } });
    }
    const live = newId('at');
    await adapter('AccessToken').upsert(live, { jti: live }, 600);
    const everlasting = newId('grant');
    await adapter('Grant').upsert(everlasting, { jti: everlasting }, 0);

    expect(await sweepExpiredArtefacts(services.store.connection)).toBe(3);

    for (const [name, id] of Object.entries(expired)) expect(await collection(name).countDocuments({ _id: key(id) })).toBe(0);
    expect(await collection('AccessToken').countDocuments({ _id: key(live) })).toBe(1);
    expect(await collection('Grant').countDocuments({ _id: key(everlasting) })).toBe(1);
  });

  test('uses the given time: what expires after it stays', async () => {
    const id = newId('at');
    await adapter('AccessToken').upsert(id, { jti: id }, 600);
    expect(await sweepExpiredArtefacts(services.store.connection, new Date(Date.now() + 60_000))).toBeGreaterThanOrEqual(0);
    expect(await collection('AccessToken').countDocuments({ _id: key(id) })).toBe(1);
    await sweepExpiredArtefacts(services.store.connection, new Date(Date.now() + 601_000));
    expect(await collection('AccessToken').countDocuments({ _id: key(id) })).toBe(0);
  });
});
