import { webcrypto } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import * as oidc from 'openid-client';
import { authMethods } from '../../src/directory/clientDirectory.ts';
import { listenOnLoopback } from '../support/listenOnLoopback.ts';
import { startTestGatehouse } from '../support/testGatehouse.ts';
import { cliWorkDir, newDatabase, runGatehouse, runGatehouseJson, withDatabase, type Database } from '../support/gatehouseCli.ts';

// `client add --auth-method`, `client show` and `client update`: the real CLI on a
// database of its own, and a real server on it to prove the clients authenticate as set.

let work: ReturnType<typeof cliWorkDir>;
let db: Database;
let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let jwksServer: Server;
let jwksUri: string;
let keys: webcrypto.CryptoKeyPair;

beforeAll(async () => {
  work = cliWorkDir();
  db = newDatabase();
  gatehouse = await startTestGatehouse({ mongodbUri: db.MONGODB_URI, masterKey: db.MASTER_KEY });
  // The private_key_jwt client's public keys, where the provider fetches them.
  keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const publicJwk = await webcrypto.subtle.exportKey('jwk', keys.publicKey);
  jwksServer = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [{ kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x, y: publicJwk.y, kid: 'k1', use: 'sig', alg: 'ES256' }] }));
  });
  jwksUri = `http://127.0.0.1:${await listenOnLoopback(jwksServer)}/jwks.json`;
});
afterAll(async () => {
  await gatehouse?.stop();
  await new Promise((resolve) => jwksServer?.close(resolve));
  work?.remove();
});

const gatehouseCli = (args: string[]) => runGatehouse(work.path, db, args);
const gatehouseJson = (args: string[]) => runGatehouseJson(work.path, db, args);
const storedClients = () => withDatabase(db, (services) => services.clients.list());
const clientAudit = (clientId: string) => withDatabase(db, (services) => services.audit.list({ entity: 'client', entityId: clientId }));

/** A client-credentials token from the running server, the client authenticating with `auth`. */
async function tokenFor(clientId: string, auth: oidc.ClientAuth) {
  const config = await oidc.discovery(new URL(gatehouse.issuer), clientId, undefined, auth, { execute: [oidc.allowInsecureRequests] });
  return oidc.clientCredentialsGrant(config).then(
    (tokens) => ({ ok: true, token_type: tokens.token_type }),
    (error: { error?: string; message?: string }) => ({ ok: false, error: error.error ?? error.message }),
  );
}

describe('client add --auth-method', () => {
  test('the methods it takes are the ones the server advertises', async () => {
    const discovery = (await (await fetch(`${gatehouse.issuer}/.well-known/openid-configuration`)).json()) as { token_endpoint_auth_methods_supported: string[] };
    expect(discovery.token_endpoint_auth_methods_supported.toSorted()).toEqual(authMethods.toSorted());
  });

  test('client_secret_post: stored, and the server takes the secret in the body', async () => {
    const added = await gatehouseJson(['client', 'add', '--id', 'post-app', '--auth-method', 'client_secret_post', '--grant-types', 'client_credentials']);
    expect(added.client).toMatchObject({ client_id: 'post-app', token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'] });
    expect(added.client_secret.length).toBeGreaterThanOrEqual(32);
    expect(await tokenFor('post-app', oidc.ClientSecretPost(added.client_secret))).toEqual({ ok: true, token_type: 'bearer' });
    expect(await tokenFor('post-app', oidc.ClientSecretPost('x'.repeat(43)))).toEqual({ ok: false, error: 'invalid_client' });
  });

  test('private_key_jwt with --jwks-uri: no secret; the server accepts an assertion signed with the key', async () => {
    const human = await gatehouseCli(['client', 'add', '--id', 'jwt-app', '--auth-method', 'private_key_jwt', '--jwks-uri', jwksUri, '--grant-types', 'client_credentials']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('client_id:     jwt-app');
    expect(human.stdout).not.toContain('client_secret');
    expect(human.stdout).toContain('It authenticates with private_key_jwt: a JWT signed with a key of its JWKS');
    const stored = await withDatabase(db, (services) => services.clients.providerMetadata('jwt-app'));
    expect(stored).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: jwksUri });
    expect(stored!.client_secret).toBeUndefined();
    expect(await tokenFor('jwt-app', oidc.PrivateKeyJwt({ key: keys.privateKey, kid: 'k1' }))).toEqual({ ok: true, token_type: 'bearer' });
  });

  test('none: a public client without a secret; --public says the same', async () => {
    const added = await gatehouseJson(['client', 'add', '--id', 'spa', '--auth-method', 'none', '--redirect-uri', 'https://spa.example.com/cb']);
    expect(added.client).toMatchObject({ client_id: 'spa', token_endpoint_auth_method: 'none' });
    expect(added.client_secret).toBeUndefined();
  });

  test('bad input: a clear message naming what is wrong, exit 1 or 2, and nothing stored', async () => {
    const before = await storedClients();
    for (const [args, code, message] of [
      [['--auth-method', 'client_secret_md5'], 1, 'token_endpoint_auth_method: one of client_secret_basic, client_secret_post, client_secret_jwt, private_key_jwt, none.'],
      [['--auth-method', 'private_key_jwt'], 1, 'jwks_uri: private_key_jwt needs the URL of the client\'s public keys (--jwks-uri).'],
      [['--jwks-uri', 'https://keys.example.com/jwks.json'], 1, 'jwks_uri: only for a client that authenticates with private_key_jwt.'],
      [['--auth-method', 'private_key_jwt', '--jwks-uri', 'http://keys.example.com/jwks.json'], 1, 'jwks_uri: "http://keys.example.com/jwks.json" must use https (http is accepted only for localhost).'],
      [['--public', '--auth-method', 'client_secret_basic'], 2, 'client add: --public is --auth-method none; give one or the other.'],
      [['--auth-method', 'none', '--grant-types', 'client_credentials'], 1, 'grant_types: client_credentials needs a confidential client'],
    ] as const) {
      const result = await gatehouseCli(['client', 'add', '--id', 'refused', '--redirect-uri', 'https://x.example.com/cb', ...args]);
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code, stderr: expect.stringContaining(message) });
    }
    expect(await storedClients()).toEqual(before);
  });
});

