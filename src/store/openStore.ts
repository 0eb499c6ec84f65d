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
 * How long an operation may wait for the database before it fails, so that a request
 * answers 503 within a few seconds while the database is away instead of hanging: finding
 * a server (gone: refused at once; frozen: its monitor's hello times out), opening a
 * connection, an answer on a socket (a frozen server never answers). Failed operations are
 * not retried (a retry would double the wait; the client retries after Retry-After), and
 * commands are not queued while the driver is disconnected: they go to the driver, which
 * waits for a server at most `serverSelectionTimeoutMS`. Options written in MONGODB_URI
 * take precedence.
 */
export const databaseTimeouts = {
  serverSelectionTimeoutMS: 1_500,
  connectTimeoutMS: 1_500,
  socketTimeoutMS: 2_500,
  heartbeatFrequencyMS: 2_000,
  retryReads: false,
  retryWrites: false,
} as const;

/** The first connection may wait longer: a database that is still starting is not a fault. */
const firstConnectionWithinMs = 10_000;

/**
 * Connects to MONGODB_URI, or else to the embedded database of DATA_DIR — the one a
 * running server already serves, or a new one started here under the directory's lock
 * (and stopped by close()). Collections and indexes are made by whoever started the
 * database, before advertising it, or on MONGODB_URI by each process.
 */
export async function openStore(
  config: Pick<Config, 'mongodbUri' | 'dataDir' | 'embeddedDatabaseWaitSeconds'>,
  logger: Logger,
  options: { advertise?: boolean } = {},
): Promise<Store> {
  if (config.mongodbUri) return initialised(await connect(config.mongodbUri), logger);

  const claim = await claimEmbeddedDatabase(config.dataDir, { waitSeconds: config.embeddedDatabaseWaitSeconds, logger });
  if ('running' in claim) return connect(`${claim.running}${embeddedDatabaseName}`);

  let embedded: EmbeddedDatabase | undefined;
  try {
    embedded = await startEmbeddedDatabase({ dataDir: config.dataDir, logger });
    const store = await initialised(await connect(`${embedded.uri}${embeddedDatabaseName}`, { embedded, lock: claim.lock }), logger);
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

/** Options of `databaseTimeouts` that the URI does not set itself. */
function timeoutsNotIn(uri: string): ConnectOptions {
  const given = new Set([...new URL(uri).searchParams.keys()].map((key) => key.toLowerCase()));
  return Object.fromEntries(Object.entries(databaseTimeouts).filter(([key]) => !given.has(key.toLowerCase())));
}

async function connect(uri: string, owned: { embedded?: EmbeddedDatabase; lock?: DataDirectoryLock } = {}): Promise<Store> {
  const deadline = Date.now() + firstConnectionWithinMs;
  for (;;) {
    const connection = mongoose.createConnection(uri, { ...timeoutsNotIn(uri), bufferCommands: false, autoIndex: false, autoCreate: false });
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
