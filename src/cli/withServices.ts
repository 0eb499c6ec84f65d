import { loadConfig } from '../configuration/loadConfig.ts';
import { createLogger } from '../logging/createLogger.ts';
import { openServices, type Services } from '../services.ts';

/**
 * Runs `use` on the configured database — MONGODB_URI, the embedded database of a
 * running server, or one started for this command — and always closes it so the process
 * can exit. Logs go to stderr at `warn` (or LOG_LEVEL when set in the environment), so
 * stdout carries only the command's output.
 */
export async function withServices<T>(use: (services: Services) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ? config.logLevel : 'warn', process.stderr);
  const services = await openServices(config, logger);
  try {
    return await use(services);
  } finally {
    await services.store.close();
  }
}
