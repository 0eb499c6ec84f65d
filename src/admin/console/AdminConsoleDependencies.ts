import type { Logger } from 'pino';
import type Provider from 'oidc-provider';
import type { Config } from '../../configuration/loadConfig.ts';
import type { Services } from '../../services.ts';
import type { AdminGate } from './adminGate.ts';

/** What each screen of the admin view is built from, all built at start: the same services the CLI and the admin API use. */
export type AdminConsoleDependencies = {
  config: Config;
  gate: AdminGate;
  services: Services;
  provider: Provider;
  logger: Logger;
};
