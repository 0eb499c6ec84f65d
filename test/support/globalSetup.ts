import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/logging/createLogger.ts';
import { startEmbeddedDatabase } from '../../src/store/embedded/startEmbeddedDatabase.ts';

/**
 * One database server for the whole run: MONGODB_URI when set (its database name is
 * replaced per test file), otherwise the embedded database in a temporary directory on a
 * free port. Test files read GATEHOUSE_TEST_MONGODB_URI (a server URI ending in "/").
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) {
    const url = new URL(process.env.MONGODB_URI);
    url.pathname = '/';
    process.env.GATEHOUSE_TEST_MONGODB_URI = url.toString();
    return;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-test-db-'));
  const database = await startEmbeddedDatabase({ dataDir, logger: createLogger('error') });
  (globalThis as Record<string, unknown>).__gatehouseTestDatabase = database;
  process.env.GATEHOUSE_TEST_MONGODB_URI = database.uri;
  process.env.GATEHOUSE_TEST_DATA_DIR = dataDir;
}
