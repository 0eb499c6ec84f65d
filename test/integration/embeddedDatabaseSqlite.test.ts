import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { MongoClient } from 'mongodb';
import { embeddedDatabaseBinary } from '../../src/store/embedded/embeddedDatabasePaths.ts';

// The embedded database's own SQLite files, read beside it: `_id` lookups use an index
// (FerretDB's own `_id` index is on another expression than its queries compare, so they
// scanned), and the synchronous mode asked for is the one FerretDB's connections run with.
// This starts the Go program directly (its debug log says what each connection runs with).

type Running = { child: ChildProcess; uri: string; logs: string[]; stop: () => Promise<void> };

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function startDatabase(dir: string, ...flags: string[]): Promise<Running> {
  const child = spawn(embeddedDatabaseBinary, ['-data', dir, '-log-level', 'debug', ...flags], { stdio: ['pipe', 'pipe', 'pipe'] });
  const logs: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => logs.push(line));
  const uri = await new Promise<string>((resolve, reject) => {
    child.once('close', (code) => reject(new Error(`exited ${code}: ${logs.join('\n')}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^READY (\S+)$/.exec(line);
      if (match) resolve(match[1]!);
    });
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.stdin!.end();
    });
  return { child, uri, logs, stop };
}

function tableOf(file: string, collection: string): string {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const row = db.prepare('SELECT table_name FROM _ferretdb_collections WHERE name = ?').get(collection) as { table_name: string };
    return row.table_name;
  } finally {
    db.close();
  }
}

/** SQLite's plan for the very statement FerretDB sends for `find({_id: "b"})` (collection.go). */
function planOfIdLookup(file: string, table: string): string {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const rows = db.prepare(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM "${table}" WHERE _ferretdb_sjson->'$._id' = ?`).all('"b"') as { detail: string }[];
    return rows.map((row) => row.detail).join('; ');
  } finally {
    db.close();
  }
}

async function eventually(check: () => boolean, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!check() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

function connectionPragmas(logs: string[]): { journal_mode: string; synchronous: string }[] {
  const entries = logs.flatMap((line) => {
    try {
      return [JSON.parse(line) as { msg?: string; journal_mode: string; synchronous: string }];
    } catch {
      return [];
    }
  });
  return entries.filter((entry) => entry.msg === 'sqlite connection');
}

test('a collection created after the start gets an index that its `_id` lookups use', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-sqlite-'));
  dirs.push(dir);
  const database = await startDatabase(dir, '-index-every', '200ms');
  const client = await MongoClient.connect(database.uri);
  try {
    const things = client.db('probe').collection<{ _id: string; n: number }>('things');
    await things.insertMany([{ _id: 'a', n: 1 }, { _id: 'b', n: 2 }]);
    const file = join(dir, 'probe.sqlite');
    const table = tableOf(file, 'things');
    await eventually(() => planOfIdLookup(file, table).includes('USING INDEX'), 5_000);
    expect(planOfIdLookup(file, table)).toMatch(/SEARCH .* USING INDEX/);
    // Invisible to MongoDB clients, and it changes no answer.
    expect((await things.indexes()).map((index) => index.name)).toEqual(['_id_']);
    expect(await things.findOne({ _id: 'b' })).toEqual({ _id: 'b', n: 2 });
    await expect(things.insertOne({ _id: 'b', n: 3 })).rejects.toMatchObject({ code: 11000 });
  } finally {
    await client.close();
    await database.stop();
  }
});

test('collections of an earlier run are indexed before the database says READY', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-sqlite-'));
  dirs.push(dir);
  // A sweep that never comes during the test: only the one at start can do it.
  let database = await startDatabase(dir, '-index-every', '1h');
  const client = await MongoClient.connect(database.uri);
  await client.db('probe').collection('things').insertOne({ _id: 'b' } as never);
  await client.close();
  await database.stop();
  const file = join(dir, 'probe.sqlite');
  const table = tableOf(file, 'things');
  expect(planOfIdLookup(file, table)).toMatch(/^SCAN/);

  database = await startDatabase(dir, '-index-every', '1h');
  try {
    expect(planOfIdLookup(file, table)).toMatch(/SEARCH .* USING INDEX/);
  } finally {
    await database.stop();
  }
});

test.each([
  ['normal', '1'],
  ['full', '2'],
])('-synchronous %s: FerretDB connections run in WAL mode with synchronous=%s', async (mode, expected) => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-sqlite-'));
  dirs.push(dir);
  const database = await startDatabase(dir, '-synchronous', mode);
  const client = await MongoClient.connect(database.uri);
  try {
    await client.db('probe').collection('things').insertOne({ _id: 'a' } as never);
  } finally {
    await client.close();
    await database.stop();
  }
  const seen = connectionPragmas(database.logs);
  expect(seen.length).toBeGreaterThan(0);
  expect(seen.every((entry) => entry.journal_mode === 'wal' && entry.synchronous === expected)).toBe(true);
});

test('the default is synchronous=NORMAL, and a mode other than normal or full is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-sqlite-'));
  dirs.push(dir);
  const database = await startDatabase(dir);
  const client = await MongoClient.connect(database.uri);
  await client.db('probe').collection('things').insertOne({ _id: 'a' } as never);
  await client.close();
  await database.stop();
  expect(connectionPragmas(database.logs).map((entry) => entry.synchronous)).toContain('1');
  await expect(startDatabase(dir, '-synchronous', 'off')).rejects.toThrow(/must be normal or full/);
});
