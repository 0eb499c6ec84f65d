import type { Command } from 'commander';
import { contexts, factorIds } from '../policy/types.ts';
import { cliActor } from './cliActor.ts';
import { describeFactors, formatClass } from './formatClass.ts';
import { formatTable } from './formatTable.ts';
import { runCommand } from './runCommand.ts';
import { UsageError } from './UsageError.ts';
import { withServices } from './withServices.ts';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

type ClassOptions = {
  text?: string;
  device?: string;
  /** --no-screen: commander names a "--no-" option after what follows; a string when given. */
  screen?: string | boolean;
  emailDomain?: string;
  otpInsteadOfTotp?: string;
  factor?: string[];
  clearFactors?: boolean;
  questions?: string;
  retries?: string;
  wait?: string;
  verifyBy?: string;
  newPasswordBy?: string;
  resetBy?: string;
  mustChange?: string;
  apiProvider?: string;
  json?: boolean;
};

/** A whole number as a number; anything else as typed, so that the check names the field and shows the value. */
const numberOr = (value: string) => (/^\d+$/.test(value) ? Number(value) : value);

/** --factor MFA:TOTP=1 (names ignoring case); an empty priority (MFA:TOTP=) means "not used". */
function parseFactors(values: string[]): Record<string, Record<string, number | string | null>> {
  const factors: Record<string, Record<string, number | string | null>> = {};
  for (const value of values) {
    const match = /^([^:=]+):([^:=]+)=(.*)$/.exec(value.trim());
    if (!match) throw new UsageError(`--factor: write CONTEXT:FACTOR=PRIORITY, such as MFA:TOTP=1 (an empty priority, MFA:TOTP=, stops using it); got "${value}".`);
    const [, contextText = '', factorText = '', priority = ''] = match;
    const context = contexts.find((c) => c.toLowerCase() === contextText.toLowerCase()) ?? contextText;
    const factor = factorIds.find((f) => f.toLowerCase() === factorText.replace(/[\s.]/g, '').toLowerCase()) ?? factorText;
    factors[context] ??= {};
    if (Object.hasOwn(factors[context], factor)) throw new UsageError(`--factor: ${context}:${factor} is given more than once.`);
    factors[context][factor] = priority.trim() === '' ? null : numberOr(priority.trim());
  }
  return factors;
}

/** The class fields the options give; for an update, an empty --email-domain or --api-provider removes it. */
function classFields(options: ClassOptions, forUpdate: boolean): Record<string, unknown> {
  const blankIsNone = (value: string) => (value.trim() === '' ? (forUpdate ? null : undefined) : value);
  const fields: Record<string, unknown> = {};
  const set = (field: string, value: unknown) => {
    if (value !== undefined) fields[field] = value;
  };
  set('text', options.text);
  set('mfa_device', options.device);
  set('no_screen_channel', typeof options.screen === 'string' ? options.screen : undefined);
  set('email_domain', options.emailDomain === undefined ? undefined : blankIsNone(options.emailDomain));
  set('allow_otp_instead_of_totp', options.otpInsteadOfTotp);
  const given = parseFactors(options.factor ?? []);
  if (options.clearFactors) {
    // An update merges factor by factor: clearing sets every factor to null, then the ones given apply.
    const cleared: Record<string, Record<string, unknown>> = Object.fromEntries(contexts.map((context) => [context, Object.fromEntries(factorIds.map((factor) => [factor, null]))]));
    for (const [context, priorities] of Object.entries(given)) cleared[context] = { ...cleared[context], ...priorities };
    fields.factors = cleared;
  } else if (Object.keys(given).length > 0) {
    fields.factors = given;
  }
  set('api_provider', options.apiProvider === undefined ? undefined : blankIsNone(options.apiProvider));
  set('question_count', options.questions === undefined ? undefined : numberOr(options.questions));
  set('max_retries', options.retries === undefined ? undefined : numberOr(options.retries));
  set('wait_seconds', options.wait === undefined ? undefined : numberOr(options.wait));
  const reset: Record<string, unknown> = {};
  if (options.verifyBy !== undefined) reset.verify_by = options.verifyBy;
  if (options.newPasswordBy !== undefined) reset.new_password_by = options.newPasswordBy;
  if (options.resetBy !== undefined) reset.reset_by = options.resetBy;
  if (options.mustChange !== undefined) reset.must_change_minutes = numberOr(options.mustChange);
  if (Object.keys(reset).length > 0) fields.password_reset = reset;
  return fields;
}

