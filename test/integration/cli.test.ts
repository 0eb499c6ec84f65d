import { spawn } from 'node:child_process';
import { hash } from '@node-rs/argon2';
import { join, resolve } from 'node:path';
import { loadSigningKeys, rotateSigningKey } from '../../src/oidc/keyring.ts';
import type { Services } from '../../src/services.ts';
import { cliWorkDir, newDatabase, runGatehouse, runGatehouseJson, withDatabase as withCliDatabase, writeDocument, type CliResult, type Database } from '../support/gatehouseCli.ts';

// The real `gatehouse` command as a child process, on a database of its own per test.

const cli = resolve('src/cli/gatehouse.ts');

let work: ReturnType<typeof cliWorkDir>;
let db: Database;

beforeAll(() => {
  work = cliWorkDir();
});
afterAll(() => work.remove());
beforeEach(() => {
  db = newDatabase();
});

const gatehouse = (args: string[], options: { input?: string; database?: Database; env?: Record<string, string> } = {}) =>
  runGatehouse(work.path, options.database ?? db, args, options);
const gatehouseJson = (args: string[], options: { input?: string; database?: Database } = {}) => runGatehouseJson(work.path, options.database ?? db, args, options);
const documentFile = (document: unknown) => writeDocument(work.path, document);
const withDatabase = <T>(use: (services: Services) => Promise<T>, database = db): Promise<T> => withCliDatabase(database, use);

const pepe = {
  name: 'PEPE',
  default_user_id: 'pepe',
  first_name: 'PEPINO',
  family_name: 'CUEVAS',
  email: 'pepe@example.com',
  password: 'correct horse battery',
};
const shop = { client_id: 'shop', client_name: 'Shop', redirect_uris: ['https://shop.example.com/callback'], first_party: true };

