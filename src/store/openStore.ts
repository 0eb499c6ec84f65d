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
  let uri = config.mongodbUri;
  let embedded: EmbeddedDatabase | undefined;
  if (!uri) {
    const running = findRunningEmbeddedDatabase(config.dataDir);
    if (running) {
      logger.debug({ uri: running }, 'using the embedded database of the running server');
    } else {
      embedded = await startEmbeddedDatabase({ dataDir: config.dataDir, logger, advertise: options.advertise });
    }
    uri = `${running ?? embedded!.uri}${embeddedDatabaseName}`;
  }

  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 10_000,
    autoIndex: false,
    autoCreate: false,
  });
  try {
    await connection.asPromise();
  } catch (error) {
    await embedded?.stop();
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
