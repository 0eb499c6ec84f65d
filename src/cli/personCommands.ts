import type { Command } from 'commander';
import { maxPageSize } from '../directory/filterPersons.ts';
import type { PersonView } from '../directory/personInput.ts';
import { unlockableFactors, unlockPerson } from '../factors/attempts/unlockPerson.ts';
import { cliActor } from './cliActor.ts';
import { formatTable } from './formatTable.ts';
import { registerPersonPasswdCommand } from './personPasswdCommand.ts';
import { readPassword } from './readPassword.ts';
import { runCommand } from './runCommand.ts';
import { UsageError } from './UsageError.ts';
import { withServices } from './withServices.ts';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** The "Modify Person" fields as options: [option, field of the person document, help]. */
const fieldOptions = [
  ['--user-id <id>', 'default_user_id', 'the default user ID typed at sign-in (default: the name)'],
  ['--class <class>', 'class', 'a class name, *DFT (the default class) or *NEVER (never a second factor)'],
  ['--ip-group <name>', 'ip_group', 'sign-in only from the ranges of this IP group'],
  ['--external-id <id>', 'external_id', 'the person\'s ID in another system'],
  ['--id-number <number>', 'id_number', 'ID number'],
  ['--birth-date <YYYY-MM-DD>', 'birth_date', 'birth date'],
  ['--cell-phone <number>', 'cell_phone', 'cell phone (SMS codes)'],
  ['--email <address>', 'email', 'email address (email codes and links)'],
  ['--employee-number <number>', 'employee_number', 'employee number'],
  ['--family-name <name>', 'family_name', 'family name'],
  ['--first-name <name>', 'first_name', 'first name'],
  ['--language <code>', 'preferred_language', 'preferred language (ENG, SPA, en, es-MX…)'],
  ['--office-phone <number>', 'office_phone', 'office phone'],
] as const;

const camel = (flag: string) => flag.replace(/^--/, '').split(' ')[0]!.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function withFieldOptions(command: Command, clearable: boolean): Command {
  for (const [flag, , help] of fieldOptions) command.option(flag, clearable ? `${help}; "" clears it` : help);
  return command
    .option('--user-ids <ids>', 'comma-separated further user IDs (replaces the list; "" clears it)')
    .option('--role <role>', 'a role, such as admin (repeat for more; replaces the roles)', collect)
    .option('--email-verified [Y|N]', 'mark the email address verified (Y, the default) or not (N); a new email is unverified unless marked')
    .option('--phone-verified [Y|N]', 'mark the cell phone verified (Y, the default) or not (N); a new cell phone is unverified unless marked')
    .option('--json', 'machine-readable output');
}

/** The person fields given as options; `clearable` turns "" into null (remove the field). */
function fieldsFrom(options: Record<string, unknown>, clearable: boolean): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [flag, field] of fieldOptions) {
    const value = options[camel(flag)];
    if (typeof value === 'string') fields[field] = clearable && value === '' ? null : value;
  }
  if (typeof options.userIds === 'string') fields.user_ids = options.userIds.split(',').map((id) => id.trim()).filter(Boolean);
  if (Array.isArray(options.role)) fields.roles = options.role;
  for (const [option, flag, field] of [['--email-verified', 'emailVerified', 'email_verified'], ['--phone-verified', 'phoneVerified', 'phone_verified']] as const) {
    const value = options[flag];
    if (value !== undefined) fields[field] = value === true ? true : yesNo(option, value);
  }
  return fields;
}

function yesNo(option: string, value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'Y' || value === 'y') return true;
  if (value === 'N' || value === 'n') return false;
  throw new UsageError(`${option}: Y or N.`);
}

function wholeNumber(option: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value)) throw new UsageError(`${option}: a whole number.`);
  return Number(value);
}

/** A set password, or a temporary one and until when it signs in. */
function passwordState(p: PersonView): string {
  const temporary = p.temporary_password;
  if (!temporary) return 'set';
  return `temporary, ${temporary.expires_at ? `signs in until ${temporary.expires_at.slice(0, 16).replace('T', ' ')} UTC` : 'no time limit'} (issued ${temporary.issued_at.slice(0, 16).replace('T', ' ')} UTC)`;
}

