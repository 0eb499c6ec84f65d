import { callAdminApi, clientCredentialsToken } from '../support/adminApi.ts';
import { cliWorkDir, runGatehouse, type Database } from '../support/gatehouseCli.ts';
import { openTestServices, startTestGatehouse } from '../support/testGatehouse.ts';

// The README's way in: `gatehouse client add --admin-api`, a client-credentials token, a call.

let gatehouse: Awaited<ReturnType<typeof startTestGatehouse>>;
let services: Awaited<ReturnType<typeof openTestServices>>;
let workDir: ReturnType<typeof cliWorkDir>;
let database: Database;

beforeAll(async () => {
  workDir = cliWorkDir();
  gatehouse = await startTestGatehouse();
  services = await openTestServices(gatehouse.config);
  database = { MONGODB_URI: gatehouse.config.mongodbUri!, MASTER_KEY: gatehouse.config.masterKey! };
});

afterAll(async () => {
  await services?.store.close();
  await gatehouse?.stop();
  workDir?.remove();
});

/** The real `gatehouse` command, on the database of the running test Gatehouse. */
const gatehouseCli = (args: string[]) => runGatehouse(workDir.path, database, args);

test('client add --admin-api registers a client-credentials client whose token may call the API', async () => {
  const added = await gatehouseCli(['client', 'add', '--admin-api', '--id', 'ops-script', '--name', 'Ops script']);
  expect(added.code).toBe(0);
  expect(added.stdout).toContain('It may call the admin API');
  const secret = /client_secret:\s+(\S+)/.exec(added.stdout)![1]!;
  expect((await services.clients.list()).find((client) => client.client_id === 'ops-script')).toMatchObject({ admin_api: true, grant_types: ['client_credentials'], redirect_uris: [] });

  const { access_token: token } = await clientCredentialsToken(gatehouse.issuer, 'ops-script', secret, 'admin');
  const created = await callAdminApi(gatehouse.issuer, '/persons', { token, method: 'POST', body: { name: 'FROM_SCRIPT' } });
  expect(created.status).toBe(201);
  expect((await services.persons.show('FROM_SCRIPT')).sub).toBe(created.body.sub);

  const [registered] = await services.audit.list({ entity: 'client', entityId: 'ops-script' });
  expect(registered!.actor.kind).toBe('cli');
});

test('--admin-api is refused for a public client or one without client credentials, naming the field', async () => {
  const publicClient = await gatehouseCli(['client', 'add', '--admin-api', '--public', '--json']);
  expect(publicClient.code).toBe(1);
  expect(JSON.parse(publicClient.stdout).error).toMatch(/^(admin_api|grant_types): /);
  const codeOnly = await gatehouseCli(['client', 'add', '--admin-api', '--grant-types', 'authorization_code', '--redirect-uri', 'https://app.example.com/cb', '--json']);
  expect(codeOnly.code).toBe(1);
  expect(JSON.parse(codeOnly.stdout).error).toMatch(/^admin_api: /);
  // Besides the account page's and the admin view's own clients, registered at start.
  expect((await services.clients.list()).map((client) => client.client_id)).toEqual(['gatehouse-account', 'gatehouse-admin', 'ops-script']);
});
