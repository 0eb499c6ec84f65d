import type { Command } from 'commander';
import { ConflictError, NotFoundError } from '../errors/GatehouseError.ts';
import { formatTable } from './formatTable.ts';
import { readPassword } from './readPassword.ts';
import { runCommand } from './runCommand.ts';
import { UsageError } from './UsageError.ts';
import { withServices } from './withServices.ts';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

type AddOptions = {
  userId?: string;
  email?: string;
  firstName?: string;
  familyName?: string;
  role?: string[];
  passwordStdin?: boolean;
  json?: boolean;
};

export function registerPersonCommands(program: Command): void {
  const person = program.command('person').description('persons of the directory');

  person
    .command('add')
    .description('add a person; the password is typed at a prompt (or read with --password-stdin), never given on the command line')
    .argument('<name>', 'the person\'s name in the directory, unique ignoring case (e.g. PEPE)')
    .option('--user-id <id>', 'the default user ID typed at sign-in (default: the name)')
    .option('--email <address>', 'email address')
    .option('--first-name <name>', 'first name')
    .option('--family-name <name>', 'family name')
    .option('--role <role>', 'a role, such as admin (repeat for more)', collect)
    .option('--password-stdin', 'read the password from standard input')
    .option('--json', 'machine-readable output')
    .action(async (name: string, options: AddOptions) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        const password = await readPassword({ fromStdin: options.passwordStdin === true });
        const added = await withServices(async (services) => {
          // Checked here because the embedded database's duplicate-key error does not say which index clashed.
          const taken = await services.persons.show(name).then(
            (existing) => existing.name,
            (error: unknown) => (error instanceof NotFoundError ? undefined : Promise.reject(error)),
          );
          if (taken) throw new ConflictError(`A person named "${taken}" already exists (names are compared ignoring case).`);
          return services.persons.add({
            name,
            ...(options.userId !== undefined ? { default_user_id: options.userId } : {}),
            ...(options.email !== undefined ? { email: options.email } : {}),
            ...(options.firstName !== undefined ? { first_name: options.firstName } : {}),
            ...(options.familyName !== undefined ? { family_name: options.familyName } : {}),
            roles: options.role ?? [],
            ...(password !== undefined ? { password } : {}),
          });
        });
        return {
          data: added,
          text: `Added person "${added.name}" (user ID ${added.default_user_id}, sub ${added.sub}).`,
          notes: added.has_password ? [] : [`note: "${added.name}" has no password yet and cannot sign in; set one with: gatehouse person passwd ${added.name}`],
        };
      });
    });

  person
    .command('list')
    .description('list the persons (never their passwords)')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        const persons = await withServices((services) => services.persons.list());
        const rows = persons.map((p) => [
          p.name,
          [p.default_user_id, ...p.user_ids].join(','),
          p.class,
          p.roles.join(','),
          p.enabled ? 'yes' : 'no',
          p.has_password ? 'yes' : 'no',
          p.email ?? '',
        ]);
        const text = persons.length === 0 ? 'No persons.' : formatTable([['NAME', 'USER IDS', 'CLASS', 'ROLES', 'ENABLED', 'PASSWORD', 'EMAIL'], ...rows]);
        return { data: persons, text };
      });
    });

  person
    .command('passwd')
    .description('set a person\'s password, typed at a prompt (or read with --password-stdin)')
    .argument('<name>', 'the person\'s name')
    .option('--password-stdin', 'read the password from standard input')
    .option('--json', 'machine-readable output')
    .action(async (name: string, options: { passwordStdin?: boolean; json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        const password = await readPassword({ fromStdin: options.passwordStdin === true, prompt: `New password of ${name}: ` });
        if (password === undefined) {
          throw new UsageError('person passwd: standard input is not a terminal; pipe the password in with --password-stdin.');
        }
        await withServices((services) => services.persons.setPassword(name, password));
        return { data: { name, password_changed: true }, text: `Changed the password of "${name}".` };
      });
    });
}
