import type { Logger } from 'pino';
import type { Config } from './configuration/loadConfig.ts';
import { createClassDirectory } from './directory/classDirectory.ts';
import { createClientDirectory } from './directory/clientDirectory.ts';
import { createIpGroupDirectory } from './directory/ipGroupDirectory.ts';
import { createPersonDirectory } from './directory/personDirectory.ts';
import { createPersonPlanner } from './directory/personPlanner.ts';
import { createSettingsDirectory } from './directory/settingsDirectory.ts';
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
  const classes = createClassDirectory(store.connection, audit);
  const settings = createSettingsDirectory(store.connection, audit);
  return {
    store,
    secretBox,
    audit,
    persons: createPersonDirectory(store.connection, audit, createPersonPlanner(classes, settings)),
    clients: createClientDirectory(store.connection, secretBox, audit),
    classes,
    ipGroups: createIpGroupDirectory(store.connection, audit),
    settings,
  };
}

export type Services = Awaited<ReturnType<typeof openServices>>;
