import type { Logger } from 'pino';
import type { Config } from '../configuration/loadConfig.ts';
import { InvalidInputError } from '../errors/GatehouseError.ts';
import type { Services } from '../services.ts';
import { ensureAccountClient } from './accountClient.ts';
import { createAccountSessions } from './accountSessions.ts';

/**
 * At start: the account sessions' collection, and the account page's client registered
 * for this issuer. An issuer the client directory refuses as a redirect URI (plain http
 * on a host other than localhost) leaves the account page unusable, not the server: the
 * reason is logged, and /account answers with it.
 */
export async function prepareAccountPage({ config, services, logger }: { config: Config; services: Pick<Services, 'store' | 'clients'>; logger: Logger }): Promise<void> {
  await createAccountSessions(services.store.connection).prepare();
  try {
    await ensureAccountClient(services.clients, config.issuer);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    logger.warn({ reason: error.message }, 'the account page cannot sign persons in with this ISSUER');
  }
}
