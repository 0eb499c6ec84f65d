import type { StoredTotpCandidate } from '../../src/store/models/personModel.ts';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { generate } from 'otplib';
import { loadConfig, type Config } from '../../src/configuration/loadConfig.ts';
import { loadCookieKeys, loadSigningKeys, rotateSigningKey, withRingLock } from '../../src/oidc/keyring.ts';
import { rotateMasterKey, type SealedKind } from '../../src/security/rotateMasterKey.ts';
import { masterKeyId } from '../../src/security/secretBox.ts';
import type { Services } from '../../src/services.ts';
import { createAccountSessions } from '../../src/account/accountSessions.ts';
import { keyringModel } from '../../src/store/models/keyringModel.ts';
import { signInProgressModel } from '../../src/store/models/signInProgressModel.ts';
import { cliWorkDir, runGatehouse, type CliResult, type Database } from '../support/gatehouseCli.ts';
import { newMasterKey, openTestServices, testConfig, testDatabaseUri } from '../support/testGatehouse.ts';

const { MongoClient } = mongoose.mongo;

const idOf = (key: string) => masterKeyId(Buffer.from(key, 'base64'));
const sealedForm = /^v1\.([0-9a-f]{8})\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const cliActor = { kind: 'cli' as const, id: 'rotate-master-test' };

async function withServices<T>(config: Config, use: (services: Services) => Promise<T>): Promise<T> {
  const services = await openTestServices(config);
  try {
    return await use(services);
  } finally {
    await services.store.close();
  }
}

/** What was sealed, in clear, to check against after the rotation (and to look for in output). */
type Seeded = {
  sub: string;
  totpSecret: string;
  emergencyTokens: string[];
  clientId: string;
  clientSecret: string;
  answers: { question: string; answer: string }[];
  signingKeys: unknown[];
  cookieKeys: string[];
  /** The keys the person is setting up: on the account page, and during a sign-in. */
  setupSecrets: { accountSessionId: string; account: string; signInUid: string; signIn: string };
};

/**
 * A person with a password, an active TOTP key, emergency tokens and private questions; a
 * confidential client; the keyring with two signing keys and a cookie key — all through
 * the real services, sealed under `masterKey`.
 */
async function seed(mongodbUri: string, masterKey: string, name = 'ROTA', clientId = 'rotate-app'): Promise<Seeded> {
  return withServices(testConfig({ mongodbUri, masterKey }), async (services) => {
    await services.persons.add({ name, password: 'a long enough password 4711' });
    const { sub } = await services.persons.show(name);
    const totpSecret = services.totp.generateSecret();
    await services.totp.setKey(sub, { secret: totpSecret, state: 'active' });
    const emergencyTokens = await services.emergencyTokens.recreate(sub);
    const answers = [
      { question: 'Name of your first pet?', answer: 'Bartholomew' },
      { question: 'City you were born in?', answer: 'Villarreal' },
    ];
    await services.questions.setAnswers(sub, answers);
    const { clientSecret } = await services.clients.add({ client_id: clientId, redirect_uris: ['https://rp.example.com/cb'] });
    if (!clientSecret) throw new Error('A confidential client was expected to get a secret.');
    await loadCookieKeys(services.store.connection, services.secretBox);
    await rotateSigningKey(services.store.connection, services.secretBox);
    // Keys being set up, sealed in an account session and in a sign-in's progress.
    const sessions = createAccountSessions(services.store.connection);
    const accountSessionId = await sessions.open({ sub, authTime: new Date(), amr: ['pwd', 'otp'] });
    const accountCandidate = services.totp.newCandidate(sub);
    await sessions.setTotpCandidate(accountSessionId, accountCandidate);
    const signInUid = `rotate-sign-in-${name}`;
    const signInCandidate = services.totp.newCandidate(sub);
    await signInProgressModel(services.store.connection).create({
      _id: signInUid, personId: sub, context: 'MFA', step: { factor: 'OTP', channel: 'email' }, enrolment: { candidate: signInCandidate, amr: ['otp'] }, expiresAt: new Date(Date.now() + 3_600_000),
    });
    const setupSecrets = {
      accountSessionId,
      account: services.totp.openCandidate(sub, accountCandidate).secret,
      signInUid,
      signIn: services.totp.openCandidate(sub, signInCandidate).secret,
    };
    return {
      setupSecrets,
      sub,
      totpSecret,
      emergencyTokens,
      clientId,
      clientSecret,
      answers,
      signingKeys: (await loadSigningKeys(services.store.connection, services.secretBox)).keys,
      cookieKeys: await loadCookieKeys(services.store.connection, services.secretBox),
    };
  });
}

