import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError, type Config } from '../configuration/loadConfig.ts';

/** The development key files: the master key, and former keys (one a line) kept while a rotation re-seals. */
export function developmentKeyFiles(dataDir: string): { current: string; previous: string } {
  const current = join(dataDir, 'master.key');
  return { current, previous: `${current}.previous` };
}

/** Whether the master key lives in DATA_DIR/master.key (development without MASTER_KEY). */
export function usesDevelopmentKeyFile(config: Pick<Config, 'masterKey' | 'production'>): boolean {
  return !config.masterKey && !config.production;
}

const isKey = (line: string) => /^[A-Za-z0-9+/]{43}=$/.test(line) && Buffer.from(line, 'base64').length === 32;

/**
 * MASTER_KEY when configured. In development only, a key is generated once into
 * DATA_DIR/master.key (mode 0600) and reused; loadConfig already refused production
 * without a key.
 */
export function resolveMasterKey(config: Pick<Config, 'masterKey' | 'dataDir' | 'production'>, logger: Logger): string {
  if (config.masterKey) return config.masterKey;
  if (config.production) throw new Error('MASTER_KEY is required in production.');
  const { current: file } = developmentKeyFiles(config.dataDir);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString('base64');
  writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  logger.warn({ file }, 'MASTER_KEY is not set: generated a development master key. Set MASTER_KEY in production.');
  return key;
}

/**
 * The former master keys that still open what they sealed: MASTER_KEYS_PREVIOUS, and in
 * development (the key in DATA_DIR/master.key) the lines of DATA_DIR/master.key.previous,
 * which `gatehouse keys rotate-master --generate` writes.
 */
export function resolvePreviousMasterKeys(config: Pick<Config, 'masterKey' | 'masterKeysPrevious' | 'dataDir' | 'production'>): string[] {
  const keys = [...(config.masterKeysPrevious ?? [])];
  const { previous: file } = developmentKeyFiles(config.dataDir);
  if (usesDevelopmentKeyFile(config) && existsSync(file)) {
    const lines = readFileSync(file, 'utf8').split('\n').map((line) => line.trim()).filter(Boolean);
    const bad = lines.findIndex((line) => !isKey(line));
    // Never the line itself: it is a key.
    if (bad !== -1) throw new ConfigError(`${file}: line ${bad + 1} is not a master key (32 bytes in base64, 44 characters).`);
    keys.push(...lines);
  }
  return keys;
}

/** Writes `text` to `file` and flushes it to the disk before returning. */
function writeDurably(file: string, text: string, flag: 'a' | 'w'): void {
  const descriptor = openSync(file, flag, 0o600);
  try {
    writeSync(descriptor, text);
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Development only: a new random key in DATA_DIR/master.key, the old one appended to
 * DATA_DIR/master.key.previous first. At every moment the files hold every key a value
 * may be sealed under: the old key is kept before the new one replaces it (by rename, so
 * master.key is never half written). Returns the new key.
 */
export function replaceDevelopmentMasterKey(config: Pick<Config, 'masterKey' | 'dataDir' | 'production'>): string {
  if (!usesDevelopmentKeyFile(config)) throw new Error('The master key is MASTER_KEY, not a development key file.');
  const files = developmentKeyFiles(config.dataDir);
  if (!existsSync(files.current)) throw new ConfigError(`${files.current} does not exist yet: there is no development master key to replace.`);
  const old = readFileSync(files.current, 'utf8').trim();
  if (!isKey(old)) throw new ConfigError(`${files.current} does not hold a master key (32 bytes in base64, 44 characters).`);
  const kept = existsSync(files.previous) ? readFileSync(files.previous, 'utf8') : '';
  if (!kept.split('\n').map((line) => line.trim()).includes(old)) writeDurably(files.previous, `${kept && !kept.endsWith('\n') ? '\n' : ''}${old}\n`, 'a');
  const key = randomBytes(32).toString('base64');
  const next = `${files.current}.new`;
  writeDurably(next, `${key}\n`, 'w');
  renameSync(next, files.current);
  const directory = openSync(config.dataDir, 'r');
  try {
    fsyncSync(directory);
  } finally {
    closeSync(directory);
  }
  return key;
}
