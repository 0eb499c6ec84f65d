import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedDatabaseMarker } from '../../src/store/embedded/embeddedDatabasePaths.ts';
import { startTestGatehouse } from './testGatehouse.ts';

/**
 * A running Gatehouse on an embedded database of its own (a fresh DATA_DIR), as `npm start`
 * runs it: the server starts FerretDB itself, so a test can kill or freeze that child.
 */
export async function startEmbeddedGatehouse(options: { logLevel?: string } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-embedded-'));
  const gatehouse = await startTestGatehouse({ ...(options.logLevel ? { logLevel: options.logLevel } : {}), config: { mongodbUri: undefined, dataDir } });
  const marker = () => JSON.parse(readFileSync(embeddedDatabaseMarker(dataDir), 'utf8')) as { pid: number; uri: string };
  return {
    ...gatehouse,
    dataDir,
    /** The PID of the FerretDB process serving the data directory now (from its marker). */
    databasePid(): number {
      return marker().pid;
    },
    /** Its mongodb:// URI, the same across restarts. */
    databaseUri(): string {
      return marker().uri;
    },
    async stopAndRemove() {
      await gatehouse.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