/** "Modify Person" in words: one field per line, with the screen's labels. */
function describePerson(p: PersonView): string {
  const rows: [string, string | undefined][] = [
    ['Person', p.name],
    ['IP-Group', p.ip_group],
    ['External ID', p.external_id],
    ['Class', p.class],
    ['Default User ID', p.default_user_id],
    ['Other user IDs', p.user_ids.join(', ')],
    ['ID number', p.id_number],
    ['Birth date', p.birth_date],
    ['Cell phone', p.cell_phone && `${p.cell_phone}${p.phone_verified ? ' (verified)' : ''}`],
    ['Email address', p.email && `${p.email}${p.email_verified ? ' (verified)' : ''}`],
    ['Employee number', p.employee_number],
    ['Family name', p.family_name],
    ['First name', p.first_name],
    ['Preferred language', p.preferred_language],
    ['Office phone', p.office_phone],
    ['Enabled', p.enabled ? 'yes' : 'no'],
    ['Roles', p.roles.join(', ')],
    ['Password', p.has_password ? passwordState(p) : 'not set'],
    ['Last update / used', `${p.last_update} / ${p.last_used ?? 'never'}`],
    ['Sub (OIDC)', p.sub],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value || ''}`.trimEnd()).join('\n');
}

export function registerPersonCommands(program: Command): void {
  const person = program.command('person').description('persons of the directory ("Work with Persons")');

  withFieldOptions(
    person
      .command('add')
      .description('add a person; the password is typed at a prompt (or read with --password-stdin), never given on the command line')
      .argument('<name>', 'the person\'s name in the directory, unique ignoring case (e.g. PEPE)')
      .option('--password-stdin', 'read the password from standard input')
      .option('--disabled', 'add the person disabled'),
    false,
  ).action(async (name: string, options: Record<string, unknown>) => {
    process.exitCode = await runCommand(options.json === true, async () => {
      const password = await readPassword({ fromStdin: options.passwordStdin === true });
      const added = await withServices((services) =>
        services.persons.add(
          { name, ...fieldsFrom(options, false), ...(options.disabled ? { enabled: false } : {}), ...(password !== undefined ? { password } : {}) },
          { actor: cliActor() },
        ),
      );
      return {
        data: added,
        text: `Added person "${added.name}" (user ID ${added.default_user_id}, sub ${added.sub}).`,
        notes: added.has_password ? [] : [`note: "${added.name}" has no password yet and cannot sign in; set one with: gatehouse person passwd ${added.name}`],
      };
    });
  });

  person
    .command('show')
    .description('show every field of a person ("1=Work with")')
    .argument('<name>', 'the person\'s name')
    .option('--json', 'machine-readable output')
    .action(async (name: string, options: { json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        const shown = await withServices((services) => services.persons.show(name));
        return { data: shown, text: describePerson(shown) };
      });
    });

  person
    .command('list')
    .description('list persons by name, with the filters of "Work with Persons" (never their passwords)')
    .option('--text <text>', 'free text: name, first/family name, email, external ID, employee or ID number, user ID')
    .option('--user-id <id>', 'exactly this user ID')
    .option('--totp <Y|N>', 'TOTP key registered')
    .option('--questions <Y|N>', 'private questions answered')
    .option('--mfa <Y|N>', 'a second factor is required at sign-in')
    .option('--page <n>', 'page number, from 1', '1')
    .option('--page-size <n>', `persons per page, up to ${maxPageSize}`, '50')
    .option('--json', 'machine-readable output')
    .action(async (options: Record<string, unknown>) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        const query = {
          ...(typeof options.text === 'string' ? { q: options.text } : {}),
          ...(typeof options.userId === 'string' ? { userId: options.userId } : {}),
          totp: yesNo('--totp', options.totp),
          questions: yesNo('--questions', options.questions),
          mfa: yesNo('--mfa', options.mfa),
          page: wholeNumber('--page', options.page),
          pageSize: wholeNumber('--page-size', options.pageSize),
        };
        const result = await withServices((services) => services.persons.list(query));
        const rows = result.items.map((p) => [
          p.name,
          [p.default_user_id, ...p.user_ids].join(','),
          p.class,
          [p.family_name, p.first_name].filter(Boolean).join(' '),
          p.roles.join(','),
          p.enabled ? 'yes' : 'no',
          p.has_password ? 'yes' : 'no',
          p.email ?? '',
        ]);
        const pages = Math.max(1, Math.ceil(result.total / result.pageSize));
        const text =
          result.items.length === 0
            ? `No persons${result.total ? ` on page ${result.page}` : ''}.`
            : `${formatTable([['NAME', 'USER IDS', 'CLASS', 'FAMILY/FIRST NAME', 'ROLES', 'ENABLED', 'PASSWORD', 'EMAIL'], ...rows])}\n\nPage ${result.page} of ${pages} (${result.total} persons).`;
        return { data: { items: result.items, total: result.total, page: result.page, page_size: result.pageSize }, text };
      });
    });

  withFieldOptions(
    person
      .command('update')
      .description('change fields of a person; options not given stay as they are')
      .argument('<name>', 'the person\'s name')
      .option('--enable', 'enable the person')
      .option('--disable', 'disable the person (no sign-in)'),
    true,
  ).action(async (name: string, options: Record<string, unknown>) => {
    process.exitCode = await runCommand(options.json === true, async () => {
      if (options.enable && options.disable) throw new UsageError('person update: --enable or --disable, not both.');
      const changes = { ...fieldsFrom(options, true), ...(options.enable ? { enabled: true } : {}), ...(options.disable ? { enabled: false } : {}) };
      if (Object.keys(changes).length === 0) throw new UsageError('person update: give at least one field to change (see --help).');
      const updated = await withServices((services) => services.persons.update(name, changes, { actor: cliActor() }));
      return { data: updated, text: `Updated person "${updated.name}".` };
    });
  });

  person
    .command('rename')
    .description('rename a person ("3=Rename"); the OIDC sub, user IDs and tokens stay the same')
    .argument('<name>', 'the current name')
    .argument('<new-name>', 'the new name')
    .option('--json', 'machine-readable output')
    .action(async (name: string, newName: string, options: { json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        const renamed = await withServices((services) => services.persons.rename(name, newName, { actor: cliActor() }));
        return { data: renamed, text: `Renamed "${name}" to "${renamed.name}" (sub ${renamed.sub} unchanged).` };
      });
    });

  person
    .command('delete')
    .description('delete a person ("4=Delete") and revoke all their sessions, grants and tokens')
    .argument('<name>', 'the person\'s name')
    .option('--yes', 'confirm: the person cannot be restored')
    .option('--json', 'machine-readable output')
    .action(async (name: string, options: { yes?: boolean; json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        if (!options.yes) throw new UsageError(`person delete: add --yes to delete "${name}" and revoke their sessions and tokens.`);
        await withServices((services) => services.persons.delete(name, { actor: cliActor() }));
        return { data: { name, deleted: true }, text: `Deleted person "${name}"; their sessions, grants and tokens are revoked.` };
      });
    });

  registerPersonPasswdCommand(person);

  person
    .command('plan')
    .description('the person\'s resolved factor plan ("9=MFA"): challenge, try-another-way, locks')
    .argument('<name>', 'the person\'s name')
    .option('--context <context>', 'MFA (sign-in), AOD (elevated access) or P-R (password reset)', 'MFA')
    .option('--json', 'machine-readable output')
    .action(async (name: string, options: { context: string; json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        const { plan, text } = await withServices((services) => services.persons.plan(name, options.context));
        return { data: plan, text: `Person ${name}\n${text}` };
      });
    });

  person
    .command('unlock')
    .description('lift the locks after too many failures ("9=MFA" unlock) and forget the failures; every factor unless --factor')
    .argument('<name>', 'the person\'s name')
    .option('--factor <factor>', `only this factor: ${unlockableFactors.join(', ')} (emergency tokens share TOTP's lock; password: from every address)`)
    .option('--json', 'machine-readable output')
    .action(async (name: string, options: { factor?: string; json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        const unlocked = await withServices((services) => unlockPerson(services, name, options.factor, { actor: cliActor() }));
        const what = unlocked.factor === 'all' ? 'every factor' : unlocked.factor;
        return { data: unlocked, text: `Unlocked ${what} of "${unlocked.name}" (${unlocked.locks_cleared} lock(s) for an administrator and ${unlocked.failures_cleared} failure(s) cleared).` };
      });
    });
}
