import mongoose, { type Connection } from 'mongoose';
import type { Logger } from 'pino';
import type { Config } from '../configuration/loadConfig.ts';
import { findRunningEmbeddedDatabase, startEmbeddedDatabase, type EmbeddedDatabase } from './embedded/startEmbeddedDatabase.ts';

export type Store = {
  connection: Connection;
  /** True when this process started the embedded database (and stops it on close). */
  ownsEmbeddedDatabase: boolean;
  close(): Promise<void>;
};

export const embeddedDatabaseName = 'gatehouse';

/**
 * Connects to MONGODB_URI, or else to the embedded database of DATA_DIR — the one a
 * running server already serves, or a new one started here (and stopped by close()).
 */
export async function openStore(
  config: Pick<Config, 'mongodbUri' | 'dataDir'>,
  logger: Logger,
  options: { advertise?: boolean } = {},
): Promise<Store> {
  if (config.mongodbUri) return connect(config.mongodbUri);

  const running = findRunningEmbeddedDatabase(config.dataDir);
  if (running) {
    try {
      return await connect(`${running}${embeddedDatabaseName}`, { timeoutMs: 3_000 });
    } catch (error) {
      // A marker left by a server that died: start our own below.
      logger.warn({ reason: (error as Error).message }, 'the advertised embedded database does not answer; starting one');
    }
  }
  const embedded = await startEmbeddedDatabase({ dataDir: config.dataDir, logger, advertise: options.advertise });
  try {
    return await connect(`${embedded.uri}${embeddedDatabaseName}`, { embedded });
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}

async function connect(uri: string, { embedded, timeoutMs = 10_000 }: { embedded?: EmbeddedDatabase; timeoutMs?: number } = {}): Promise<Store> {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: timeoutMs,
    autoIndex: false,
    autoCreate: false,
  });
  try {
    await connection.asPromise();
  } catch (error) {
    await connection.close().catch(() => undefined);
    throw new Error(`Cannot connect to the database: ${(error as Error).message}`, { cause: error });
  }

  return {
    connection,
    ownsEmbeddedDatabase: embedded !== undefined,
    async close() {
      await connection.close();
      await embedded?.stop();
    },
  };
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
