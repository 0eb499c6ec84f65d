import type { Logger } from 'pino';
import { GatehouseError } from '../../errors/GatehouseError.ts';
import { tryLockDataDirectory, type DataDirectoryLock } from './lockDataDirectory.ts';
import { findRunningEmbeddedDatabase } from './startEmbeddedDatabase.ts';

/** Another process holds the data directory and did not offer its database in time. */
export class DataDirectoryBusyError extends GatehouseError {
  constructor(dataDir: string, pid: number | undefined, waitSeconds: number) {
    const holder = pid === undefined ? 'another process' : `process ${pid}`;
    super(
      `The data directory ${dataDir} is in use by ${holder}, which did not offer its embedded database within ${waitSeconds} s ` +
        '(a server still starting, or another gatehouse command). Try again once it has started or finished, or stop it; ' +
        'EMBEDDED_DATABASE_WAIT_SECONDS sets how long to wait.',
      { status: 503, expose: true },
    );
  }
}

const pollMs = 200;

/**
 * Decides who serves the embedded database of `dataDir`: the one a running server
 * advertises (`running`, its URI), or this process, which then holds the directory's lock
 * (`lock`) and starts it. While another live process holds the lock without advertising a
 * database (a server still starting, or a command running on a database of its own), it
 * waits up to `waitSeconds`, then refuses naming that process.
 */
export async function claimEmbeddedDatabase(
  dataDir: string,
  { waitSeconds, logger }: { waitSeconds: number; logger: Logger },
): Promise<{ running: string } | { lock: DataDirectoryLock }> {
  const deadline = Date.now() + waitSeconds * 1000;
  let told = false;
  for (;;) {
    const running = findRunningEmbeddedDatabase(dataDir);
    if (running) return { running };
    const attempt = tryLockDataDirectory(dataDir);
    if ('lock' in attempt) return attempt;
    if (Date.now() >= deadline) throw new DataDirectoryBusyError(dataDir, attempt.heldBy, waitSeconds);
    if (!told) {
      logger.warn({ dataDir, pid: attempt.heldBy, waitSeconds }, 'the data directory is in use by another process; waiting for its embedded database');
      told = true;
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
