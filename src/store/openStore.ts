import mongoose, { type Connection, type ConnectOptions } from 'mongoose';
import type { Logger } from 'pino';
import type { Config } from '../configuration/loadConfig.ts';
import { claimEmbeddedDatabase } from './embedded/claimEmbeddedDatabase.ts';
import type { DataDirectoryLock } from './embedded/lockDataDirectory.ts';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded/startEmbeddedDatabase.ts';
import { ensureIndexes } from './ensureIndexes.ts';

export type Store = {
  connection: Connection;
  /** True when this process started the embedded database (and stops it on close). */
  ownsEmbeddedDatabase: boolean;
  close(): Promise<void>;
};

export const embeddedDatabaseName = 'gatehouse';

/**
 * How long an operation of the server may wait for the database before it fails, so that a request
 * answers 503 within a few seconds while the database is away instead of hanging: finding
 * a server (gone: refused at once; frozen: its monitor's hello times out), opening a
 * connection, an answer on a socket (a frozen server never answers). Failed operations are
 * not retried (a retry would double the wait; the client retries after Retry-After), and
 * commands are not queued while the driver is disconnected: they go to the driver, which
 * waits for a server at most `serverSelectionTimeoutMS`. oidc-provider's /auth may meet
 * the fault twice (it looks the client up again to word its error), so the worst request
 * waits about socketTimeoutMS + serverSelectionTimeoutMS. Options written in MONGODB_URI
 * take precedence.
 */
export const databaseTimeouts = {
  serverSelectionTimeoutMS: 1_000,
  connectTimeoutMS: 1_000,
  socketTimeoutMS: 2_000,
  heartbeatFrequencyMS: 2_000,
  retryReads: false,
  retryWrites: false,
} as const;

/**
 * A command (the CLI, seeding) answers no one waiting on a page: it waits out a restart of
 * the database and lets a long scan (a search, an export) take its time.
 */
export const commandTimeouts = { serverSelectionTimeoutMS: 10_000 } as const;

/** The first connection may wait longer: a database that is still starting is not a fault. */
const firstConnectionWithinMs = 10_000;

/**
 * Connects to MONGODB_URI, or else to the embedded database of DATA_DIR — the one a
 * running server already serves, or a new one started here under the directory's lock
 * (and stopped by close()). Collections and indexes are made by whoever started the
 * database, before advertising it, or on MONGODB_URI by each process.
 */
export async function openStore(
  config: Pick<Config, 'mongodbUri' | 'dataDir' | 'embeddedDatabaseWaitSeconds' | 'embeddedDatabaseSynchronous'>,
  logger: Logger,
  options: { advertise?: boolean; purpose?: 'server' | 'command' } = {},
): Promise<Store> {
  const timeouts = options.purpose === 'server' ? databaseTimeouts : commandTimeouts;
  if (config.mongodbUri) return initialised(await connect(config.mongodbUri, timeouts), logger);

  const claim = await claimEmbeddedDatabase(config.dataDir, { waitSeconds: config.embeddedDatabaseWaitSeconds, logger });
  if ('running' in claim) return connect(`${claim.running}${embeddedDatabaseName}`, timeouts);

  let embedded: EmbeddedDatabase | undefined;
  try {
    embedded = await startEmbeddedDatabase({ dataDir: config.dataDir, logger, synchronous: config.embeddedDatabaseSynchronous });
    const store = await initialised(await connect(`${embedded.uri}${embeddedDatabaseName}`, timeouts, { embedded, lock: claim.lock }), logger);
    // Only a server offers its database: a command's stops with the command, so others wait for its lock instead.
    if (options.advertise) embedded.advertise();
    return store;
  } catch (error) {
    await embedded?.stop();
    claim.lock.release();
    throw error;
  }
}

async function initialised(store: Store, logger: Logger): Promise<Store> {
  try {
    await ensureIndexes(store.connection, logger);
    return store;
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** The `timeouts` that the URI does not set itself. */
function timeoutsNotIn(uri: string, timeouts: ConnectOptions): ConnectOptions {
  const given = new Set([...new URL(uri).searchParams.keys()].map((key) => key.toLowerCase()));
  return Object.fromEntries(Object.entries(timeouts).filter(([key]) => !given.has(key.toLowerCase())));
}

async function connect(uri: string, timeouts: ConnectOptions, owned: { embedded?: EmbeddedDatabase; lock?: DataDirectoryLock } = {}): Promise<Store> {
  const deadline = Date.now() + firstConnectionWithinMs;
  for (;;) {
    const connection = mongoose.createConnection(uri, { ...timeoutsNotIn(uri, timeouts), bufferCommands: false, autoIndex: false, autoCreate: false });
    try {
      await connection.asPromise();
    } catch (error) {
      await connection.close().catch(() => undefined);
      if (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        continue;
      }
      throw new Error(`Cannot connect to the database: ${(error as Error).message}`, { cause: error });
    }
    return {
      connection,
      ownsEmbeddedDatabase: owned.embedded !== undefined,
      async close() {
        await connection.close();
        await owned.embedded?.stop();
        owned.lock?.release();
      },
    };
  }
}

/** A ping, for /readyz. */
export async function storeIsReachable(store: Store): Promise<boolean> {
  try {
    await store.connection.db!.admin().command({ ping: 1 });
    return true;
  } catch {
    return false;
  }
}
