/**
 * `node test/bench/idLookup.ts`: does `findOne({_id})` cost the same in a collection of
 * 1,000 documents as in one of 100,000? It starts the embedded database the way the tests
 * do (a temporary directory, a free port), or uses MONGODB_URI (a database of its own,
 * dropped at the end), fills one collection with documents shaped like persons (string
 * `_id`s), and times random `findOne({_id})` lookups and `updateOne({_id})` writes at each
 * size. Where the embedded database scans instead of using an index, the cost grows with
 * the collection. It prints a table and one `ID_LOOKUP {...}` JSON line.
 *
 * ID_LOOKUP_SIZES (1000,100000), ID_LOOKUP_LOOKUPS (2000 per size), ID_LOOKUP_SETTLE_MS
 * (7000: the time the embedded database is given to index a collection created moments
 * before, see src/store/embedded/ferretdb/idIndexes.go), ID_LOOKUP_SYNCHRONOUS (normal or
 * full, the embedded database's EMBEDDED_DATABASE_SYNCHRONOUS).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import { createLogger } from '../../src/logging/createLogger.ts';
import { startEmbeddedDatabase } from '../../src/store/embedded/startEmbeddedDatabase.ts';

const sizes = (process.env.ID_LOOKUP_SIZES ?? '1000,100000').split(',').map(Number);
const lookups = Number(process.env.ID_LOOKUP_LOOKUPS ?? 2000);
const settleMs = Number(process.env.ID_LOOKUP_SETTLE_MS ?? 7000);
const synchronous = process.env.ID_LOOKUP_SYNCHRONOUS === 'full' ? 'full' : 'normal';

type Row = { documents: number; findMedianMs: number; findP99Ms: number; findsPerSecond: number; updateMedianMs: number };

const idOf = (n: number) => `person-${String(n).padStart(7, '0')}`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

async function main(): Promise<void> {
  const cleanups: (() => Promise<void>)[] = [];
  let uri: string;
  const dbName = `gatehouse_id_lookup_${randomBytes(4).toString('hex')}`;
  if (process.env.MONGODB_URI) {
    const url = new URL(process.env.MONGODB_URI);
    url.pathname = '/';
    uri = url.toString();
  } else {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-id-lookup-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const database = await startEmbeddedDatabase({ dataDir, logger: createLogger('warn'), synchronous });
    cleanups.unshift(() => database.stop());
    uri = database.uri;
  }
  const client = await MongoClient.connect(uri);
  cleanups.unshift(async () => {
    if (process.env.MONGODB_URI) await client.db(dbName).dropDatabase();
    await client.close();
  });
  try {
    const collection = client.db(dbName).collection<{ _id: string; [key: string]: unknown }>('persons');
    const rows: Row[] = [];
    let count = 0;
    for (const size of sizes) {
      while (count < size) {
        const batch = [];
        for (let n = count; n < Math.min(size, count + 1000); n++) {
          batch.push({ _id: idOf(n), userId: `user${n}`, name: `Person ${n}`, email: `user${n}@example.com`, classId: 'staff', passwordHash: 'x'.repeat(97), createdAt: new Date() });
        }
        await collection.insertMany(batch, { ordered: false });
        count += batch.length;
      }
      // A collection that did not exist a moment ago gets its index from the embedded database's next sweep.
      await new Promise((resolve) => setTimeout(resolve, settleMs));
      const finds: number[] = [];
      const updates: number[] = [];
      for (let i = 0; i < lookups; i++) {
        const id = idOf(Math.floor(Math.random() * size));
        let started = performance.now();
        const found = await collection.findOne({ _id: id });
        finds.push(performance.now() - started);
        if (!found) throw new Error(`document ${id} not found`);
        if (i % 4 === 0) {
          started = performance.now();
          await collection.updateOne({ _id: id }, { $set: { seenAt: new Date() } });
          updates.push(performance.now() - started);
        }
      }
      finds.sort((a, b) => a - b);
      updates.sort((a, b) => a - b);
      const total = finds.reduce((sum, ms) => sum + ms, 0);
      rows.push({
        documents: size,
        findMedianMs: Number(percentile(finds, 50).toFixed(3)),
        findP99Ms: Number(percentile(finds, 99).toFixed(3)),
        findsPerSecond: Math.round((lookups * 1000) / total),
        updateMedianMs: Number(percentile(updates, 50).toFixed(3)),
      });
    }
    console.table(rows);
    console.log(`ID_LOOKUP ${JSON.stringify({ database: process.env.MONGODB_URI ? 'mongodb' : `embedded (synchronous ${synchronous})`, lookups, rows })}`);
  } finally {
    for (const cleanup of cleanups) await cleanup();
  }
}

await main();
