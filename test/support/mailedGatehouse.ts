import type * as oidc from 'openid-client';
import { startMailCatcher } from './mailCatcher.ts';
import { discoverRelyingParty } from './relyingParty.ts';
import { openTestServices, startTestGatehouse } from './testGatehouse.ts';

/**
 * A test Gatehouse whose mail goes to an SMTP catcher on loopback, with the services on
 * its database; `stop` ends all three (call it in afterAll).
 */
export async function startMailedGatehouse(options: Parameters<typeof startTestGatehouse>[0] = {}) {
  const mail = await startMailCatcher();
  const gatehouse = await startTestGatehouse({ ...options, config: { ...options.config, mail: { smtpUrl: mail.url, from: 'Gatehouse <no-reply@gatehouse.test>' } } });
  const services = await openTestServices(gatehouse.config);
  return {
    mail,
    gatehouse,
    services,
    async stop() {
      await services.store.close();
      await gatehouse.stop();
      await mail.close();
    },
  };
}

/** A first-party confidential client `clientId` registered with `redirectUri`, as openid-client sees it. */
export async function addRelyingParty(started: Pick<Awaited<ReturnType<typeof startMailedGatehouse>>, 'gatehouse' | 'services'>, redirectUri: string, clientId = 'app', extra: Record<string, unknown> = {}): Promise<oidc.Configuration> {
  const { clientSecret } = await started.services.clients.add({ client_id: clientId, redirect_uris: [redirectUri], first_party: true, ...extra });
  return discoverRelyingParty(started.gatehouse.issuer, clientId, clientSecret);
}