describe('client show', () => {
  test('every field of a client by client_id or name, never the secret; whether one is set', async () => {
    const added = await gatehouseJson([
      'client', 'add', '--id', 'shop', '--name', 'Shop', '--first-party', '--redirect-uri', 'https://shop.example.com/cb',
      '--redirect-uri', 'https://shop.example.com/cb2', '--post-logout-redirect-uri', 'https://shop.example.com/',
    ]);
    const byId = await gatehouseCli(['client', 'show', 'shop']);
    expect(byId.code).toBe(0);
    expect(byId.stdout).not.toContain(added.client_secret);
    const lines = byId.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      'Client ID                  shop',
      'Name                       Shop',
      'Type                       confidential',
      'Authentication             client_secret_basic',
      'Secret                     set (shown only when the client was added)',
      'Redirect URIs              https://shop.example.com/cb',
      '                           https://shop.example.com/cb2',
      'Post-logout redirect URIs  https://shop.example.com/',
      'Grant types                authorization_code, refresh_token',
      'JWKS URI',
      'First-party                yes',
      'Admin API                  no',
      `Created                    ${added.client.created_at}`,
      expect.stringMatching(/^Updated {20}\d{4}-\d\d-\d\dT/),
    ]);
    const byName = await gatehouseJson(['client', 'show', 'SHOP']);
    expect(byName).toMatchObject({ ...added.client, has_secret: true });
    expect(JSON.stringify(byName)).not.toContain(added.client_secret);
    expect((await gatehouseJson(['client', 'show', 'spa'])).has_secret).toBe(false);
    expect((await gatehouseCli(['client', 'show', 'spa'])).stdout).toContain('Secret                     none (a public client: PKCE only)');
  });

  test('an unknown client, or a name two clients share, is refused with what to give instead', async () => {
    const unknown = await gatehouseCli(['client', 'show', 'nobody']);
    expect(unknown).toMatchObject({ code: 1, stderr: 'There is no client "nobody" (by client_id or name).\n' });
    await gatehouseJson(['client', 'add', '--id', 'twin-a', '--name', 'Twin', '--redirect-uri', 'https://a.example.com/cb']);
    await gatehouseJson(['client', 'add', '--id', 'twin-b', '--name', 'twin', '--redirect-uri', 'https://b.example.com/cb']);
    const shared = await gatehouseCli(['client', 'show', 'Twin']);
    expect(shared).toMatchObject({ code: 1, stderr: '2 clients are named "Twin" (twin-a, twin-b): give the client_id.\n' });
  });
});

