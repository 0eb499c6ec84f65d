import { cliWorkDir, newDatabase, runGatehouse, runGatehouseJson, withDatabase, type Database } from '../support/gatehouseCli.ts';

let work: ReturnType<typeof cliWorkDir>;
let db: Database;

beforeAll(async () => {
  work = cliWorkDir();
  db = newDatabase();
  await gatehouseJson(['class', 'add', 'TOTP', '--text', 'USE TOTP IN MFA', '--device', 'E', '--factor', 'MFA:TOTP=1']);
  await gatehouseJson(['ipgroup', 'add', 'OFFICE', '--range', '10.0.0.0/8']);
});
afterAll(() => work.remove());

const gatehouse = (args: string[], input?: string) => runGatehouse(work.path, db, args, { input });
const gatehouseJson = (args: string[]) => runGatehouseJson(work.path, db, args);

/** Every "Modify Person" field as CLI options, and the JSON fields they set. */
const everyField: [string, string, string][] = [
  ['--user-id', 'PEPE', 'default_user_id'],
  ['--class', 'totp', 'class'],
  ['--ip-group', 'office', 'ip_group'],
  ['--external-id', 'HR-5555', 'external_id'],
  ['--id-number', '555', 'id_number'],
  ['--birth-date', '2001-01-01', 'birth_date'],
  ['--cell-phone', '444444444', 'cell_phone'],
  ['--email', 'pepe@example.com', 'email'],
  ['--employee-number', '5555', 'employee_number'],
  ['--family-name', 'CUEVAS', 'family_name'],
  ['--first-name', 'PEPINO', 'first_name'],
  ['--language', 'ENG', 'preferred_language'],
  ['--office-phone', '+34 91 000 0000', 'office_phone'],
];

test('person add with every field, show, update (and clear), plan, rename, delete — each audited with the CLI user', async () => {
  const added = await gatehouseJson(['person', 'add', 'PEPE', ...everyField.flatMap(([flag, value]) => [flag, value]), '--user-ids', 'pepe.cuevas,pc']);
  const expected = Object.fromEntries(everyField.map(([, value, field]) => [field, value]));
  expect(added).toMatchObject({ ...expected, class: 'TOTP', ip_group: 'OFFICE', user_ids: ['pepe.cuevas', 'pc'] });
  expect(await gatehouseJson(['person', 'show', 'pepe'])).toEqual(added);
  const screen = (await gatehouse(['person', 'show', 'PEPE'])).stdout;
  expect(screen).toMatch(/Cell phone\s+444444444/);
  expect(screen).toMatch(/Class\s+TOTP/);

  const updated = await gatehouseJson(['person', 'update', 'PEPE', '--ip-group', '', '--class', '*NEVER', '--disable']);
  expect(updated.ip_group).toBeUndefined();
  expect(updated).toMatchObject({ class: '*NEVER', enabled: false, cell_phone: '444444444' });
  const refused = await gatehouse(['person', 'update', 'PEPE', '--birth-date', '010101']);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('birth_date: a date as YYYY-MM-DD');
  expect((await gatehouseJson(['person', 'show', 'PEPE'])).birth_date).toBe('2001-01-01');

  const plan = await gatehouse(['person', 'plan', 'PEPE']);
  expect(plan.stdout).toContain('class *NEVER');
  expect(plan.stdout).toContain('Second factor: not required');
  await gatehouseJson(['person', 'update', 'PEPE', '--class', 'TOTP', '--enable']);
  const totpPlan = await gatehouseJson(['person', 'plan', 'PEPE', '--context', 'MFA']);
  expect(totpPlan).toMatchObject({ context: 'MFA', secondFactorRequired: true, denied: { reason: 'no-usable-factor' } });
  expect(totpPlan.skipped).toEqual([expect.objectContaining({ factor: 'TOTP', reason: 'no-active-key' })]);
  expect((await gatehouse(['person', 'plan', 'PEPE', '--context', 'XYZ'])).stderr).toContain('context: one of MFA, AOD, P-R');

  const renamed = await gatehouseJson(['person', 'rename', 'PEPE', 'PEPITO']);
  expect(renamed.sub).toBe(added.sub);
  const notConfirmed = await gatehouse(['person', 'delete', 'PEPITO']);
  expect(notConfirmed.code).toBe(2);
  await withDatabase(db, async (services) => expect((await services.persons.show('PEPITO')).sub).toBe(added.sub));
  await gatehouseJson(['person', 'delete', 'PEPITO', '--yes']);
  await withDatabase(db, async (services) => expect((await services.persons.list()).items).toEqual([]));

  const audit = await gatehouseJson(['audit', '--entity', 'person', '--id', added.sub]);
  expect(audit.map((entry: { action: string }) => entry.action)).toEqual(['delete', 'rename', 'update', 'update', 'create']);
  expect(audit.every((entry: { actor: { kind: string } }) => entry.actor.kind === 'cli')).toBe(true);
  expect((await gatehouse(['audit', '--limit', '3'])).stdout).toMatch(/cli:\S+\s+delete\s+person PEPITO/);
});

test('person list filters and pages', async () => {
  for (const name of ['ANA', 'BEA', 'CARLA']) await gatehouseJson(['person', 'add', name, '--family-name', 'Lopez', '--class', '*NEVER']);
  await gatehouseJson(['person', 'add', 'DIEGO', '--class', 'TOTP', '--user-id', 'dgo']);
  const page = await gatehouseJson(['person', 'list', '--text', 'lopez', '--page', '2', '--page-size', '2']);
  expect(page).toMatchObject({ total: 3, page: 2, page_size: 2 });
  expect(page.items.map((p: { name: string }) => p.name)).toEqual(['CARLA']);
  expect((await gatehouseJson(['person', 'list', '--mfa', 'Y'])).items.map((p: { name: string }) => p.name)).toEqual(['DIEGO']);
  expect((await gatehouseJson(['person', 'list', '--user-id', 'DGO'])).items.map((p: { name: string }) => p.name)).toEqual(['DIEGO']);
  const bad = await gatehouse(['person', 'list', '--totp', 'maybe']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--totp: Y or N');
});
