import type { Command } from 'commander';
import { issueTemporaryPassword, type TemporaryPasswordView } from '../directory/issueTemporaryPassword.ts';
import { noTimeLimit } from '../directory/temporaryPasswords.ts';
import { cliActor } from './cliActor.ts';
import { readPassword } from './readPassword.ts';
import { runCommand } from './runCommand.ts';
import { UsageError } from './UsageError.ts';
import { withServices } from './withServices.ts';

type PasswdOptions = { passwordStdin?: boolean; temporary?: boolean; minutes?: string; json?: boolean };

/** The temporary password in words: the password on a line of its own, until when it signs in, and how to hand it over. */
function describeTemporary(name: string, issued: TemporaryPasswordView): string {
  const until = issued.expires_at === null ? 'It has no time limit.' : `It signs in until ${issued.expires_at.slice(0, 16).replace('T', ' ')} UTC, then no more.`;
  return [
    `Temporary password of "${name}" (shown only this once):`,
    '',
    `  ${issued.password}`,
    '',
    `${until} At that sign-in ${name} is asked to choose a new password.`,
    `Give it to ${name} by a safe way (in person or by phone), never in a message others can read.`,
  ].join('\n');
}

/**
 * `person passwd NAME`: a password the admin types (at a hidden prompt or on standard
 * input, never on the command line), or with --temporary one Gatehouse makes, printed once.
 */
export function registerPersonPasswdCommand(person: Command): void {
  person
    .command('passwd')
    .description('set a person\'s password, typed at a prompt (or read with --password-stdin); or, with --temporary, issue a temporary password that Gatehouse makes and prints once')
    .argument('<name>', 'the person\'s name')
    .option('--password-stdin', 'read the password from standard input')
    .option('--temporary', 'a temporary password made by Gatehouse, printed once: it signs in until it expires, and at that sign-in the person chooses their own')
    .option('--minutes <n>', `with --temporary: how long it signs in, 1 to ${noTimeLimit} minutes (${noTimeLimit}: no time limit; default: the class's "Password must be changed in")`)
    .option('--json', 'machine-readable output; with --temporary {"password": "...", "expires_at": "..." or null}')
    .action(async (name: string, options: PasswdOptions) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        if (options.minutes !== undefined && !options.temporary) throw new UsageError('person passwd: --minutes goes with --temporary (how long the temporary password signs in).');
        if (options.temporary) {
          if (options.passwordStdin) throw new UsageError('person passwd: --temporary or --password-stdin, not both (Gatehouse makes the temporary password).');
          const { name: shown, issued } = await withServices((services) => issueTemporaryPassword(services, name, { minutes: options.minutes, actor: cliActor(), field: '--minutes' }));
          return { data: issued, text: describeTemporary(shown, issued) };
        }
        const password = await readPassword({ fromStdin: options.passwordStdin === true, prompt: `New password of ${name}: ` });
        if (password === undefined) {
          throw new UsageError('person passwd: standard input is not a terminal; pipe the password in with --password-stdin (or issue one with --temporary).');
        }
        await withServices((services) => services.persons.setPassword(name, password, { actor: cliActor() }));
        return { data: { name, password_changed: true }, text: `Changed the password of "${name}".` };
      });
    });
}
