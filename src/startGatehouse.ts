import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp } from './app.ts';
import type { Config } from './configuration/loadConfig.ts';
import { createAccountSession } from './account/createAccountSession.ts';
import { createAdminSession } from './admin/console/createAdminSession.ts';
import type { SignInTally } from './factors/attempts/createSignInTally.ts';
import { sweepAttempts } from './factors/attempts/sweepAttempts.ts';
import { factors } from './factors/index.ts';
import { createArtefactKeys } from './oidc/createArtefactKeys.ts';
import { createProvider } from './oidc/createProvider.ts';
import { rekeyLegacyArtefacts } from './oidc/rekeyLegacyArtefacts.ts';
import { sweepExpiredArtefacts } from './oidc/sweepExpiredArtefacts.ts';
import { openServices } from './services.ts';
import { createSetupLinks } from './admin/setup/setupLinks.ts';

export type RunningGatehouse = {
  server: Server;
  /** http://host:port of the listening server. */
  url: string;
  /**
   * The first-run setup link, made at this start because no enabled person has the admin
   * role (admin/setup/setupLinks.ts); main.ts prints it. Never logged.
   */
  setupLink?: { url: string; expiresAt: Date };
  /** This instance's sign-in tally: `flush` writes what it counted now rather than at the next minute. */
  signInTally: Pick<SignInTally, 'flush'>;
  stop(): Promise<void>;
};

const sweepEveryMs = 10 * 60 * 1000;
const tallyFlushEveryMs = 60 * 1000;

/** Opens the store, builds the provider and the app, and listens. stop() undoes all of it. */
export async function startGatehouse(config: Config, logger: Logger): Promise<RunningGatehouse> {
  const services = await openServices(config, logger, { advertise: true, purpose: 'server' });
  const { store, secretBox, persons, clients } = services;
  try {
    // The CLI, whose environment may not know the public URL, builds links with this one.
    await services.settings.recordRunningIssuer(config.issuer);
    // Gatehouse's own pages that sign persons in through the provider; each prepares its sessions and its client.
    const firstParty = { account: createAccountSession({ config, services, logger }), admin: createAdminSession({ config, services, logger }) };
    for (const page of Object.values(firstParty)) await page.prepare();
    const artefactKeys = createArtefactKeys(secretBox);
    // Artefacts an earlier version stored under their raw ids: moved before anyone asks for them.
    const rekeyed = await rekeyLegacyArtefacts(store.connection, artefactKeys);
    if (rekeyed) logger.info({ rekeyed }, 'oidc artefacts stored under raw ids moved to their keyed hashes');
    // Locks for an admin kept by an earlier version (or a head lost to a race) are noted in their heads before the first sign-in.
    await sweepAttempts(store.connection);
    const provider = await createProvider({ config, connection: store.connection, secretBox, persons, clients });
    const setupLinks = createSetupLinks(store.connection);
    const app = createApp({ config, logger, provider, services, firstParty, setupLinks });
    // No administrator yet: a link (valid one hour) to create the first one; a new start replaces it.
    const setupLink = (await persons.hasAdministrator()) ? undefined : await setupLinks.issue(config.issuer);
    if (setupLink) logger.info({ expiresAt: setupLink.expiresAt }, 'no administrator yet: a first-run setup link was made (printed on stdout, not logged)');
    const server = createServer(app.callback());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
    const sweeper = setInterval(() => {
      sweepExpiredArtefacts(store.connection).catch((error) => logger.warn({ err: error }, 'sweeping expired artefacts failed'));
      sweepAttempts(store.connection).catch((error) => logger.warn({ err: error }, 'sweeping old failed attempts failed'));
      for (const factor of factors) factor.sweep?.(store.connection, Date.now()).catch((error) => logger.warn({ err: error, factor: factor.id }, 'sweeping a factor\'s old records failed'));
      services.signInTally.sweep().catch((error) => logger.warn({ err: error }, 'sweeping old sign-in tallies failed'));
      services.signInProgress.sweep().catch((error) => logger.warn({ err: error }, 'sweeping finished sign-ins failed'));
      services.passwordResets.sweep().catch((error) => logger.warn({ err: error }, 'sweeping finished password resets failed'));
      for (const [name, page] of Object.entries(firstParty)) page.sessions.sweep().catch((error) => logger.warn({ err: error, page: name }, 'sweeping expired first-party sessions failed'));
    }, sweepEveryMs);
    sweeper.unref();
    // What this instance counted of sign-ins and failures goes to the store once a minute (and at stop), never on a sign-in's path.
    const tallyFlusher = setInterval(() => {
      services.signInTally.flush().catch((error) => logger.warn({ err: error }, 'writing the sign-in tally failed'));
    }, tallyFlushEveryMs);
    tallyFlusher.unref();

    const { port } = server.address() as AddressInfo;
    const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
    let stopping: Promise<void> | undefined;
    return {
      server,
      url: `http://${host}:${port}`,
      ...(setupLink ? { setupLink } : {}),
      signInTally: { flush: () => services.signInTally.flush() },
      stop() {
        stopping ??= (async () => {
          clearInterval(sweeper);
          clearInterval(tallyFlusher);
          server.closeIdleConnections();
          await new Promise<void>((resolve) => server.close(() => resolve()));
          // Every sign-in has ended: what was counted since the last flush is kept.
          await services.signInTally.flush().catch((error) => logger.warn({ err: error }, 'writing the sign-in tally at stop failed'));
          await store.close();
        })();
        return stopping;
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}
