import { loadConfig } from './configuration/loadConfig.ts';
import { createLogger } from './logging/createLogger.ts';
import { startGatehouse } from './startGatehouse.ts';
import { setupLinkNotice } from './admin/setup/setupLinks.ts';

// Boot: load and check the configuration, open the store, listen; stop on SIGTERM/SIGINT.
let config;
try {
  config = loadConfig();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
const logger = createLogger(config.logLevel);

try {
  const gatehouse = await startGatehouse(config, logger);
  logger.info({ url: gatehouse.url, issuer: config.issuer, discovery: `${config.issuer}/.well-known/openid-configuration` }, 'Gatehouse is listening');
  // A plain line beside the JSON log, for the person who just ran `npm start`; the log itself never holds the link.
  if (gatehouse.setupLink) process.stdout.write(`${setupLinkNotice(gatehouse.setupLink.url)}\n`);
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    gatehouse.stop().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
} catch (error) {
  logger.fatal({ err: error }, (error as Error).message);
  process.exit(1);
}
