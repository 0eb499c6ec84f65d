import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import { buildEmbeddedDatabase } from './buildEmbeddedDatabase.ts';
import { embeddedDatabaseBinary, embeddedDatabaseFiles, embeddedDatabaseMarker } from './embeddedDatabasePaths.ts';

export type EmbeddedDatabase = {
  /** mongodb://127.0.0.1:PORT/ — without a database name. The same across restarts. */
  uri: string;
  /** Writes the marker that lets the CLI and other instances find this database (again after each restart). */
  advertise(): void;
  stop(): Promise<void>;
};

type Marker = { pid: number; uri: string };

/** SQLite's synchronous mode (WAL journal either way): `normal` syncs at checkpoints, `full` at every commit. */
export type EmbeddedDatabaseSynchronous = 'normal' | 'full';

/** Restart delays: doubling from the first to the last; back to the first once it stayed up a while. */
export const restartBackoff = { firstMs: 500, lastMs: 30_000, resetAfterMs: 60_000 };

/**
 * The embedded database already serving `dataDir` (started by a running server), if any.
 * Two processes must not open the same SQLite files through two FerretDB processes, since
 * each caches the list of collections; the CLI and extra instances reuse the running one.
 */
export function findRunningEmbeddedDatabase(dataDir: string): string | undefined {
  let marker: Marker;
  try {
    marker = JSON.parse(readFileSync(embeddedDatabaseMarker(dataDir), 'utf8')) as Marker;
    process.kill(marker.pid, 0);
  } catch {
    return undefined;
  }
  return marker.uri;
}

/**
 * Starts FerretDB on 127.0.0.1 (a free port unless `port` is given) with its files under
 * `dataDir`. The child exits when this process does: it watches its standard input.
 * When it exits otherwise (killed, crashed), it is started again on the same port, so the
 * URI stays valid and the driver reconnects by itself; each restart is logged. The caller
 * must hold the data directory's lock (lockDataDirectory.ts). `synchronous` defaults to
 * `normal` (EMBEDDED_DATABASE_SYNCHRONOUS in config/schema.ts says what it risks).
 */
export async function startEmbeddedDatabase(options: {
  dataDir: string;
  logger: Logger;
  port?: number;
  synchronous?: EmbeddedDatabaseSynchronous;
}): Promise<EmbeddedDatabase> {
  const { dataDir, logger } = options;
  const spawnOn = (port: number) => spawnDatabase(dataDir, port, options.synchronous ?? 'normal', logger);
  buildEmbeddedDatabase((line) => logger.info(line));
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  let child = spawnOn(options.port ?? 0);
  const uri = await waitForReady(child);
  // Later starts must listen where the driver already points.
  const port = Number(new URL(uri).port);
  const marker = embeddedDatabaseMarker(dataDir);
  let advertised = false;
  let stopping = false;
  let upSince = Date.now();
  let delayMs = restartBackoff.firstMs;
  let restartTimer: NodeJS.Timeout | undefined;
  const writeMarker = () => writeFileSync(marker, JSON.stringify({ pid: child.pid!, uri } satisfies Marker), { mode: 0o600 });

  const scheduleRestart = () => {
    restartTimer = setTimeout(() => void restart(), delayMs);
    restartTimer.unref();
    delayMs = Math.min(delayMs * 2, restartBackoff.lastMs);
  };
  const supervise = (running: ChildProcess) => {
    running.once('exit', (code, signal) => {
      if (stopping) return;
      if (Date.now() - upSince >= restartBackoff.resetAfterMs) delayMs = restartBackoff.firstMs;
      logger.error({ pid: running.pid, exitCode: code, signal, restartInMs: delayMs }, 'the embedded database exited; restarting it');
      scheduleRestart();
    });
  };
  const restart = async () => {
    if (stopping) return;
    const next = spawnOn(port);
    child = next;
    try {
      await waitForReady(next);
    } catch (error) {
      if (stopping) return;
      logger.error({ reason: (error as Error).message, restartInMs: delayMs }, 'restarting the embedded database failed; trying again');
      scheduleRestart();
      return;
    }
    if (stopping) return void next.kill('SIGTERM');
    upSince = Date.now();
    supervise(next);
    if (advertised) writeMarker();
    logger.warn({ uri, pid: next.pid }, 'embedded database restarted');
  };
  supervise(child);
  logger.info({ uri }, 'embedded database started');

  let stopped: Promise<void> | undefined;
  return {
    uri,
    advertise() {
      advertised = true;
      writeMarker();
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        stopping = true;
        clearTimeout(restartTimer);
        if (advertised) rmSync(marker, { force: true });
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      return stopped;
    },
  };
}

function spawnDatabase(dataDir: string, port: number, synchronous: EmbeddedDatabaseSynchronous, logger: Logger): ChildProcess {
  const args = ['-listen', `127.0.0.1:${port}`, '-data', embeddedDatabaseFiles(dataDir), '-log-level', 'error', '-synchronous', synchronous];
  const child = spawn(embeddedDatabaseBinary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  forwardLogs(child, logger);
  child.on('error', (error) => logger.error({ reason: error.message }, 'the embedded database process failed'));
  return child;
}

function waitForReady(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('The embedded database did not start within 60 seconds.'));
    }, 60_000);
    const exited = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`The embedded database exited during start (exit code ${code}); see the log above.`));
    };
    lines.on('line', (line) => {
      const match = /^READY (mongodb:\/\/\S+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        child.off('exit', exited);
        resolve(match[1]!);
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`The embedded database could not be started: ${error.message}`));
    });
    child.once('exit', exited);
  });
}

function forwardLogs(child: ChildProcess, logger: Logger): void {
  createInterface({ input: child.stderr! }).on('line', (line) => {
    let entry: { level?: string; msg?: string } = {};
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      entry = { level: 'ERROR', msg: line };
    }
    logger.error({ component: 'embedded-database' }, entry.msg ?? line);
  });
}
