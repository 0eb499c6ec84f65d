import { ConfigError } from '../configuration/loadConfig.ts';

const loopbackHosts = new Set(['localhost', '[::1]']);

/**
 * A provider URL that carries credentials must be https, except on loopback (a local relay,
 * the tests): checked when delivery is built, so a bad value stops the start naming the key.
 */
export function requireHttpsUnlessLoopback(key: string, value: string): URL {
  const url = new URL(value);
  const loopback = loopbackHosts.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol !== 'https:' && !loopback) {
    throw new ConfigError(`Configuration ${key} must be an https:// URL (http:// only on loopback); got (hidden).`);
  }
  return url;
}

/** Joins a base URL (maybe with a path) and a path below it. */
export function below(base: URL, path: string): URL {
  const joined = new URL(base);
  joined.pathname = `${base.pathname.replace(/\/$/, '')}${path}`;
  return joined;
}