/** How many values of each kind `seed` seals. */
const seededCounts: Record<SealedKind, number> = {
  'totp-key': 1,
  'account-setup-key': 1,
  'sign-in-setup-key': 1,
  'emergency-lookup-key': 1,
  'emergency-token': 10,
  'client-secret': 1,
  'signing-key': 2,
  'cookie-key': 1,
};

type RawSealed = { collection: string; id: unknown; path: string; value: string; keyId: string };

/**
 * Every sealed value in the database, found by its form in a raw read of every document
 * of every collection (the MongoDB driver on a connection of its own, not the models), so
 * a sealed value the rotation does not know about is found too.
 */
async function rawSealedValues(mongodbUri: string): Promise<RawSealed[]> {
  const client = await new MongoClient(mongodbUri).connect();
  try {
    const db = client.db(new URL(mongodbUri).pathname.slice(1));
    const found: RawSealed[] = [];
    for (const { name } of await db.listCollections().toArray()) {
      for (const document of await db.collection(name).find({}).toArray()) {
        const visit = (value: unknown, path: string): void => {
          if (typeof value === 'string') {
            const match = sealedForm.exec(value);
            if (match) found.push({ collection: name, id: document._id, path, value, keyId: match[1]! });
          } else if (Array.isArray(value)) value.forEach((inner, index) => visit(inner, `${path}[${index}]`));
          else if (value && typeof value === 'object' && !(value instanceof Date)) {
            for (const [field, inner] of Object.entries(value)) visit(inner, path ? `${path}.${field}` : field);
          }
        };
        visit(document, '');
      }
    }
    return found;
  } finally {
    await client.close();
  }
}

const placesOf = (values: RawSealed[]) => values.map((value) => `${value.collection} ${String(value.id)} ${value.path}`).toSorted();
const countBy = (values: RawSealed[]) => Object.fromEntries([...new Set(values.map((value) => value.keyId))].map((id) => [id, values.filter((value) => value.keyId === id).length]));

/** The services on the database with only `masterKey`: what a server sees once MASTER_KEYS_PREVIOUS is gone. */
async function expectEverythingWorksWith(mongodbUri: string, masterKey: string, seeded: Seeded, tokenIndex: number): Promise<void> {
  await withServices(testConfig({ mongodbUri, masterKey }), async (services) => {
    expect(await services.totp.verify({ _id: seeded.sub }, await generate({ secret: seeded.totpSecret }))).toEqual({ outcome: 'success', amr: ['otp'] });
    const unused = await services.emergencyTokens.list(seeded.sub);
    expect(unused).toContain(seeded.emergencyTokens[tokenIndex]);
    expect(await services.emergencyTokens.consume(seeded.sub, seeded.emergencyTokens[tokenIndex]!)).toMatchObject({ outcome: 'success' });
    expect(await services.emergencyTokens.list(seeded.sub)).toEqual(unused.filter((token) => token !== seeded.emergencyTokens[tokenIndex]));
    expect(await services.clients.providerMetadata(seeded.clientId)).toMatchObject({ client_secret: seeded.clientSecret });
    expect((await loadSigningKeys(services.store.connection, services.secretBox)).keys).toEqual(seeded.signingKeys);
    expect(await loadCookieKeys(services.store.connection, services.secretBox)).toEqual(seeded.cookieKeys);
    const session = await createAccountSessions(services.store.connection).find(seeded.setupSecrets.accountSessionId);
    expect(services.totp.openCandidate(seeded.sub, session!.totpCandidate!).secret).toBe(seeded.setupSecrets.account);
    const progress = await signInProgressModel(services.store.connection).findById(seeded.setupSecrets.signInUid).lean();
    expect(services.totp.openCandidate(seeded.sub, progress!.enrolment!.candidate as unknown as StoredTotpCandidate).secret).toBe(seeded.setupSecrets.signIn);
    // Hashed, not sealed: the answers and the password are untouched by a change of master key.
    const questions = await services.questions.questionsOf(seeded.sub);
    const answers = Object.fromEntries(questions.map((question) => [question.id, seeded.answers.find((entry) => entry.question === question.text)!.answer]));
    expect(await services.questions.verify(seeded.sub, answers, questions.map((question) => question.id))).toMatchObject({ outcome: 'success' });
  });
}

