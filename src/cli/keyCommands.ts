import type { Command } from 'commander';
import { rotateSigningKey } from '../oidc/keyring.ts';
import { runCommand } from './runCommand.ts';
import { withServices } from './withServices.ts';

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('the provider\'s signing keys');

  keys
    .command('rotate')
    .description('add a new signing key in front; older keys stay to verify what they signed')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        const rotated = await withServices((services) => rotateSigningKey(services.store.connection, services.secretBox));
        const text = [
          `New signing key ${rotated.kid}; the keyring now holds ${rotated.keys} keys (the newest signs, all verify).`,
          'Running servers pick the new key up at their next start.',
        ].join('\n');
        return { data: { ...rotated, note: 'Running servers pick the new key up at their next start.' }, text };
      });
    });
}
