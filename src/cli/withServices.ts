import { loadConfig } from '../configuration/loadConfig.ts';
import { createLogger } from '../logging/createLogger.ts';
import { openServices, type Services } from '../services.ts';

/**
 * Runs `use` on the configured database — MONGODB_URI, the embedded database of a
 * running server, or one started for this command — and always closes it so the process
 * can exit. Logs go to stderr at `warn` (or LOG_LEVEL when set in the environment), so
 * stdout carries only the command's output.
 *
 * Registration links and otpauth URIs use the issuer the deployment's server recorded at
 * its start, so a CLI run without the server's environment still makes working links; an
 * ISSUER given to the CLI (environment or config/local.json) wins, with a note when it
 * differs, since the operator asked for it (say, ahead of a move). Without either, the
 * default http://localhost:PORT.
 */
export async function withServices<T>(use: (services: Services) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const logger = createLogger(process.env.LOG_LEVEL ? config.logLevel : 'warn', process.stderr);
  const services = await openServices(config, logger, { deploymentIssuer: config.issuerGiven !== true });
  try {
    if (config.issuerGiven) {
      const running = await services.settings.runningIssuer();
      if (running !== undefined && running !== config.issuer) {
        process.stderr.write(`note: ISSUER is ${config.issuer} here, but the running deployment's issuer is ${running}; links and otpauth URIs use ${config.issuer}.\n`);
      }
    }
    return await use(services);
  } finally {
    await services.store.close();
  }
}
