import type { Command } from 'commander';
import type { ClientDetails } from '../directory/clientDirectory.ts';
import { kind } from './clientOptions.ts';
import { runCommand } from './runCommand.ts';
import { withServices } from './withServices.ts';

/** Every field of a client, one per line (a list continues on the lines below its label); never the secret. */
export function describeClient(client: ClientDetails): string {
  const secret = client.has_secret
    ? 'set (shown only when the client was added)'
    : client.token_endpoint_auth_method === 'none'
      ? 'none (a public client: PKCE only)'
      : client.token_endpoint_auth_method === 'private_key_jwt'
        ? 'none (it signs a JWT with a key of its JWKS URI)'
        : 'not set';
  const rows: [string, string[]][] = [
    ['Client ID', [client.client_id]],
    ['Name', [client.client_name ?? '']],
    ['Type', [kind(client)]],
    ['Authentication', [client.token_endpoint_auth_method]],
    ['Secret', [secret]],
    ['Redirect URIs', client.redirect_uris],
    ['Post-logout redirect URIs', client.post_logout_redirect_uris],
    ['Grant types', [client.grant_types.join(', ')]],
    ['JWKS URI', [client.jwks_uri ?? '']],
    ['First-party', [client.first_party ? 'yes' : 'no']],
    ['Admin API', [client.admin_api ? 'yes' : 'no']],
    ['Created', [client.created_at]],
    ['Updated', [client.updated_at]],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows
    .flatMap(([label, values]) => (values.length === 0 ? [''] : values).map((value, index) => `${(index === 0 ? label : '').padEnd(width)}  ${value}`.trimEnd()))
    .join('\n');
}

/** `gatehouse client show NAME|ID`. */
export function registerClientShowCommand(client: Command): void {
  client
    .command('show')
    .description('show every field of a client, and whether it has a secret (never the secret)')
    .argument('<client>', 'the client_id, or the client\'s name (ignoring case)')
    .option('--json', 'machine-readable output')
    .action(async (clientIdOrName: string, options: { json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        const shown = await withServices((services) => services.clients.show(clientIdOrName));
        return { data: shown, text: describeClient(shown) };
      });
    });
}
