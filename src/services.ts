import type { Logger } from 'pino';
import type { Config } from './configuration/loadConfig.ts';
import { createClientDirectory } from './directory/clientDirectory.ts';
import { createPersonDirectory } from './directory/personDirectory.ts';
import { createAuditLog } from './security/createAuditLog.ts';
import { resolveMasterKey } from './security/resolveMasterKey.ts';
import { createSecretBox } from './security/secretBox.ts';
import { ensureIndexes } from './store/ensureIndexes.ts';
import { openStore, type Store } from './store/openStore.ts';

/** What the server and the CLI both stand on: the store and the directory services over it. */
export async function openServices(config: Config, logger: Logger, options: { advertise?: boolean } = {}) {
  const secretBox = createSecretBox(resolveMasterKey(config, logger));
  const store: Store = await openStore(config, logger, options);
  try {
    await ensureIndexes(store.connection, logger);
  } catch (error) {
    await store.close();
    throw error;
  }
  const audit = createAuditLog(store.connection);
  return {
    store,
    secretBox,
    audit,
    persons: createPersonDirectory(store.connection, audit),
    clients: createClientDirectory(store.connection, secretBox, audit),
  };
}

export type Services = Awaited<ReturnType<typeof openServices>>;
