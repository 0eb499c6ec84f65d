import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cliWorkDir, runGatehouse, type Database } from '../support/gatehouseCli.ts';
import { newMasterKey, startTestGatehouse } from '../support/testGatehouse.ts';

// One embedded database per data directory, whoever starts first: the server, a CLI
// command, or several at once. The CLI's DATA_DIR is <workDir>/data (gatehouseCli.ts).

const node = resolve('node_modules/.bin/node');
const main = resolve('src/main.ts');

let workDir: ReturnType<typeof cliWorkDir>;
let database: Database;
let dataDir: string;
let sampler: ReturnType<typeof setInterval> | undefined;
let mostDatabasesAtOnce = 0;
const children: ChildProcess[] = [];

/** The FerretDB processes running on this data directory now. */
function databasesOn(directory: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let command: string[];
    try {
      command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (command[0]?.endsWith('gatehouse-ferretdb') && command.includes(join(directory, 'db'))) pids.push(Number(entry));
  }
  return pids;
}

/** Watches, every 20 ms, how many FerretDB processes serve the data directory at once. */
function countDatabases(): void {
  sampler = setInterval(() => {
    mostDatabasesAtOnce = Math.max(mostDatabasesAtOnce, databasesOn(dataDir).length);
  }, 20);
}

/** `npm start` as a child process on the data directory, on a free port. */
function startServer(): ChildProcess {
  const child = spawn(node, [main], {
    env: { ...process.env, ...database, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

function untilListening(child: ChildProcess): Promise<string> {
  return new Promise((done, fail) => {
    let output = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      const url = /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1];
      if (url && output.includes('Gatehouse is listening')) done(url);
    });
    child.once('exit', (code) => fail(new Error(`the server exited ${code} before listening:\n${output}`)));
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

beforeEach(() => {
  workDir = cliWorkDir();
  database = { MONGODB_URI: '', MASTER_KEY: newMasterKey() };
  dataDir = join(workDir.path, 'data');
  mostDatabasesAtOnce = 0;
});

afterEach(async () => {
  clearInterval(sampler);
  await Promise.all(children.splice(0).map(stopServer));
  workDir.remove();
});

test('a command on a data directory held by a live process that serves no database yet waits, then refuses naming that process', async () => {
  mkdirSync(dataDir, { recursive: true });
  // This test process stands for a server that has taken the directory and is still starting.
  writeFileSync(join(dataDir, 'lock'), JSON.stringify({ pid: process.pid }));
  const started = performance.now();
  const result = await runGatehouse(workDir.path, database, ['ipgroup', 'list'], { env: { EMBEDDED_DATABASE_WAIT_SECONDS: '2' } });
  const waited = performance.now() - started;
  expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 1, stdout: '' });
  expect(result.stderr).toContain(`process ${process.pid}`);
  expect(result.stderr).toContain(dataDir);
  expect(waited).toBeGreaterThan(2_000);
  // No second database was started on those files, and the lock is still this process's.
  expect(existsSync(join(dataDir, 'db'))).toBe(false);
  expect(JSON.parse(readFileSync(join(dataDir, 'lock'), 'utf8'))).toEqual({ pid: process.pid });
}, 60_000);

test('a command started together with the server on an empty data directory uses the server\'s database: never two, and the directory stays sound', async () => {
  countDatabases();
  const server = startServer();
  const [url, added] = await Promise.all([
    untilListening(server),
    runGatehouse(workDir.path, database, ['ipgroup', 'add', 'OFFICE', '--range', '10.0.0.0/8']),
  ]);
  // It may have waited for the server (a warning saying so), never failed.
  expect({ code: added.code, stderr: added.stderr }).toEqual({ code: 0, stderr: expect.not.stringMatching(/error|exists|no such table/i) });
  expect((await fetch(`${url}/readyz`)).status).toBe(200);
  expect(JSON.parse(readFileSync(join(dataDir, 'lock'), 'utf8'))).toEqual({ pid: server.pid });
  await stopServer(server);
  expect(existsSync(join(dataDir, 'lock'))).toBe(false);

  // The directory works after both: a command alone finds what was added.
  const listed = await runGatehouse(workDir.path, database, ['ipgroup', 'list', '--json']);
  expect({ code: listed.code, stderr: listed.stderr }).toEqual({ code: 0, stderr: '' });
  expect(JSON.parse(listed.stdout).map((group: { name: string }) => group.name)).toEqual(['OFFICE']);
  expect(mostDatabasesAtOnce).toBe(1);
}, 90_000);

test('commands started at once on an empty data directory take turns: never two databases, nothing lost', async () => {
  countDatabases();
  const names = ['A', 'B', 'C'];
  const results = await Promise.all(names.map((name) => runGatehouse(workDir.path, database, ['ipgroup', 'add', name, '--range', '10.0.0.0/8'])));
  for (const result of results) expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.not.stringMatching(/error|exists|no such table/i) });
  const listed = await runGatehouse(workDir.path, database, ['ipgroup', 'list', '--json']);
  expect(JSON.parse(listed.stdout).map((group: { name: string }) => group.name).toSorted()).toEqual(names);
  expect(mostDatabasesAtOnce).toBe(1);
  expect(existsSync(join(dataDir, 'lock'))).toBe(false);
}, 90_000);

test('after the server is killed outright, a command waits for its orphaned database to exit before starting one: never two', async () => {
  const server = startServer();
  await untilListening(server);
  // Its database, frozen for a while, outlives it for longer than the command takes to start.
  const orphan = (JSON.parse(readFileSync(join(dataDir, 'embedded-database.json'), 'utf8')) as { pid: number }).pid;
  process.kill(orphan, 'SIGSTOP');
  server.kill('SIGKILL');
  await new Promise((done) => server.once('exit', done));
  countDatabases();
  const resumeOrphan = () => {
    try {
      process.kill(orphan, 'SIGCONT');
    } catch {
      // Already gone.
    }
  };
  const resume = setTimeout(resumeOrphan, 3_000);
  let added;
  try {
    added = await runGatehouse(workDir.path, database, ['ipgroup', 'add', 'AFTER', '--range', '10.0.0.0/8'], { env: { LOG_LEVEL: 'warn' } });
  } finally {
    clearTimeout(resume);
    resumeOrphan();
  }
  expect(mostDatabasesAtOnce).toBe(1);
  expect({ code: added.code, stderr: added.stderr }).toEqual({ code: 0, stderr: expect.stringContaining('waiting for the embedded database of a stopped server to exit') });
  expect(databasesOn(dataDir)).toEqual([]);
}, 90_000);

test('a lock left by a process that is gone is taken over, and released on stop', async () => {
  mkdirSync(dataDir, { recursive: true });
  const gone = spawn(node, ['-e', '']);
  await new Promise((done) => gone.once('exit', done));
  writeFileSync(join(dataDir, 'lock'), JSON.stringify({ pid: gone.pid }));

  const gatehouse = await startTestGatehouse({ masterKey: database.MASTER_KEY, config: { mongodbUri: undefined, dataDir } });
  try {
    expect(JSON.parse(readFileSync(join(dataDir, 'lock'), 'utf8'))).toEqual({ pid: process.pid });
    expect((await fetch(`${gatehouse.url}/readyz`)).status).toBe(200);
  } finally {
    await gatehouse.stop();
  }
  expect(existsSync(join(dataDir, 'lock'))).toBe(false);
}, 60_000);
