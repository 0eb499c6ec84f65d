import type { ClientDirectory } from '../directory/clientDirectory.ts';
import { accountClientId } from '../oidc/accountClientId.ts';
import { systemActor } from '../security/createAuditLog.ts';

export const accountCallbackPath = '/account/callback';

/** The client's registration: what ensureAccountClient keeps in the client directory. */
export function accountClientInput(issuer: string) {
  return {
    client_id: accountClientId,
    client_name: 'Gatehouse account page',
    redirect_uris: [`${issuer}${accountCallbackPath}`],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
    first_party: true,
    admin_api: false,
    resource_server: false,
  };
}

/**
 * Creates the account page's client, or brings it back to its registration for this
 * issuer (a changed ISSUER, an edit by hand), keeping its secret. The secret is generated
 * by the directory and kept sealed like any other client's; the account page reads it
 * from there at each code exchange, so every instance uses the one stored. Instances
 * starting together may both insert: the loser of that race tries once more.
 */
export async function ensureAccountClient(clients: Pick<ClientDirectory, 'put'>, issuer: string): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await clients.put(accountClientInput(issuer), { actor: systemActor });
      return;
    } catch (error) {
      if ((error as { code?: number }).code !== 11000 || attempt >= 2) throw error;
    }
  }
}
