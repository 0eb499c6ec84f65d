import { personModel } from '../../src/store/models/personModel.ts';
import { cliWorkDir, newDatabase, runGatehouse, runGatehouseJson, withDatabase, type Database } from '../support/gatehouseCli.ts';

let work: ReturnType<typeof cliWorkDir>;
let db: Database;
let sub: string;
const rule = { maxRetries: 3, waitSeconds: 999 };

const gatehouse = (args: string[]) => runGatehouse(work.path, db, args);
const gatehouseJson = (args: string[]) => runGatehouseJson(work.path, db, args);

beforeAll(async () => {
  work = cliWorkDir();
  db = newDatabase();
  await gatehouseJson(['class', 'add', 'TOTPLOCK', '--device', 'S', '--factor', 'MFA:TOTP=1', '--retries', '3', '--wait', '999']);
  sub = (await gatehouseJson(['person', 'add', 'PEPE', '--class', 'TOTPLOCK'])).sub;
  // A registered TOTP key, as the TOTP factor keeps it on the person; then three wrong codes.
  await withDatabase(db, async (services) => {
    await personModel(services.store.connection).collection.updateOne({ _id: sub as never }, { $set: { totp: { state: 'active' } } });
    for (let i = 0; i < 3; i++) await services.attempts.recordFailure(sub, 'TOTP', rule);
    await services.attempts.recordFailure(sub, 'OTP', rule);
  });
});
afterAll(() => work.remove());

test('person plan shows the locked TOTP; person unlock --factor TOTP lifts it, audited with the CLI user', async () => {
  const locked = await gatehouse(['person', 'plan', 'PEPE']);
  expect(locked.code).toBe(0);
  expect(locked.stdout).toContain('Skipped: TOTP (priority 1) — locked after too many failures until an administrator unlocks it');
  expect(locked.stdout).toContain('Denied: locked until an administrator unlocks');
  const plan = await gatehouseJson(['person', 'plan', 'PEPE']);
  expect(plan.challenge).toBeUndefined();
  expect(plan.denied).toMatchObject({ reason: 'locked' });

  const unlocked = await gatehouse(['person', 'unlock', 'pepe', '--factor', 'totp']);
  expect(unlocked).toMatchObject({ code: 0, stderr: '' });
  expect(unlocked.stdout).toBe('Unlocked TOTP of "PEPE" (1 lock(s) for an administrator and 3 failure(s) cleared).\n');
  expect(await gatehouseJson(['person', 'plan', 'PEPE'])).toMatchObject({ challenge: { factor: 'TOTP' } });

  const entries = await withDatabase(db, (services) => services.audit.list({ entity: 'person', entityId: sub }));
  expect(entries[0]).toMatchObject({ action: 'unlock', actor: { kind: 'cli' }, after: { name: 'PEPE', factor: 'TOTP', locks_cleared: 1, failures_cleared: 3 } });
  // The OTP failure was not cleared by the TOTP unlock.
  expect(await withDatabase(db, (services) => services.attempts.status(sub, 'OTP', rule))).toEqual({ locked: false, failures: 1, remaining: 2 });
});

test('person unlock without --factor clears every factor; --json gives the counts', async () => {
  expect(await gatehouseJson(['person', 'unlock', 'PEPE'])).toEqual({ name: 'PEPE', sub, factor: 'all', locks_cleared: 0, failures_cleared: 1 });
  expect(await withDatabase(db, (services) => services.attempts.status(sub, 'OTP', rule))).toEqual({ locked: false, failures: 0, remaining: 3 });
});

test('person unlock refuses an unknown factor or person', async () => {
  const badFactor = await gatehouse(['person', 'unlock', 'PEPE', '--factor', 'Radius']);
  expect(badFactor.code).toBe(1);
  expect(badFactor.stderr).toContain('factor: one of TOTP, OTP, Qstn, DeviceAuth, password');
  const nobody = await gatehouse(['person', 'unlock', 'NOBODY']);
  expect(nobody.code).toBe(1);
  expect(nobody.stderr).toContain('There is no person "NOBODY"');
});

test('a lock of a few seconds is shown to the second in person plan, not rounded up to the minute', async () => {
  await gatehouseJson(['class', 'add', 'SHORTLOCK', '--device', 'S', '--factor', 'MFA:TOTP=1', '--retries', '3', '--wait', '20']);
  const anaSub = (await gatehouseJson(['person', 'add', 'ANA', '--class', 'SHORTLOCK'])).sub as string;
  await withDatabase(db, async (services) => {
    await personModel(services.store.connection).collection.updateOne({ _id: anaSub as never }, { $set: { totp: { state: 'active' } } });
    for (let i = 0; i < 3; i++) await services.attempts.recordFailure(anaSub, 'TOTP', { maxRetries: 3, waitSeconds: 20 });
  });
  const planned = await gatehouse(['person', 'plan', 'ANA']);
  expect(planned.code).toBe(0);
  const denied = planned.stdout.split('\n').find((line) => line.startsWith('Denied:'));
  expect(denied).toMatch(/^Denied: locked until \S+ — the person sees "Too many failed attempts\. Try again in \d+ seconds?\."$/);
  const seconds = /in (\d+) second/.exec(denied!)![1];
  expect(Number(seconds)).toBeGreaterThanOrEqual(1);
  expect(Number(seconds)).toBeLessThanOrEqual(20);
});