describe('import', () => {
  test('one client and one person: the person can sign in, the client is listed with a generated secret', async () => {
    const report = await gatehouseJson(['import', documentFile({ clients: [shop], persons: [pepe] })]);

    expect(report.clients).toEqual({ created: 1, updated: 0, unchanged: 0 });
    expect(report.persons).toEqual({ created: 1, updated: 0, unchanged: 0 });
    expect(report.generated_secrets).toHaveLength(1);
    const { client_id: clientId, client_secret: secret } = report.generated_secrets[0];
    expect(clientId).toBe('shop');
    await withDatabase(async (services) => {
      const person = await services.persons.authenticate('PePe', 'correct horse battery');
      expect(person).toMatchObject({ name: 'PEPE', firstName: 'PEPINO', email: 'pepe@example.com' });
      expect(await services.clients.providerMetadata('shop')).toMatchObject({ client_secret: secret, first_party: true });
    });
    const clients = await gatehouseJson(['client', 'list']);
    expect(clients.map((c: { client_id: string }) => c.client_id)).toEqual(['shop']);
  });

  test('the human summary counts what was done and shows a generated secret once', async () => {
    const file = documentFile({ clients: [shop], persons: [pepe] });
    const first = await gatehouse(['import', file]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('clients: 1 created, 0 updated, 0 unchanged');
    expect(first.stdout).toContain('persons: 1 created, 0 updated, 0 unchanged');
    const secret = await withDatabase(async (services) => (await services.clients.providerMetadata('shop'))!.client_secret as string);
    expect(first.stdout).toContain(secret);
    expect(first.stdout).not.toContain('correct horse battery');

    const again = await gatehouse(['import', file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('clients: 0 created, 0 updated, 1 unchanged');
    expect(again.stdout).not.toContain(secret);
  });

  test('a document with one invalid entry changes nothing and names the entry and field', async () => {
    await gatehouseJson(['import', documentFile({ clients: [shop], persons: [pepe] })]);
    const before = await gatehouseJson(['export', '--with-secrets']);

    const document = {
      clients: [{ ...shop, client_name: 'Shop renamed' }, { client_id: 'new-app', redirect_uris: ['https://new.example.com/cb'] }],
      persons: [{ ...pepe, email: 'pepe@new.example.com' }, { name: 'ANA', password: 'another good password' }, { name: 'LUIS', email: 'x' }],
    };
    const refused = await gatehouse(['import', documentFile(document)]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('Nothing was imported');
    expect(refused.stderr).toContain('persons[2].email: "x" is not an email address.');

    const asJson = await gatehouse(['import', documentFile(document), '--json']);
    expect(asJson.code).toBe(1);
    expect(JSON.parse(asJson.stdout)).toEqual({
      error: 'Nothing was imported: the document has a problem.',
      problems: ['persons[2].email: "x" is not an email address.'],
    });
    expect(await gatehouseJson(['export', '--with-secrets'])).toEqual(before);
  });

  test('a plain password that breaks a password rule refuses the whole document, naming the entry and the rule', async () => {
    await gatehouseJson(['import', documentFile({ persons: [pepe] })]);
    const before = await gatehouseJson(['export', '--with-secrets']);
    const refused = await gatehouse(['import', documentFile({
      persons: [
        { ...pepe, password: 'a brand new passphrase' },
        { name: 'OLGA', default_user_id: 'olga.rodriguez', password: 'Olga.Rodriguez' },
        { name: 'MARTA', first_name: 'Marta Lucía', family_name: 'Pérez', password: 'marta lucía pérez' },
        { name: 'RAUL', password: 'Password1234' },
        { name: 'LEO', password: 'x'.repeat(257) },
      ],
    }), '--json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).problems).toEqual([
      'persons[1].password: it must not be a user ID of the person.',
      'persons[2].password: it must not be the person\'s name.',
      'persons[3].password: it is on the list of common and breached passwords; choose another.',
      'persons[4].password: at most 256 characters are allowed; this one has 257.',
    ]);
    expect(await gatehouseJson(['export', '--with-secrets'])).toEqual(before);
    await withDatabase(async (services) => expect(await services.persons.authenticate('PEPE', 'a brand new passphrase')).toBeUndefined());
  });

  test('a password_hash is parsed in full: only argon2id with parameters no weaker than ours, well formed', async () => {
    const good = await hash('correct horse battery', { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    const weak = await hash('correct horse battery', { algorithm: 2, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    const argon2i = await hash('correct horse battery', { algorithm: 1, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    const costly = good.replace('m=19456', 'm=4194304');
    const cut = good.slice(0, good.lastIndexOf('$') + 4);
    const persons = [
      { name: 'P0', password_hash: weak },
      { name: 'P1', password_hash: argon2i },
      { name: 'P2', password_hash: '$argon2id$v=19$m=19456,t=2,p=1$not-a-hash' },
      { name: 'P3', password_hash: costly },
      { name: 'P4', password_hash: cut },
      { name: 'P5', password_hash: '$argon2id$' },
    ];
    const refused = await gatehouse(['import', documentFile({ persons }), '--json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout).problems).toEqual([
      "persons[0].password_hash: parameters m=4096,t=1 are weaker than Gatehouse's (m=19456,t=2 at least).",
      'persons[1].password_hash: not an argon2id hash in the form $argon2id$v=19$m=…,t=…,p=…$salt$hash (other algorithms, argon2i and argon2d are not accepted).',
      'persons[2].password_hash: not an argon2id hash in the form $argon2id$v=19$m=…,t=…,p=…$salt$hash (other algorithms, argon2i and argon2d are not accepted).',
      'persons[3].password_hash: parameters m=4194304,t=2,p=1 are outside what Gatehouse verifies (m at most 262144, t at most 16, p from 1 to 16).',
      'persons[4].password_hash: the hash is shorter than 16 bytes.',
      'persons[5].password_hash: not an argon2id hash in the form $argon2id$v=19$m=…,t=…,p=…$salt$hash (other algorithms, argon2i and argon2d are not accepted).',
    ]);
    expect((await gatehouseJson(['export'])).persons).toEqual([]);
    const imported = await gatehouseJson(['import', documentFile({ persons: [{ name: 'P6', password_hash: good }] })]);
    expect(imported).toMatchObject({ persons: { created: 1 } });
  });

  test('every problem is reported by position: fields, duplicates in the document, clashes with stored persons', async () => {
    await gatehouseJson(['import', documentFile({ persons: [pepe] })]);
    const storedSub = (await withDatabase((services) => services.persons.show('PEPE'))).sub;

    const result = await gatehouse(['import', documentFile({
      groups: [],
      clients: [shop, { redirect_uris: ['https://a.example.com/cb'] }, { ...shop, client_name: 'again' }, { client_id: 'web', redirect_uris: ['http://web.example.com/cb'] }],
      persons: [
        { name: 'JUAN', default_user_id: 'PEPE' },
        { name: 'ana', user_ids: ['shared'] },
        { name: 'Ana' },
        { name: 'LUIS', user_ids: ['SHARED'] },
        { name: 'NEW', sub: storedSub },
        { name: 'OLGA', password: 'short' },
        { name: 'EVA', nickname: 'e' },
        'not a person',
      ],
    }), '--json']);

    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).problems).toEqual([
      'groups: not a section of an import document (known: ipGroups, classes, settings, clients, persons).',
      'clients[1].client_id: required in an import document (it is the key a client is replaced by).',
      'clients[2].client_id: "shop" appears more than once in the document (also clients[0]).',
      'clients[3].redirect_uris: "http://web.example.com/cb" must use https (http is accepted only for localhost).',
      'persons[0].default_user_id: user ID "PEPE" belongs to the existing person "PEPE".',
      'persons[2].name: "Ana" appears more than once in the document (also persons[1]; names are compared ignoring case).',
      'persons[3].user_ids: user ID "SHARED" is also given to persons[1] ("ana") in the document.',
      `persons[4].sub: "${storedSub}" is the sub of the existing person "PEPE".`,
      'persons[5].password: at least 12 characters are needed; this one has 5.',
      expect.stringMatching(/^persons\[6\]\.nickname: not a person field/),
      'persons[7]: A person must be an object.',
    ]);
    await withDatabase(async (services) => {
      expect((await services.persons.exportAll()).map((p) => p.name)).toEqual(['PEPE']);
      expect(await services.clients.list()).toEqual([]);
    });
  });

  test('re-import replaces by key: a person keeps its sub and password, a client its secret; others stay', async () => {
    const first = await gatehouseJson(['import', documentFile({ clients: [shop], persons: [pepe, { name: 'ANA', password: 'another good password' }] })]);
    const secret = first.generated_secrets[0].client_secret;
    const sub = (await withDatabase((services) => services.persons.show('PEPE'))).sub;

    const changed = {
      clients: [{ ...shop, client_name: 'Shop 2', redirect_uris: ['https://shop.example.com/cb2'] }],
      persons: [{ name: 'pepe', default_user_id: 'pepe', email: 'pepe@new.example.com', sub: 'another-sub' }],
    };
    const second = await gatehouseJson(['import', documentFile(changed)]);
    expect(second).toEqual({
      ipGroups: { created: 0, updated: 0, unchanged: 0 },
      classes: { created: 0, updated: 0, unchanged: 0 },
      settings: { created: 0, updated: 0, unchanged: 0 },
      clients: { created: 0, updated: 1, unchanged: 0 },
      persons: { created: 0, updated: 1, unchanged: 0 },
      generated_secrets: [],
      warnings: [`persons[0].sub: "pepe" already exists with sub "${sub}", which is kept (a sub never changes).`],
    });
    await withDatabase(async (services) => {
      const person = await services.persons.show('PEPE');
      expect(person).toMatchObject({ sub, name: 'pepe', email: 'pepe@new.example.com' });
      expect(person.first_name).toBeUndefined();
      expect(await services.persons.authenticate('pepe', 'correct horse battery')).toBeDefined();
      expect(await services.persons.authenticate('ANA', 'another good password')).toBeDefined();
      expect(await services.clients.providerMetadata('shop')).toMatchObject({ client_name: 'Shop 2', client_secret: secret, redirect_uris: ['https://shop.example.com/cb2'] });
    });

    const third = await gatehouseJson(['import', documentFile(changed)]);
    expect(third.clients).toEqual({ created: 0, updated: 0, unchanged: 1 });
    expect(third.persons).toEqual({ created: 0, updated: 0, unchanged: 1 });
  });

  test('a new person keeps the sub given in the document; a given client secret is stored', async () => {
    const secret = 'a-client-secret-that-is-long-enough-1234567890';
    await gatehouseJson(['import', documentFile({ clients: [{ ...shop, client_secret: secret }], persons: [{ ...pepe, sub: 'sub-from-elsewhere' }] })]);
    await withDatabase(async (services) => {
      expect((await services.persons.show('pepe')).sub).toBe('sub-from-elsewhere');
      expect((await services.clients.providerMetadata('shop'))!.client_secret).toBe(secret);
    });
  });

  test('reads the document from standard input with -', async () => {
    const report = await gatehouseJson(['import', '-'], { input: JSON.stringify({ persons: [pepe] }) });
    expect(report.persons.created).toBe(1);
    await withDatabase(async (services) => expect(await services.persons.authenticate('pepe', pepe.password)).toBeDefined());
  });

  test('the example document of config/ imports: class TOTP of the source screen, client demo-app, person PEPE of class TOTP', async () => {
    const report = await gatehouseJson(['import', 'config/example-import.json']);
    expect(report.classes.created).toBe(1);
    expect(report.clients.created).toBe(1);
    expect(report.persons.created).toBe(1);
    expect(report.generated_secrets).toEqual([]);
    expect(report.warnings).toEqual([]);
    await withDatabase(async (services) => {
      expect(await services.classes.findPolicy('TOTP')).toEqual({
        name: 'TOTP',
        text: 'USE TOTP IN MFA',
        mfaDevice: 'E',
        noScreenChannel: 'E',
        allowOtpInsteadOfTotp: false,
        priorities: { MFA: { TOTP: 1 }, AOD: {}, 'P-R': {} },
        questionCount: 0,
        maxRetries: 3,
        waitSeconds: 60,
        passwordReset: { verifyBy: 'N', newPasswordBy: 'N', resetBy: '1', mustChangeMinutes: 10 },
      });
      expect((await services.persons.show('PEPE')).class).toBe('TOTP');
      expect(await services.persons.authenticate('PEPE', 'change-me-now-please')).toMatchObject({ firstName: 'PEPINO', familyName: 'CUEVAS', cellPhone: '444444444', employeeNumber: '5555', idNumber: '555', preferredLanguage: 'ENG' });
      expect(await services.clients.providerMetadata('demo-app')).toMatchObject({ first_party: true, redirect_uris: ['http://localhost:8080/callback'], post_logout_redirect_uris: ['http://localhost:8080/'] });
    });
  });
});

describe('export', () => {
  const everything = {
    ipGroups: [{ name: 'OFFICE', text: 'Head office', ranges: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.7'] }],
    classes: [
      {
        name: 'STAFF',
        text: 'Staff: TOTP first, a code otherwise',
        mfa_device: 'S',
        no_screen_channel: 'C',
        email_domain: 'example.com',
        allow_otp_instead_of_totp: 'Y',
        factors: { MFA: { TOTP: 1, OTP: 2 }, AOD: { TOTP: 1, Qstn: 2 }, 'P-R': { Qstn: 1, API: 2 } },
        api_provider: 'OKTA',
        question_count: 2,
        max_retries: 5,
        wait_seconds: 999,
        password_reset: { verify_by: 'M', new_password_by: 'S', reset_by: '9', must_change_minutes: 30 },
      },
      { name: 'TOTP', mfa_device: 'E', factors: { MFA: { TOTP: 1 } } },
    ],
    settings: { default_class: 'TOTP' },
    clients: [
      { client_id: 'api-worker', client_secret: 'worker-secret-worker-secret-worker-secret', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post' },
      { client_id: 'mobile', redirect_uris: ['com.example.app:/callback'], token_endpoint_auth_method: 'none' },
      { ...shop, client_secret: 'shop-secret-shop-secret-shop-secret-shop', post_logout_redirect_uris: ['https://shop.example.com/'] },
    ],
    persons: [
      {
        ...pepe,
        user_ids: ['pepino', 'p.cuevas'],
        roles: ['admin'],
        class: 'STAFF',
        ip_group: 'OFFICE',
        external_id: 'HR-1',
        id_number: '555',
        birth_date: '1970-01-02',
        cell_phone: '444444444',
        employee_number: '5555',
        preferred_language: 'ENG',
        office_phone: '+34 900 000 000',
      },
      { name: 'ANA', enabled: false, class: '*NEVER' },
    ],
  };

  test('export → import into a fresh database → export gives the same document, with and without secrets', async () => {
    await gatehouseJson(['import', documentFile(everything)]);
    const exported = await gatehouseJson(['export', '--with-secrets']);
    const withoutSecrets = await gatehouseJson(['export']);

    const fresh = newDatabase();
    await gatehouseJson(['import', documentFile(exported)], { database: fresh });
    expect(await gatehouseJson(['export', '--with-secrets'], { database: fresh })).toEqual(exported);

    const third = newDatabase();
    await gatehouseJson(['import', documentFile(withoutSecrets)], { database: third });
    expect(await gatehouseJson(['export'], { database: third })).toEqual(withoutSecrets);

    // The round trip carried the subs and password hashes, not new ones.
    await withDatabase(async (services) => {
      const person = await services.persons.authenticate('p.cuevas', pepe.password);
      expect(person?._id).toBe(exported.persons.find((p: { name: string }) => p.name === 'PEPE').sub);
    }, fresh);
  });

  test('persons carry sub and password_hash; client secrets only with --with-secrets', async () => {
    await gatehouseJson(['import', documentFile(everything)]);
    const plain = await gatehouse(['export']);
    expect(plain.code).toBe(0);
    const document = JSON.parse(plain.stdout);
    expect(Object.keys(document)).toEqual(['ipGroups', 'classes', 'settings', 'clients', 'persons']);
    expect(document.ipGroups).toEqual([{ ...everything.ipGroups[0], ranges: ['10.0.0.0/8', '2001:db8::/32', '192.0.2.7/32'] }]);
    expect(document.classes).toEqual([everything.classes[0], expect.objectContaining({ name: 'TOTP', factors: { MFA: { TOTP: 1 }, AOD: {}, 'P-R': {} } })]);
    expect(document.settings).toEqual({ default_class: 'TOTP' });
    expect(plain.stdout).not.toContain('"client_secret"');
    expect(document.persons.map((p: { name: string }) => p.name)).toEqual(['ANA', 'PEPE']);
    expect(document.persons[1]).toMatchObject({ sub: expect.any(String), password_hash: expect.stringMatching(/^\$argon2id\$/), user_ids: ['pepino', 'p.cuevas'] });
    expect(document.persons[0].password_hash).toBeUndefined();

    const withSecrets = await gatehouseJson(['export', '--with-secrets']);
    expect(withSecrets.clients.map((c: { client_secret?: string }) => c.client_secret)).toEqual([
      'worker-secret-worker-secret-worker-secret',
      undefined,
      'shop-secret-shop-secret-shop-secret-shop',
    ]);
  });
});

describe('client', () => {
  test('add, list and remove', async () => {
    const added = await gatehouseJson([
      'client', 'add', '--id', 'web-app', '--name', 'Web App', '--first-party',
      '--redirect-uri', 'https://web.example.com/cb', '--redirect-uri', 'https://web.example.com/cb2',
      '--post-logout-redirect-uri', 'https://web.example.com/',
    ]);
    expect(added.client).toMatchObject({ client_id: 'web-app', client_name: 'Web App', first_party: true, redirect_uris: ['https://web.example.com/cb', 'https://web.example.com/cb2'], post_logout_redirect_uris: ['https://web.example.com/'] });
    expect(added.client_secret.length).toBeGreaterThanOrEqual(32);
    await withDatabase(async (services) => expect((await services.clients.providerMetadata('web-app'))!.client_secret).toBe(added.client_secret));

    const human = await gatehouse(['client', 'add', '--public', '--redirect-uri', 'com.example.app:/cb', '--grant-types', 'authorization_code']);
    expect(human.code).toBe(0);
    const publicId = /client_id:\s+(\S+)/.exec(human.stdout)![1]!;
    expect(human.stdout).not.toContain('client_secret');

    const listed = await gatehouse(['client', 'list', '--json']);
    expect(listed.stdout).not.toContain(added.client_secret);
    const clients = JSON.parse(listed.stdout);
    expect(clients.map((c: { client_id: string }) => c.client_id).toSorted()).toEqual([publicId, 'web-app'].toSorted());
    expect(clients.find((c: { client_id: string }) => c.client_id === publicId)).toMatchObject({ token_endpoint_auth_method: 'none', grant_types: ['authorization_code'] });
    expect((await gatehouse(['client', 'list'])).stdout).toMatch(/web-app\s+confidential\s+yes\s+Web App/);

    const removed = await gatehouse(['client', 'remove', 'web-app']);
    expect(removed.code).toBe(0);
    await withDatabase(async (services) => expect((await services.clients.list()).map((c) => c.client_id)).toEqual([publicId]));
    const again = await gatehouse(['client', 'remove', 'web-app']);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe('There is no client "web-app".');
  });

  test('bad options are refused with a clear message and nothing is stored', async () => {
    const noRedirect = await gatehouse(['client', 'add', '--name', 'X']);
    expect(noRedirect.code).toBe(2);
    expect(noRedirect.stderr).toContain('--redirect-uri');
    const badGrant = await gatehouse(['client', 'add', '--redirect-uri', 'https://x.example.com/cb', '--grant-types', 'implicit', '--json']);
    expect(badGrant.code).toBe(1);
    expect(JSON.parse(badGrant.stdout).error).toMatch(/^grant_types: /);
    const badUri = await gatehouse(['client', 'add', '--redirect-uri', 'http://x.example.com/cb']);
    expect(badUri.code).toBe(1);
    expect(badUri.stderr).toContain('must use https');
    await withDatabase(async (services) => expect(await services.clients.list()).toEqual([]));
  });
});

describe('person', () => {
  test('add with --password-stdin, list, passwd', async () => {
    const added = await gatehouse(
      ['person', 'add', 'PEPE', '--user-id', 'pepe', '--email', 'pepe@example.com', '--first-name', 'PEPINO', '--family-name', 'CUEVAS', '--role', 'admin', '--password-stdin'],
      { input: 'first password\n' },
    );
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('Added person "PEPE"');
    await withDatabase(async (services) => {
      expect(await services.persons.authenticate('pepe', 'first password')).toMatchObject({ roles: ['admin'], familyName: 'CUEVAS' });
    });

    const listed = await gatehouse(['person', 'list', '--json']);
    expect(listed.stdout).not.toContain('argon2');
    expect(JSON.parse(listed.stdout)).toMatchObject({ total: 1, page: 1, page_size: 50 });
    expect(JSON.parse(listed.stdout).items).toEqual([
      expect.objectContaining({ name: 'PEPE', default_user_id: 'pepe', email: 'pepe@example.com', first_name: 'PEPINO', roles: ['admin'], has_password: true, enabled: true }),
    ]);
    expect((await gatehouse(['person', 'list'])).stdout).toMatch(/PEPE\s+pepe\s+\*DFT\s+CUEVAS PEPINO\s+admin\s+yes\s+yes\s+pepe@example\.com/);

    const changed = await gatehouse(['person', 'passwd', 'pepe', '--password-stdin'], { input: 'second password' });
    expect(changed.code).toBe(0);
    expect(changed.stdout + changed.stderr).not.toContain('second password');
    await withDatabase(async (services) => {
      expect(await services.persons.authenticate('pepe', 'first password')).toBeUndefined();
      expect(await services.persons.authenticate('pepe', 'second password')).toBeDefined();
    });
  });

  test('refused passwords, names and missing password sources change nothing', async () => {
    const short = await gatehouse(['person', 'add', 'PEPE', '--password-stdin'], { input: 'short\n' });
    expect(short.code).toBe(1);
    expect(short.stderr.trim()).toBe('password: at least 12 characters are needed; this one has 5.');
    await withDatabase(async (services) => expect((await services.persons.list()).items).toEqual([]));

    await gatehouseJson(['person', 'add', 'PEPE', '--password-stdin'], { input: 'first password' });
    const duplicate = await gatehouse(['person', 'add', 'pepe', '--user-id', 'other', '--password-stdin'], { input: 'first password' });
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr.trim()).toBe('name: a person named "PEPE" already exists (names are compared ignoring case).');

    for (const [refusedPassword, message] of [
      ['Password1234', 'password: it is on the list of common and breached passwords; choose another.'],
      ['  PEPE  ', 'password: at least 12 characters are needed; this one has 8.'],
      ['é'.repeat(257), 'password: at most 256 characters are allowed; this one has 257.'],
    ]) {
      const passwd = await gatehouse(['person', 'passwd', 'PEPE', '--password-stdin'], { input: refusedPassword });
      expect(passwd.code).toBe(1);
      expect(passwd.stderr.trim()).toBe(message);
    }

    const noSource = await gatehouse(['person', 'passwd', 'PEPE']);
    expect(noSource.code).toBe(2);
    expect(noSource.stderr).toContain('--password-stdin');
    const unknown = await gatehouse(['person', 'passwd', 'NOBODY', '--password-stdin'], { input: 'a good password' });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('There is no person "NOBODY".');
    await withDatabase(async (services) => expect(await services.persons.authenticate('PEPE', 'first password')).toBeDefined());
  });

  test('a password on the command line is not accepted', async () => {
    const result = await gatehouse(['person', 'add', 'PEPE', '--password', 'in shell history']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--password'");
    await withDatabase(async (services) => expect((await services.persons.list()).items).toEqual([]));
  });
});

describe('keys rotate', () => {
  test('adds a new signing key in front of the existing one', async () => {
    const original = await withDatabase(async (services) => (await loadSigningKeys(services.store.connection, services.secretBox)).keys[0]!.kid);

    const human = await gatehouse(['keys', 'rotate']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain('2 keys');
    expect(human.stdout).toContain('next start');
    const rotated = await gatehouseJson(['keys', 'rotate']);
    expect(rotated.keys).toBe(3);

    await withDatabase(async (services) => {
      const kids = (await loadSigningKeys(services.store.connection, services.secretBox)).keys.map((key) => key.kid);
      expect(kids).toHaveLength(3);
      expect(kids[0]).toBe(rotated.kid);
      expect(kids[2]).toBe(original);
      expect(human.stdout).toContain(kids[1]);
    });
  });

  test('on a database without keys, the first key is created and a second added', async () => {
    const rotated = await gatehouseJson(['keys', 'rotate']);
    expect(rotated.keys).toBe(2);
    await withDatabase(async (services) => {
      const { keys } = await loadSigningKeys(services.store.connection, services.secretBox);
      expect(keys.map((key) => key.kid)[0]).toBe(rotated.kid);
      expect(keys).toHaveLength(2);
    });
  });
});

describe('rotateSigningKey', () => {
  test('rotations at the same moment all land, newest first, none lost', async () => {
    await withDatabase(async (services) => {
      const first = (await loadSigningKeys(services.store.connection, services.secretBox)).keys[0]!.kid;
      const rotated = await Promise.all([1, 2, 3].map(() => rotateSigningKey(services.store.connection, services.secretBox)));
      const kids = (await loadSigningKeys(services.store.connection, services.secretBox)).keys.map((key) => key.kid);
      expect(kids).toHaveLength(4);
      expect(kids.slice(0, 3).toSorted()).toEqual(rotated.map((result) => result.kid).toSorted());
      expect(kids[3]).toBe(first);
      expect(rotated.map((result) => result.keys).toSorted()).toEqual([2, 3, 4]);
    });
  });
});

describe('usage and errors', () => {
  test('--help lists the commands; an unknown command or option is a usage error', async () => {
    const help = await gatehouse(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['import', 'export', 'client', 'person', 'keys']) expect(help.stdout).toContain(command);
    const unknown = await gatehouse(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    expect((await gatehouse(['import'])).code).toBe(2);
  });

  test('an unreadable or malformed document exits 1 with a sentence naming it', async () => {
    const missing = await gatehouse(['import', join(work.path, 'missing.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(`${join(work.path, 'missing.json')}: no such file.`);
    const malformed = await gatehouse(['import', '-', '--json'], { input: '{"persons": [' });
    expect(malformed.code).toBe(1);
    expect(JSON.parse(malformed.stdout).error).toMatch(/^standard input: not valid JSON/);
    const notObject = await gatehouse(['import', '-'], { input: '[]' });
    expect(notObject.code).toBe(1);
    expect(notObject.stderr).toContain('(document): a JSON object');
  });

  test('a bad configuration exits 1 naming the key, without a stack trace', async () => {
    const result = await gatehouse(['person', 'list'], { env: { MONGODB_URI: 'http://not-mongo' } });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('Configuration MONGODB_URI must be a mongodb:// or mongodb+srv:// connection string; got (hidden).');
  });

  test('the command file is executable and runs through its shebang', async () => {
    const result = await new Promise<CliResult>((done) => {
      const child = spawn(cli, ['--help'], { env: { ...process.env, PATH: `${resolve('node_modules/.bin')}:${process.env.PATH}` } });
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.on('close', (code) => done({ code: code ?? -1, stdout, stderr: '' }));
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: gatehouse');
  });
});