/** The options of `class add` and `class update`. */
function withClassOptions(command: Command, forUpdate: boolean): Command {
  const defaults = (text: string) => (forUpdate ? '' : ` (default: ${text})`);
  return command
    .option('--text <text>', `a description, up to 50 characters${defaults('none')}`)
    .option('--device <code>', `MFA preferred device: N no second factor at sign-in, S on screen, C code by SMS, E code by email${defaults('N')}`)
    .option('--no-screen <channel>', `if no screen, prefer: C cell phone (SMS) or E email${defaults('E')}`)
    .option('--email-domain <domain>', `send codes and links only to addresses in this domain${forUpdate ? ' ("" for any)' : ''}`)
    .option('--otp-instead-of-totp <Y|N>', `allow a one-time code instead of TOTP ("try another way")${defaults('N')}`)
    .option('--factor <CONTEXT:FACTOR=PRIORITY>', `a factor's priority 1-9 in a context (${contexts.join(', ')}; ${factorIds.join(', ')}), e.g. MFA:TOTP=1; repeat for more${forUpdate ? '; MFA:TOTP= stops using it' : ''}`, collect)
    .option('--api-provider <name>', `with the API factor: the MFA provider (DUO, OKTA, PINGID...)${forUpdate ? ' ("" for none)' : ''}`)
    .option('--questions <n>', `private questions per challenge, 0-10${defaults('0')}`)
    .option('--retries <n>', `failures before the wait, 0-99, 0 = no maximum${defaults('3')}`)
    .option('--wait <seconds>', `wait after the retries, 1-999 seconds, 999 = until an admin unlocks${defaults('60')}`)
    .option('--verify-by <code>', `password reset, verify user by: N none, C SMS code, E email code, M the P-R factors${defaults('N')}`)
    .option('--new-password-by <code>', `password reset, new password by: S on screen, C SMS, E email, N the person enters it${defaults('N')}`)
    .option('--reset-by <code>', `password reset by: 1 new password, 2 re-enable the account, 9 the person selects${defaults('1')}`)
    .option('--must-change <minutes>', `a temporary password must be changed within 1-999 minutes, 999 = no limit${defaults('10')}`)
    .option('--json', 'machine-readable output');
}

export function registerClassCommands(program: Command): void {
  const classCommand = program.command('class').description('classes: which second factor a person is asked for, with what limits');

  withClassOptions(
    classCommand.command('add').description('add a class; fields not given take their defaults').argument('<name>', 'the class name: 1-10 of A-Z, 0-9, _ (stored upper-case)'),
    false,
  ).action(async (name: string, options: ClassOptions) => {
    process.exitCode = await runCommand(options.json === true, async () => {
      const added = await withServices((services) => services.classes.add({ name, ...classFields(options, false) }, { actor: cliActor() }));
      return { data: added, text: `Added class "${added.name}".\n${formatClass(added)}` };
    });
  });

  classCommand
    .command('show')
    .description('show a class, field by field like the "Add New Class" screen')
    .argument('<name>', 'the class name (ignoring case)')
    .option('--json', 'machine-readable output')
    .action(async (name: string, options: { json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        const { shown, defaultClass } = await withServices(async (services) => ({ shown: await services.classes.show(name), defaultClass: await services.settings.defaultClass() }));
        const isDefault = defaultClass !== undefined && defaultClass.toLowerCase() === shown.name.toLowerCase();
        return { data: { ...shown, is_default: isDefault }, text: formatClass(shown, { isDefault }) };
      });
    });

  classCommand
    .command('list')
    .description('list the classes')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        const { classes, defaultClass } = await withServices(async (services) => ({ classes: await services.classes.list(), defaultClass: await services.settings.defaultClass() }));
        const rows = classes.map((c) => [
          c.name,
          c.name.toLowerCase() === defaultClass?.toLowerCase() ? 'yes' : '',
          c.mfa_device,
          describeFactors(c.factors.MFA),
          c.text,
        ]);
        const text = classes.length === 0 ? 'No classes.' : formatTable([['CLASS', 'DEFAULT', 'DEVICE', 'MFA FACTORS', 'TEXT'], ...rows]);
        return { data: classes, text };
      });
    });

  withClassOptions(
    classCommand
      .command('update')
      .description('change the fields given; the others stay')
      .argument('<name>', 'the class name (ignoring case)')
      .option('--clear-factors', 'stop using every factor in every context (then apply the --factor options given)'),
    true,
  ).action(async (name: string, options: ClassOptions) => {
    process.exitCode = await runCommand(options.json === true, async () => {
      const change = classFields(options, true);
      if (Object.keys(change).length === 0) throw new UsageError('class update: give at least one field to change (see gatehouse class update --help).');
      const updated = await withServices((services) => services.classes.update(name, change, { actor: cliActor() }));
      return { data: updated, text: `Updated class "${updated.name}".\n${formatClass(updated)}` };
    });
  });

  classCommand
    .command('delete')
    .description('delete a class that no person uses and that is not the default class')
    .argument('<name>', 'the class name (ignoring case)')
    .option('--json', 'machine-readable output')
    .action(async (name: string, options: { json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        await withServices((services) => services.classes.delete(name, { actor: cliActor() }));
        return { data: { deleted: name.toUpperCase() }, text: `Deleted class "${name.toUpperCase()}".` };
      });
    });

  classCommand
    .command('default')
    .description('show, set or clear the default class (the class of persons whose class is *DFT)')
    .argument('[name]', 'the class to make the default')
    .option('--clear', 'no default class: persons with class *DFT are asked for no second factor')
    .option('--json', 'machine-readable output')
    .action(async (name: string | undefined, options: { clear?: boolean; json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        if (name !== undefined && options.clear) throw new UsageError('class default: give a class name or --clear, not both.');
        if (name === undefined && !options.clear) {
          const current = await withServices((services) => services.settings.defaultClass());
          const text = current === undefined
            ? 'No default class is set: persons whose class is *DFT are asked for no second factor.'
            : `The default class is ${current}: persons whose class is *DFT use it.`;
          return { data: { default_class: current ?? null }, text };
        }
        const result = await withServices((services) => services.settings.setDefaultClass(name, { actor: cliActor() }));
        const current = result.default_class;
        const text = current === undefined
          ? `${result.status === 'unchanged' ? 'No default class was set' : 'Cleared the default class'}: persons whose class is *DFT are asked for no second factor.`
          : `The default class ${result.status === 'unchanged' ? 'already was' : 'is now'} ${current}.`;
        return { data: { default_class: current ?? null, status: result.status }, text };
      });
    });
}
