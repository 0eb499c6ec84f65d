import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging/createLogger.ts';
import { embeddedDatabaseMarker } from '../../src/store/embedded/embeddedDatabasePaths.ts';
import { startGatehouse } from '../../src/startGatehouse.ts';
import { freePort, newMasterKey, testConfig } from './testGatehouse.ts';

/**
 * A running Gatehouse on an embedded database of its own (a fresh DATA_DIR), as `npm start`
 * runs it: the server starts FerretDB itself, so a test can kill or freeze that child. Its
 * log (warn and above) is kept, parsed, in `logLines`.
 */
export async function startEmbeddedGatehouse() {
  const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-embedded-'));
  const port = await freePort();
  const config = testConfig({ mongodbUri: undefined, masterKey: newMasterKey(), port, dataDir, logLevel: 'warn' });
  const logLines: { level: number; msg: string; [key: string]: unknown }[] = [];
  const log = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  const gatehouse = await startGatehouse(config, createLogger('warn', log));
  const marker = () => JSON.parse(readFileSync(embeddedDatabaseMarker(dataDir), 'utf8')) as { pid: number; uri: string };
  return {
    ...gatehouse,
    config,
    issuer: config.issuer,
    dataDir,
    logLines,
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
