import type { Command } from 'commander';
import type { ClientChanges } from '../directory/clientDirectory.ts';
import { cliActor } from './cliActor.ts';
import { authMethodFrom, authMethodHelp, collect, grantTypesFrom, jwksUriHelp, secretLines } from './clientOptions.ts';
import { runCommand } from './runCommand.ts';
import { UsageError } from './UsageError.ts';
import { withServices } from './withServices.ts';

type UpdateOptions = {
  redirectUri?: string[];
  postLogoutRedirectUri?: string[];
  name?: string;
  public?: boolean;
  authMethod?: string;
  jwksUri?: string;
  grantTypes?: string;
  firstParty?: boolean;
  adminApi?: boolean;
  resourceServer?: boolean;
  json?: boolean;
};

/** A repeated URI option as the new list; a lone "" clears it (null). */
const uriList = (values: string[] | undefined) => (values === undefined ? undefined : values.length === 1 && values[0] === '' ? null : values);
/** A text option; "" clears the field (null). */
const textOrClear = (value: string | undefined) => (value === undefined ? undefined : value === '' ? null : value);

/** The changes the options give, by the field names of the client input (clientDirectory.ts). */
function changesFrom(options: UpdateOptions): ClientChanges {
  const fields: ClientChanges = {
    redirect_uris: uriList(options.redirectUri),
    post_logout_redirect_uris: uriList(options.postLogoutRedirectUri),
    client_name: textOrClear(options.name),
    grant_types: grantTypesFrom(options.grantTypes),
    token_endpoint_auth_method: authMethodFrom('client update', options),
    jwks_uri: textOrClear(options.jwksUri),
    first_party: options.firstParty,
    admin_api: options.adminApi,
    resource_server: options.resourceServer,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/**
 * `gatehouse client update ID`: the options of `client add`, changing only what is given.
 * The directory checks the whole result like add, import and the admin API do.
 */
export function registerClientUpdateCommand(client: Command): void {
  client
    .command('update')
    .description('change a client: only the options given; the secret stays unless the authentication method drops it or needs a new one')
    .argument('<client_id>', 'the client to change')
    .option('--redirect-uri <uri>', 'where the client receives the code (repeat for more; replaces the list)', collect)
    .option('--post-logout-redirect-uri <uri>', 'where the client may send the browser after sign-out (repeat for more; replaces the list; "" clears it)', collect)
    .option('--name <name>', 'a name shown to persons; "" clears it')
    .option('--public', 'make it a public client: the same as --auth-method none (its secret is removed)')
    .option('--auth-method <method>', `${authMethodHelp}; a client that changes to a client_secret_* method without a secret gets one, printed once`)
    .option('--jwks-uri <url>', `${jwksUriHelp}; "" clears it`)
    .option('--grant-types <list>', 'comma-separated: authorization_code, refresh_token, client_credentials (replaces the list)')
    .option('--first-party', 'persons are not asked for consent')
    .option('--no-first-party', 'persons are asked for consent')
    .option('--admin-api', 'may call the admin JSON API with client credentials (scope admin)')
    .option('--no-admin-api', 'may no longer call the admin JSON API')
    .option('--resource-server', 'a resource server: may introspect the tokens of every client')
    .option('--no-resource-server', 'may introspect only its own tokens again')
    .option('--json', 'machine-readable output')
    .action(async (clientId: string, options: UpdateOptions) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        const changes = changesFrom(options);
        if (Object.keys(changes).length === 0) throw new UsageError('client update: give at least one field to change (see --help).');
        const { client: updated, status, generatedSecret } = await withServices((services) => services.clients.update(clientId, changes, { actor: cliActor() }));
        const lines = secretLines(updated, generatedSecret);
        const text =
          status === 'unchanged'
            ? `Client "${updated.client_id}" is unchanged.`
            : generatedSecret || lines.length > 0
              ? [`Updated client "${updated.client_id}".`, ...lines].join('\n')
              : `Updated client "${updated.client_id}"; its secret is unchanged.`;
        return { data: { client: updated, status, ...(generatedSecret ? { client_secret: generatedSecret } : {}) }, text };
      });
    });
}
