import type { Logger } from 'pino';
import type { Config } from '../../configuration/loadConfig.ts';
import { createFirstPartySession } from '../../http/firstPartySession.ts';
import { createFirstPartySessions } from '../../http/firstPartySessions.ts';
import type { Services } from '../../services.ts';
import { adminSessionCollection } from '../../store/repositories/firstPartySessionRepository.ts';
import { adminSessionOptions, adminSessionSeconds } from './adminSessionOptions.ts';

/** The admin view's browser sign-in, built once at start (startGatehouse.ts) over the services; its sessions end when idle. */
export function createAdminSession({ config, services, logger }: { config: Pick<Config, 'issuer' | 'ttl' | 'admin'>; services: Pick<Services, 'store' | 'secretBox' | 'clients' | 'persons'>; logger: Logger }) {
  const sessions = createFirstPartySessions(services.store.connection, { collection: adminSessionCollection, lifetimeSeconds: adminSessionSeconds(config), idleSeconds: config.admin.idleSeconds });
  return createFirstPartySession(adminSessionOptions(config), { issuer: config.issuer, secretBox: services.secretBox, clients: services.clients, persons: services.persons, sessions, logger });
}