/** Every form of every seeded secret, and the master keys: none may appear in what the command prints. */
function secretsOf(seeded: Seeded, ...keys: string[]): string[] {
  const jwkSecrets = seeded.signingKeys.flatMap((jwk) => ['d', 'p', 'q'].map((field) => String((jwk as Record<string, unknown>)[field])));
  return [seeded.totpSecret, ...seeded.emergencyTokens, ...seeded.emergencyTokens.map((token) => token.replace(/[-\s]/g, '')), seeded.clientSecret, ...seeded.answers.map((entry) => entry.answer), ...jwkSecrets, ...seeded.cookieKeys, ...keys];
}

function expectNoSecretIn(result: CliResult, secrets: string[]): void {
  for (const secret of secrets) {
    expect(result.stdout).not.toContain(secret);
    expect(result.stderr).not.toContain(secret);
  }
}

describe('rotateMasterKey', () => {
  const mongodbUri = testDatabaseUri();
  const oldKey = newMasterKey();
  const newKey = newMasterKey();
  let seeded: Seeded;

  beforeAll(async () => {
    seeded = await seed(mongodbUri, oldKey);
  });

  test('re-seals every sealed value under the new key: a raw read finds none under the old one', async () => {
    const before = await rawSealedValues(mongodbUri);
    const total = Object.values(seededCounts).reduce((sum, count) => sum + count, 0);
    expect(countBy(before)).toEqual({ [idOf(oldKey)]: total });

    const rotation = await withServices(testConfig({ mongodbUri, masterKey: newKey, masterKeysPrevious: [oldKey] }), (services) =>
      rotateMasterKey({ connection: services.store.connection, box: services.secretBox, audit: services.audit, actor: cliActor }),
    );
    expect(rotation).toEqual({
      keyId: idOf(newKey),
      counts: Object.entries(seededCounts).map(([kind, count]) => ({ kind, resealed: count, alreadyCurrent: 0, failed: 0, changedMeanwhile: 0 })),
      failures: [],
      remaining: 0,
    });

    const after = await rawSealedValues(mongodbUri);
    expect(countBy(after)).toEqual({ [idOf(newKey)]: total });
    // The same places hold a sealed value, each a new one.
    expect(placesOf(after)).toEqual(placesOf(before));
    for (const value of after) expect(before.map((old) => old.value)).not.toContain(value.value);
  });

  test('services with only the new key verify the TOTP code, take an emergency token, open the client secret and load the keyring', async () => {
    await expectEverythingWorksWith(mongodbUri, newKey, seeded, 0);
    // …and with only the old key they no longer open anything: the values really changed.
    await withServices(testConfig({ mongodbUri, masterKey: oldKey }), async (services) => {
      await expect(services.clients.providerMetadata(seeded.clientId)).rejects.toThrow(new RegExp(`master key ${idOf(newKey)}`));
      await expect(loadSigningKeys(services.store.connection, services.secretBox)).rejects.toThrow(/not configured/);
    });
  });

  test('a second run re-seals nothing; each run is audited with counts only', async () => {
    const again = await withServices(testConfig({ mongodbUri, masterKey: newKey, masterKeysPrevious: [oldKey] }), (services) =>
      rotateMasterKey({ connection: services.store.connection, box: services.secretBox, audit: services.audit, actor: cliActor }),
    );
    // One emergency token was used by the previous test.
    const expected = { ...seededCounts, 'emergency-token': seededCounts['emergency-token'] - 1 };
    expect(again.counts).toEqual(Object.entries(expected).map(([kind, count]) => ({ kind, resealed: 0, alreadyCurrent: count, failed: 0, changedMeanwhile: 0 })));
    expect(again.remaining).toBe(0);

    await withServices(testConfig({ mongodbUri, masterKey: newKey }), async (services) => {
      const entries = await services.audit.list({ entity: 'keys', entityId: 'master' });
      expect(entries.map((entry) => entry.action)).toEqual(['rotate-master-key', 'rotate-master-key']);
      expect(entries[1]).toMatchObject({ actor: cliActor, after: { key_id: idOf(newKey), resealed: 18, already_current: 0, failed: 0, remaining: 0 } });
      expect(entries[0]).toMatchObject({ after: { resealed: 0, already_current: 17 } });
      const text = JSON.stringify(entries);
      for (const secret of secretsOf(seeded, oldKey, newKey)) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/v1\.[0-9a-f]{8}\./);
    });
  });

  test('the keyring is re-sealed under its lock: a change holding the lock is waited for, and what it wrote is kept', async () => {
    const database = testDatabaseUri();
    const first = newMasterKey();
    const second = newMasterKey();
    await seed(database, first);
    const underKey = async (collection: string, keyId: string) => (await rawSealedValues(database)).filter((value) => value.collection === collection).every((value) => value.keyId === keyId);
    await withServices(testConfig({ mongodbUri: database, masterKey: second, masterKeysPrevious: [first] }), async (services) => {
      const Keyrings = keyringModel(services.store.connection);
      let rotation: ReturnType<typeof rotateMasterKey> | undefined;
      let rewritten = '';
      // As `keys rotate` does: the whole list written under the lock, here with a key of a server on the new master key.
      await withRingLock(services.store.connection, 'signing', async () => {
        rotation = rotateMasterKey({ connection: services.store.connection, box: services.secretBox, audit: services.audit, actor: cliActor });
        // The clients come before the keyring: once they are done, the rotation is at the signing keys, and waits.
        const giveUpAt = Date.now() + 10_000;
        while (!(await underKey('clients', idOf(second))) && Date.now() < giveUpAt) await new Promise((resolve) => setTimeout(resolve, 20));
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(await underKey('keyring', idOf(first))).toBe(true);
        const { keys } = (await Keyrings.findById('signing').lean())!;
        const added = { kid: 'added-meanwhile', sealed: services.secretBox.seal(JSON.stringify({ kid: 'added-meanwhile', k: 'x' }), 'keyring:signing:added-meanwhile'), createdAt: new Date() };
        // …and the oldest key written anew meanwhile (here: re-sealed by someone else): not to be overwritten.
        const oldest = keys[1]!;
        const context = `keyring:signing:${oldest.kid}`;
        rewritten = services.secretBox.seal(services.secretBox.open(oldest.sealed, context), context);
        await Keyrings.updateOne({ _id: 'signing' }, { $set: { keys: [added, keys[0]!, { ...oldest, sealed: rewritten }] } });
      });
      // The ring was listed before the key was added: it is not counted, but the closing count sees it under the new key.
      const done = await rotation!;
      expect(done.counts.find((count) => count.kind === 'signing-key')).toEqual({ kind: 'signing-key', resealed: 1, alreadyCurrent: 0, failed: 0, changedMeanwhile: 1 });
      expect(done.remaining).toBe(0);
      const { keys } = (await Keyrings.findById('signing').lean())!;
      expect(keys.map((key) => key.kid)[0]).toBe('added-meanwhile');
      expect(keys).toHaveLength(3);
      expect(keys[2]!.sealed).toBe(rewritten);
    });
    expect(await underKey('keyring', idOf(second))).toBe(true);
  });
});

