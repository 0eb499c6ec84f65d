import type { Command } from 'commander';
import { cliActor } from './cliActor.ts';
import { authMethodFrom, authMethodHelp, collect, grantTypesFrom, jwksUriHelp, kind, secretLines } from './clientOptions.ts';
import { registerClientShowCommand } from './clientShowCommand.ts';
import { registerClientUpdateCommand } from './clientUpdateCommand.ts';
import { formatTable } from './formatTable.ts';
import { runCommand } from './runCommand.ts';
import { UsageError } from './UsageError.ts';
import { withServices } from './withServices.ts';

type AddOptions = {
  redirectUri?: string[];
  postLogoutRedirectUri?: string[];
  name?: string;
  id?: string;
  public?: boolean;
  firstParty?: boolean;
  adminApi?: boolean;
  resourceServer?: boolean;
  grantTypes?: string;
  authMethod?: string;
  jwksUri?: string;
  json?: boolean;
};

export function registerClientCommands(program: Command): void {
  const client = program.command('client').description('relying-party applications');

  client
    .command('add')
    .description('register a client; prints its client_id and, for a client_secret_* method (the default), its secret (only once)')
    .option('--redirect-uri <uri>', 'where the client receives the code (repeat for more)', collect)
    .option('--post-logout-redirect-uri <uri>', 'where the client may send the browser after sign-out (repeat for more)', collect)
    .option('--name <name>', 'a name shown to persons')
    .option('--id <client_id>', 'the client_id (default: generated)')
    .option('--public', 'a public client (a browser or mobile app): no secret, PKCE only; the same as --auth-method none')
    .option('--auth-method <method>', `${authMethodHelp} (default: client_secret_basic)`)
    .option('--jwks-uri <url>', jwksUriHelp)
    .option('--first-party', 'a first-party client: persons are not asked for consent')
    .option('--admin-api', 'may call the admin JSON API with client credentials (scope admin); implies --grant-types client_credentials unless given')
    .option('--resource-server', 'a resource server (an API): may introspect the tokens of every client; implies --grant-types client_credentials unless given')
    .option('--grant-types <list>', 'comma-separated: authorization_code, refresh_token, client_credentials (default: authorization_code,refresh_token; client_credentials with --admin-api)')
    .option('--json', 'machine-readable output')
    .action(async (options: AddOptions) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        const grantTypes = grantTypesFrom(options.grantTypes) ?? (options.adminApi || options.resourceServer ? ['client_credentials'] : undefined);
        const authMethod = authMethodFrom('client add', options);
        if ((options.redirectUri ?? []).length === 0 && (grantTypes ?? ['authorization_code']).includes('authorization_code')) {
          throw new UsageError('client add: give at least one --redirect-uri (only a client_credentials client has none).');
        }
        const { client: added, clientSecret } = await withServices((services) =>
          services.clients.add({
            ...(options.id !== undefined ? { client_id: options.id } : {}),
            ...(options.name !== undefined ? { client_name: options.name } : {}),
            redirect_uris: options.redirectUri ?? [],
            post_logout_redirect_uris: options.postLogoutRedirectUri ?? [],
            ...(grantTypes ? { grant_types: grantTypes } : {}),
            ...(authMethod !== undefined ? { token_endpoint_auth_method: authMethod } : {}),
            ...(options.jwksUri !== undefined ? { jwks_uri: options.jwksUri } : {}),
            first_party: options.firstParty === true,
            ...(options.adminApi ? { admin_api: true } : {}),
            ...(options.resourceServer ? { resource_server: true } : {}),
          }, { actor: cliActor() }),
        );
        const text = [
          `Added ${kind(added)}${added.first_party ? ' first-party' : ''} client "${added.client_id}".`,
          `client_id:     ${added.client_id}`,
          ...(added.admin_api ? ['It may call the admin API: get a token with grant_type=client_credentials and scope=admin.'] : []),
          ...(added.resource_server ? ['It is a resource server: it may introspect the tokens of every client.'] : []),
          ...secretLines(added, clientSecret),
        ].join('\n');
        return { data: { client: added, ...(clientSecret ? { client_secret: clientSecret } : {}) }, text };
      });
    });

  registerClientShowCommand(client);
  registerClientUpdateCommand(client);

  client
    .command('list')
    .description('list the clients (never their secrets)')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        const clients = await withServices((services) => services.clients.list());
        const rows = clients.map((c) => [c.client_id, kind(c), c.first_party ? 'yes' : 'no', c.client_name ?? '', c.redirect_uris.join(' ')]);
        const text = clients.length === 0 ? 'No clients.' : formatTable([['CLIENT_ID', 'TYPE', 'FIRST-PARTY', 'NAME', 'REDIRECT URIS'], ...rows]);
        return { data: clients, text };
      });
    });

  client
    .command('remove')
    .description('remove a client')
    .argument('<client_id>', 'the client to remove')
    .option('--json', 'machine-readable output')
    .action(async (clientId: string, options: { json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        await withServices((services) => services.clients.remove(clientId, { actor: cliActor() }));
        return { data: { removed: clientId }, text: `Removed client "${clientId}".` };
      });
    });
}
