import * as oidc from 'openid-client';
import type { Services } from '../../src/services.ts';
import { discoverRelyingParty } from './relyingParty.ts';

export type AdminAnswer = { status: number; headers: Headers; body: any };

/** One request to the admin API of a test Gatehouse; `body` is sent as JSON unless `raw` is given. */
export async function callAdminApi(
  issuer: string,
  path: string,
  options: { token?: string; method?: string; body?: unknown; raw?: string; contentType?: string; headers?: Record<string, string> } = {},
): Promise<AdminAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let payload: string | undefined = options.raw;
  if (options.body !== undefined) payload = JSON.stringify(options.body);
  if (payload !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${issuer}/admin/api${path}`, { method: options.method ?? 'GET', headers, body: payload });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** A client-credentials grant with openid-client: the token response of `clientId`. */
export async function clientCredentialsToken(issuer: string, clientId: string, clientSecret: string, scope?: string) {
  const config = await discoverRelyingParty(issuer, clientId, clientSecret);
  return oidc.clientCredentialsGrant(config, scope === undefined ? {} : { scope });
}

/**
 * Registers `clientId` as an admin script (confidential, client_credentials, admin_api)
 * and returns an access token with the admin scope, as an operator's script would get it.
 */
export async function adminScriptToken(services: Pick<Services, 'clients'>, issuer: string, clientId = 'ops-script'): Promise<string> {
  const { clientSecret } = await services.clients.add({ client_id: clientId, grant_types: ['client_credentials'], admin_api: true });
  return (await clientCredentialsToken(issuer, clientId, clientSecret!, 'admin')).access_token;
}
