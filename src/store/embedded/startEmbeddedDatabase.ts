import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Logger } from 'pino';
import { buildEmbeddedDatabase } from './buildEmbeddedDatabase.ts';
import { embeddedDatabaseBinary, embeddedDatabaseFiles, embeddedDatabaseMarker } from './embeddedDatabasePaths.ts';

export type EmbeddedDatabase = {
  /** mongodb://127.0.0.1:PORT/ — without a database name. */
  uri: string;
  stop(): Promise<void>;
};

type Marker = { pid: number; uri: string };

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
 * With `advertise`, a marker file lets the CLI find it while it runs.
 */
export async function startEmbeddedDatabase(options: {
  dataDir: string;
  logger: Logger;
  port?: number;
  advertise?: boolean;
}): Promise<EmbeddedDatabase> {
  const { dataDir, logger } = options;
  buildEmbeddedDatabase((line) => logger.info(line));
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  const child = spawn(
    embeddedDatabaseBinary,
    ['-listen', `127.0.0.1:${options.port ?? 0}`, '-data', embeddedDatabaseFiles(dataDir), '-log-level', 'error'],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  forwardLogs(child, logger);

  const uri = await waitForReady(child);
  const marker = embeddedDatabaseMarker(dataDir);
  if (options.advertise) {
    writeFileSync(marker, JSON.stringify({ pid: child.pid!, uri } satisfies Marker), { mode: 0o600 });
  }
  logger.info({ uri }, 'embedded database started');

  let stopped: Promise<void> | undefined;
  return {
    uri,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (options.advertise) rmSync(marker, { force: true });
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      return stopped;
    },
  };
}

function waitForReady(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('The embedded database did not start within 60 seconds.'));
    }, 60_000);
    lines.on('line', (line) => {
      const match = /^READY (mongodb:\/\/\S+)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`The embedded database could not be started: ${error.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The embedded database exited during start (exit code ${code}); see the log above.`));
    });
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
