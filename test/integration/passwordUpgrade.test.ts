import { randomUUID } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import * as oidc from 'openid-client';
import { passwordHashNeedsUpgrade, verifyPassword } from '../../src/factors/password/passwordHasher.ts';
import { personKeyModel } from '../../src/store/models/personKeyModel.ts';
import { personModel } from '../../src/store/models/personModel.ts';
import { FormBrowser } from '../support/formBrowser.ts';
import { discoverRelyingParty, redirectUri, signIn, startAuthorization } from '../support/relyingParty.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let rp: oidc.Configuration;

const password = 'an old but correct password';
const argon2id = 2;
const oldParameters = { algorithm: argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 };

beforeAll(async () => {
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  const { clientSecret } = await services.clients.add({ client_id: 'web-app', redirect_uris: [redirectUri], first_party: true });
  rp = await discoverRelyingParty(gatehouse.issuer, 'web-app', clientSecret);
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
});

/** A person written straight into the collection, as an import from an older version would leave it. */
async function personWithOldHash(name: string) {
  const passwordHash = await hash(password, oldParameters);
  expect(passwordHash).toMatch(/^\$argon2id\$v=19\$m=4096,t=1,p=1\$/);
  const sub = randomUUID();
  await personModel(services.store.connection).create({
    _id: sub,
    name,
    nameKey: name.toLowerCase(),
    defaultUserId: name.toLowerCase(),
    userIds: [name.toLowerCase()],
    userIdKeys: [name.toLowerCase()],
    passwordHash,
    lastUpdate: new Date('2020-01-01T00:00:00Z'),
  });
  // With the claims of its name and user ID, as the directory keeps them (claimMissingPersonKeys.ts gives them to older records at start).
  const claimedAt = new Date();
  await personKeyModel(services.store.connection).create([
    { _id: `name:${name.toLowerCase()}`, personId: sub, claimedAt },
    { _id: `user:${name.toLowerCase()}`, personId: sub, claimedAt },
  ]);
  return { sub, passwordHash };
}

const storedHash = async (sub: string) => (await personModel(services.store.connection).findById(sub).lean())!.passwordHash!;

test('a person whose hash has older parameters signs in, and the stored hash is upgraded', async () => {
  const { sub, passwordHash } = await personWithOldHash('OLDTIMER');

  const { tokens } = await signIn(rp, 'oldtimer', password);
  expect(tokens.claims()!.sub).toBe(sub);

  const upgraded = await storedHash(sub);
  expect(upgraded).not.toBe(passwordHash);
  expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  expect(passwordHashNeedsUpgrade(upgraded)).toBe(false);
  expect(await verifyPassword(upgraded, password)).toBe(true);

  // The upgraded hash signs in too, and is left alone from now on.
  await signIn(rp, 'oldtimer', password);
  expect(await storedHash(sub)).toBe(upgraded);
});

test('a wrong password does not upgrade (or otherwise touch) the old hash', async () => {
  const { sub, passwordHash } = await personWithOldHash('STILLOLD');
  const browser = new FormBrowser(redirectUri);
  await browser.open((await startAuthorization(rp)).url.toString());
  const at = await browser.submit(browser.formAction('/login'), { username: 'stillold', password: 'not the password' });
  expect(at.startsWith(redirectUri)).toBe(false);
  expect(browser.lastStatus).toBe(401);
  expect(await storedHash(sub)).toBe(passwordHash);
});