describe('client update', () => {
  test('changes only what is given, keeps the secret, and is audited with the CLI user', async () => {
    const added = await gatehouseJson(['client', 'add', '--id', 'crm', '--name', 'CRM', '--redirect-uri', 'https://crm.example.com/cb', '--grant-types', 'authorization_code,client_credentials']);
    const updated = await gatehouseCli(['client', 'update', 'crm', '--name', 'CRM 2', '--auth-method', 'client_secret_post', '--redirect-uri', 'https://crm2.example.com/cb', '--first-party']);
    expect(updated).toMatchObject({ code: 0, stdout: 'Updated client "crm"; its secret is unchanged.\n' });
    const shown = await gatehouseJson(['client', 'show', 'crm']);
    expect(shown).toMatchObject({
      client_id: 'crm',
      client_name: 'CRM 2',
      redirect_uris: ['https://crm2.example.com/cb'],
      post_logout_redirect_uris: [],
      grant_types: ['authorization_code', 'client_credentials'],
      token_endpoint_auth_method: 'client_secret_post',
      first_party: true,
      admin_api: false,
      created_at: added.client.created_at,
      has_secret: true,
    });
    expect(await tokenFor('crm', oidc.ClientSecretPost(added.client_secret))).toEqual({ ok: true, token_type: 'bearer' });

    const [entry] = await clientAudit('crm');
    expect(entry).toMatchObject({ action: 'update', actor: { kind: 'cli' }, before: { client_name: 'CRM', token_endpoint_auth_method: 'client_secret_basic' }, after: { client_name: 'CRM 2', token_endpoint_auth_method: 'client_secret_post' } });
    expect(JSON.stringify(entry)).not.toContain(added.client_secret);

    // "" clears the name; --no-first-party turns first-party off; the same again changes nothing.
    expect(await gatehouseJson(['client', 'update', 'crm', '--name', '', '--no-first-party'])).toMatchObject({ status: 'updated', client: { first_party: false } });
    expect((await gatehouseJson(['client', 'show', 'crm'])).client_name).toBeUndefined();
    expect(await gatehouseJson(['client', 'update', 'crm', '--no-first-party'])).toMatchObject({ status: 'unchanged' });
  });

  test('to a public client drops the secret; back to confidential makes a new one, printed once', async () => {
    await gatehouseJson(['client', 'add', '--id', 'mobile', '--redirect-uri', 'com.example.app:/cb']);
    expect(await gatehouseJson(['client', 'update', 'mobile', '--public'])).toMatchObject({ status: 'updated', client: { token_endpoint_auth_method: 'none' } });
    expect((await gatehouseJson(['client', 'show', 'mobile'])).has_secret).toBe(false);
    const confidential = await gatehouseCli(['client', 'update', 'mobile', '--auth-method', 'client_secret_basic']);
    expect(confidential.code).toBe(0);
    const secret = /client_secret: (\S+)/.exec(confidential.stdout)?.[1];
    expect(secret?.length).toBeGreaterThanOrEqual(32);
    expect(confidential.stdout).toContain('The secret is shown only this once: store it now.');
    await withDatabase(db, async (services) => expect((await services.clients.providerMetadata('mobile'))!.client_secret).toBe(secret));
  });

  test('bad input is refused with a clear message and changes nothing', async () => {
    await gatehouseJson(['client', 'add', '--id', 'steady', '--name', 'Steady', '--redirect-uri', 'https://steady.example.com/cb']);
    const before = await storedClients();
    const auditBefore = (await clientAudit('steady')).length;
    for (const [args, code, message] of [
      [['client', 'update', 'steady'], 2, 'client update: give at least one field to change (see --help).'],
      [['client', 'update', 'nobody', '--name', 'X'], 1, 'There is no client "nobody".'],
      [['client', 'update', 'steady', '--grant-types', 'implicit'], 1, 'grant_types: a non-empty list of authorization_code, refresh_token, client_credentials.'],
      [['client', 'update', 'steady', '--redirect-uri', 'http://steady.example.com/cb'], 1, 'redirect_uris: "http://steady.example.com/cb" must use https'],
      [['client', 'update', 'steady', '--auth-method', 'basic'], 1, 'token_endpoint_auth_method: one of client_secret_basic, client_secret_post, client_secret_jwt, private_key_jwt, none.'],
      [['client', 'update', 'steady', '--admin-api'], 1, 'admin_api: only a confidential client with the client_credentials grant may use the admin API.'],
    ] as const) {
      const result = await gatehouseCli([...args]);
      expect({ args, code: result.code, stderr: result.stderr }).toEqual({ args, code, stderr: expect.stringContaining(message) });
    }
    expect(await storedClients()).toEqual(before);
    expect(await clientAudit('steady')).toHaveLength(auditBefore);
  });
});
