import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../configuration/loadConfig.ts';

/**
 * MASTER_KEY when configured. In development only, a key is generated once into
 * DATA_DIR/master.key (mode 0600) and reused; loadConfig already refused production
 * without a key.
 */
export function resolveMasterKey(config: Pick<Config, 'masterKey' | 'dataDir' | 'production'>, logger: Logger): string {
  if (config.masterKey) return config.masterKey;
  if (config.production) throw new Error('MASTER_KEY is required in production.');
  const file = join(config.dataDir, 'master.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString('base64');
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  logger.warn({ file }, 'MASTER_KEY is not set: generated a development master key. Set MASTER_KEY in production.');
  return key;
}