describe('gatehouse keys rotate-master', () => {
  let work: ReturnType<typeof cliWorkDir>;

  beforeAll(() => {
    work = cliWorkDir();
  });
  afterAll(() => work.remove());

  test('re-seals under MASTER_KEY with MASTER_KEYS_PREVIOUS; says the former key may go; --json; a second run re-seals nothing', async () => {
    const oldKey = newMasterKey();
    const database: Database = { MONGODB_URI: testDatabaseUri(), MASTER_KEY: newMasterKey() };
    const seeded = await seed(database.MONGODB_URI, oldKey);

    const human = await runGatehouse(work.path, database, ['keys', 'rotate-master'], { env: { MASTER_KEYS_PREVIOUS: oldKey } });
    expect(human.stderr).toBe('');
    expect(human.code).toBe(0);
    const lines = human.stdout.split('\n');
    expect(lines[0]).toBe(`Master key ${idOf(database.MASTER_KEY)}: every sealed value is under it (18 re-sealed now).`);
    expect(lines.slice(2, 11).map((line) => line.split(/\s{2,}/))).toEqual([
      ['kind', 're-sealed', 'already current', 'failed', 'changed meanwhile'],
      ['totp-key', '1', '0', '0', '0'],
      ['account-setup-key', '1', '0', '0', '0'],
      ['sign-in-setup-key', '1', '0', '0', '0'],
      ['emergency-lookup-key', '1', '0', '0', '0'],
      ['emergency-token', '10', '0', '0', '0'],
      ['client-secret', '1', '0', '0', '0'],
      ['signing-key', '2', '0', '0', '0'],
      ['cookie-key', '1', '0', '0', '0'],
    ]);
    expect(human.stdout).toContain('MASTER_KEYS_PREVIOUS is no longer needed');
    expectNoSecretIn(human, secretsOf(seeded, oldKey, database.MASTER_KEY));
    expect(countBy(await rawSealedValues(database.MONGODB_URI))).toEqual({ [idOf(database.MASTER_KEY)]: 18 });
    await expectEverythingWorksWith(database.MONGODB_URI, database.MASTER_KEY, seeded, 3);

    const again = await runGatehouse(work.path, database, ['keys', 'rotate-master', '--json'], { env: { MASTER_KEYS_PREVIOUS: oldKey } });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({
      key_id: idOf(database.MASTER_KEY),
      complete: true,
      counts: Object.entries({ ...seededCounts, 'emergency-token': 9 }).map(([kind, count]) => ({ kind, resealed: 0, already_current: count, failed: 0, changed_meanwhile: 0 })),
      failures: [],
      remaining: 0,
      next: 'MASTER_KEYS_PREVIOUS is no longer needed: remove it from the configuration and restart the servers.',
    });

    const audited = await withServices(testConfig({ mongodbUri: database.MONGODB_URI, masterKey: database.MASTER_KEY }), (services) => services.audit.list({ entity: 'keys' }));
    expect(audited.map((entry) => [entry.action, entry.actor.kind])).toEqual([
      ['rotate-master-key', 'cli'],
      ['rotate-master-key', 'cli'],
    ]);
  });

  test('a value sealed under a key that is not configured is named, left alone, and the command exits 1 after re-sealing the rest', async () => {
    const oldKey = newMasterKey();
    const strangerKey = newMasterKey();
    const database: Database = { MONGODB_URI: testDatabaseUri(), MASTER_KEY: newMasterKey() };
    const seeded = await seed(database.MONGODB_URI, oldKey);
    // A second person and client sealed under a key nobody configures (as if a former key was dropped too early).
    const stranger = await withServices(testConfig({ mongodbUri: database.MONGODB_URI, masterKey: strangerKey }), async (services) => {
      await services.persons.add({ name: 'LOST' });
      const { sub } = await services.persons.show('LOST');
      const secret = services.totp.generateSecret();
      await services.totp.setKey(sub, { secret, state: 'active' });
      const { clientSecret } = await services.clients.add({ client_id: 'lost-app', redirect_uris: ['https://rp.example.com/cb'] });
      return { sub, secret, clientSecret: clientSecret! };
    });
    const strangerValues = (await rawSealedValues(database.MONGODB_URI)).filter((value) => value.keyId === idOf(strangerKey));
    expect(strangerValues).toHaveLength(2);

    const result = await runGatehouse(work.path, database, ['keys', 'rotate-master', '--json'], { env: { MASTER_KEYS_PREVIOUS: oldKey } });
    expect(result.code).toBe(1);
    const output = JSON.parse(result.stdout);
    const unconfigured = `The value was sealed under master key ${idOf(strangerKey)}, which is not configured.`;
    expect(output).toMatchObject({ key_id: idOf(database.MASTER_KEY), complete: false, remaining: 2 });
    expect(output.failures).toEqual([
      { kind: 'totp-key', collection: 'persons', id: stranger.sub, field: 'totp.sealedSecret', key_id: idOf(strangerKey), reason: unconfigured },
      { kind: 'client-secret', collection: 'clients', id: 'lost-app', field: 'sealedSecret', key_id: idOf(strangerKey), reason: unconfigured },
    ]);
    expect(output.counts).toEqual(
      Object.entries(seededCounts).map(([kind, count]) => ({
        kind,
        resealed: count,
        already_current: 0,
        failed: kind === 'totp-key' || kind === 'client-secret' ? 1 : 0,
        changed_meanwhile: 0,
      })),
    );
    expect(output.next).toContain('Keep MASTER_KEYS_PREVIOUS');
    expectNoSecretIn(result, [...secretsOf(seeded, oldKey, strangerKey, database.MASTER_KEY), stranger.secret, stranger.clientSecret]);

    // Everything else is under the new key; the stranger's values are exactly as they were.
    const after = await rawSealedValues(database.MONGODB_URI);
    expect(countBy(after)).toEqual({ [idOf(database.MASTER_KEY)]: 18, [idOf(strangerKey)]: 2 });
    expect(after.filter((value) => value.keyId === idOf(strangerKey)).map((value) => value.value).toSorted()).toEqual(strangerValues.map((value) => value.value).toSorted());
    await expectEverythingWorksWith(database.MONGODB_URI, database.MASTER_KEY, seeded, 0);

    // In words: the table on stdout, the values named on stderr, still exit 1 — until the missing key is given.
    const human = await runGatehouse(work.path, database, ['keys', 'rotate-master'], { env: { MASTER_KEYS_PREVIOUS: oldKey } });
    expect(human.code).toBe(1);
    expect(human.stdout).toContain(`Master key ${idOf(database.MASTER_KEY)}: 2 sealed value(s) are not under it yet.`);
    expect(human.stderr).toContain(`persons ${stranger.sub} totp.sealedSecret: ${unconfigured}`);
    expect(human.stderr).toContain(`clients lost-app sealedSecret: ${unconfigured}`);
    expect(human.stderr).toContain('Add the master key they were sealed under to MASTER_KEYS_PREVIOUS');
    expectNoSecretIn(human, [...secretsOf(seeded, oldKey, strangerKey, database.MASTER_KEY), stranger.secret, stranger.clientSecret]);

    const recovered = await runGatehouse(work.path, database, ['keys', 'rotate-master', '--json'], { env: { MASTER_KEYS_PREVIOUS: `${oldKey}, ${strangerKey}` } });
    expect(recovered.code).toBe(0);
    expect(JSON.parse(recovered.stdout)).toMatchObject({ complete: true, failures: [], remaining: 0 });
    expect(countBy(await rawSealedValues(database.MONGODB_URI))).toEqual({ [idOf(database.MASTER_KEY)]: 19 });
    await withServices(testConfig({ mongodbUri: database.MONGODB_URI, masterKey: database.MASTER_KEY }), async (services) => {
      expect(await services.clients.providerMetadata('lost-app')).toMatchObject({ client_secret: stranger.clientSecret });
    });
  });

  test('--generate (development): a new DATA_DIR/master.key, the old one kept in master.key.previous, everything re-sealed', async () => {
    const dataDir = join(work.path, 'generate');
    mkdirSync(dataDir);
    const oldKey = newMasterKey();
    writeFileSync(join(dataDir, 'master.key'), `${oldKey}\n`, { mode: 0o600 });
    // MASTER_KEY empty counts as unset: the key is the development file.
    const database: Database = { MONGODB_URI: testDatabaseUri(), MASTER_KEY: '' };
    const env = { DATA_DIR: dataDir };
    const seeded = await seed(database.MONGODB_URI, oldKey);

    const result = await runGatehouse(work.path, database, ['keys', 'rotate-master', '--generate', '--json'], { env });
    expect(result.code).toBe(0);
    const newKey = readFileSync(join(dataDir, 'master.key'), 'utf8').trim();
    expect(newKey).not.toBe(oldKey);
    expect(Buffer.from(newKey, 'base64')).toHaveLength(32);
    expect(readFileSync(join(dataDir, 'master.key.previous'), 'utf8')).toBe(`${oldKey}\n`);
    expect(statSync(join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'master.key.previous')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(dataDir, 'master.key.new'))).toBe(false);
    const output = JSON.parse(result.stdout);
    expect(output).toMatchObject({
      key_id: idOf(newKey),
      complete: true,
      generated: { file: join(dataDir, 'master.key'), previous_file: join(dataDir, 'master.key.previous'), key_id: idOf(newKey) },
      remaining: 0,
    });
    expect(output.next).toContain('master.key.previous is no longer needed');
    expectNoSecretIn(result, secretsOf(seeded, oldKey, newKey));
    expect(countBy(await rawSealedValues(database.MONGODB_URI))).toEqual({ [idOf(newKey)]: 18 });
    await expectEverythingWorksWith(database.MONGODB_URI, newKey, seeded, 0);

    // A second --generate keeps both former keys; the values follow the newest.
    const second = await runGatehouse(work.path, database, ['keys', 'rotate-master', '--generate'], { env });
    expect(second.code).toBe(0);
    const newest = readFileSync(join(dataDir, 'master.key'), 'utf8').trim();
    expect(readFileSync(join(dataDir, 'master.key.previous'), 'utf8')).toBe(`${oldKey}\n${newKey}\n`);
    expect(second.stdout).toContain(`New development master key ${idOf(newest)}`);
    expect(countBy(await rawSealedValues(database.MONGODB_URI))).toEqual({ [idOf(newest)]: 17 });
  });

  test('--generate is refused (usage) when the master key is MASTER_KEY; nothing is written', async () => {
    const dataDir = join(work.path, 'refused');
    const database: Database = { MONGODB_URI: testDatabaseUri(), MASTER_KEY: newMasterKey() };
    const result = await runGatehouse(work.path, database, ['keys', 'rotate-master', '--generate'], { env: { DATA_DIR: dataDir } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--generate replaces the development key file');
    expect(result.stderr).toContain('MASTER_KEYS_PREVIOUS=<old>');
    expect(existsSync(join(dataDir, 'master.key'))).toBe(false);
    expect(existsSync(join(dataDir, 'master.key.previous'))).toBe(false);
  });

  test('a bad MASTER_KEYS_PREVIOUS stops the command with a message naming the key, never the value', async () => {
    const database: Database = { MONGODB_URI: testDatabaseUri(), MASTER_KEY: newMasterKey() };
    const short = Buffer.alloc(31, 5).toString('base64');
    const result = await runGatehouse(work.path, database, ['keys', 'rotate-master'], { env: { MASTER_KEYS_PREVIOUS: `${newMasterKey()},${short}` } });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Configuration MASTER_KEYS_PREVIOUS must be a comma-separated list of keys of 32 random bytes in base64 (44 characters each); entry 2 is not; got (hidden).',
    );
  });

  test('--help tells the workflow', async () => {
    const help = await runGatehouse(work.path, { MONGODB_URI: testDatabaseUri(), MASTER_KEY: newMasterKey() }, ['keys', 'rotate-master', '--help']);
    expect(help.code).toBe(0);
    for (const step of ['openssl rand -base64 32', 'MASTER_KEY=<new> MASTER_KEYS_PREVIOUS=<old>', 'remove MASTER_KEYS_PREVIOUS', '--generate', 'Exit codes']) expect(help.stdout).toContain(step);
  });
});

describe('MASTER_KEYS_PREVIOUS', () => {
  const noFile = '/nonexistent/gatehouse/local.json';

  test('is read as a list (spaces around commas ignored); unset, there is none', () => {
    const [one, two] = [newMasterKey(), newMasterKey()];
    expect(loadConfig({ MASTER_KEYS_PREVIOUS: `${one} , ${two}` }, noFile).masterKeysPrevious).toEqual([one, two]);
    expect(loadConfig({}, noFile).masterKeysPrevious).toBeUndefined();
  });

  test.each([
    ['a short key', 'c2hvcnQta2V5'],
    ['an empty entry', `${Buffer.alloc(32, 1).toString('base64')},`],
    ['a passphrase', 'my very secret passphrase that is long enough!'],
  ])('%s is refused, naming the key and not echoing the value', (_label, value) => {
    expect(() => loadConfig({ MASTER_KEYS_PREVIOUS: value }, noFile)).toThrow(/^Configuration MASTER_KEYS_PREVIOUS must be/);
    try {
      loadConfig({ MASTER_KEYS_PREVIOUS: value }, noFile);
    } catch (error) {
      expect((error as Error).message).not.toContain(value.slice(0, 8));
    }
  });
});
