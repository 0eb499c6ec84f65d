import { authMethods, type ClientView } from '../directory/clientDirectory.ts';
import { UsageError } from './UsageError.ts';

/** What `client add` and `client update` share: option parsing and the words for a client's kind and secret. */

export const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

export const kind = (client: Pick<ClientView, 'token_endpoint_auth_method'>) => (client.token_endpoint_auth_method === 'none' ? 'public' : 'confidential');

export const authMethodHelp = `how the client authenticates at the token endpoint: ${authMethods.join(', ')} (none: a public client, no secret, PKCE only; private_key_jwt: a JWT signed with a key of --jwks-uri, no secret)`;

export const jwksUriHelp = 'the URL of the client\'s public keys (JWKS), for --auth-method private_key_jwt';

/** --public is --auth-method none; both at once must agree, or the command line is unclear. */
export function authMethodFrom(command: string, options: { public?: boolean; authMethod?: string }): string | undefined {
  if (options.public && options.authMethod !== undefined && options.authMethod !== 'none') {
    throw new UsageError(`${command}: --public is --auth-method none; give one or the other.`);
  }
  return options.public ? 'none' : options.authMethod;
}

/** --grant-types a,b as a list; undefined when not given. */
export const grantTypesFrom = (value: string | undefined) => value?.split(',').map((grant) => grant.trim()).filter(Boolean);

/** The lines after adding or changing a client: its secret when one was made (shown this once), or why it has none. */
export function secretLines(client: Pick<ClientView, 'token_endpoint_auth_method'>, clientSecret: string | undefined): string[] {
  if (clientSecret) return [`client_secret: ${clientSecret}`, 'The secret is shown only this once: store it now.'];
  if (client.token_endpoint_auth_method === 'private_key_jwt') return ['It authenticates with private_key_jwt: a JWT signed with a key of its JWKS (--jwks-uri); it has no secret.'];
  if (client.token_endpoint_auth_method === 'none') return ['A public client has no secret; it must use PKCE.'];
  return [];
}
