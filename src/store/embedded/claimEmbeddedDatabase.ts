import { rmSync } from 'node:fs';
import type { Logger } from 'pino';
import { GatehouseError } from '../../errors/GatehouseError.ts';
import { dataDirectoryLockFile, tryLockDataDirectory, type DataDirectoryLock } from './lockDataDirectory.ts';
import { embeddedDatabaseMarker } from './embeddedDatabasePaths.ts';
import { findRunningEmbeddedDatabase } from './startEmbeddedDatabase.ts';

/** Another process holds the data directory and did not offer its database in time. */
export class DataDirectoryBusyError extends GatehouseError {
  constructor(dataDir: string, pid: number | undefined, waitSeconds: number) {
    const holder = pid === undefined ? 'another process' : `process ${pid}`;
    super(
      `The data directory ${dataDir} is in use by ${holder}, which did not offer its embedded database within ${waitSeconds} s ` +
        '(a server still starting, or another gatehouse command). Try again once it has started or finished, or stop it ' +
        `(if it is not Gatehouse at all, remove ${dataDirectoryLockFile(dataDir)}); EMBEDDED_DATABASE_WAIT_SECONDS sets how long to wait.`,
      { status: 503, expose: true },
    );
  }
}

const pollMs = 200;
const orphanExitWithinMs = 5_000;

/**
 * A server killed outright leaves its marker, and its FerretDB child for the moment the
 * child takes to see its standard input close. Starting another one on the same files
 * before it is gone is what must never happen, so wait for it (never signal it: after a
 * while the PID may belong to an unrelated process), then drop the marker.
 */
async function outliveOrphan(dataDir: string, logger: Logger): Promise<void> {
  const deadline = Date.now() + orphanExitWithinMs;
  let told = false;
  while (findRunningEmbeddedDatabase(dataDir) && Date.now() < deadline) {
    if (!told) logger.warn({ dataDir }, 'waiting for the embedded database of a stopped server to exit');
    told = true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  rmSync(embeddedDatabaseMarker(dataDir), { force: true });
}

/**
 * Decides who serves the embedded database of `dataDir`: this process, which then holds
 * the directory's lock (`lock`) and starts it, or the one the lock holder, a running
 * server, advertises (`running`, its URI). While another live process holds the lock
 * without advertising a database (a server still starting, or a command running on a
 * database of its own), it waits up to `waitSeconds`, then refuses naming that process.
 */
export async function claimEmbeddedDatabase(
  dataDir: string,
  { waitSeconds, logger }: { waitSeconds: number; logger: Logger },
): Promise<{ running: string } | { lock: DataDirectoryLock }> {
  const deadline = Date.now() + waitSeconds * 1000;
  let told = false;
  for (;;) {
    // The lock first: a database advertised by a process that no longer holds it is an orphan.
    const attempt = tryLockDataDirectory(dataDir);
    if ('lock' in attempt) {
      await outliveOrphan(dataDir, logger);
      return attempt;
    }
    const running = findRunningEmbeddedDatabase(dataDir);
    if (running) return { running };
    if (Date.now() >= deadline) throw new DataDirectoryBusyError(dataDir, attempt.heldBy, waitSeconds);
    if (!told) {
      logger.warn({ dataDir, pid: attempt.heldBy, waitSeconds }, 'the data directory is in use by another process; waiting for its embedded database');
      told = true;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
