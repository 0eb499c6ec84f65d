import type { Logger } from 'pino';
import type { Config } from '../configuration/loadConfig.ts';
import { createFirstPartySession } from '../http/firstPartySession.ts';
import type { Services } from '../services.ts';
import { accountSessionOptions, accountSessionSeconds } from './accountSessionOptions.ts';
import { createAccountSessions } from './accountSessions.ts';

/** The account page's browser sign-in, built once at start (startGatehouse.ts) over the services. */
export function createAccountSession({ config, services, logger }: { config: Pick<Config, 'issuer' | 'ttl'>; services: Pick<Services, 'store' | 'secretBox' | 'clients' | 'persons'>; logger: Logger }) {
  return createFirstPartySession(accountSessionOptions, {
    issuer: config.issuer,
    secretBox: services.secretBox,
    clients: services.clients,
    persons: services.persons,
    sessions: createAccountSessions(services.store.connection, { lifetimeSeconds: accountSessionSeconds(config) }),
    logger,
  });
}
