import type { Command } from 'commander';
import type { IpGroupView } from '../directory/ipGroupDirectory.ts';
import { normaliseRanges } from '../directory/ipGroupDirectory.ts';
import { InvalidInputError } from '../errors/GatehouseError.ts';
import { cliActor } from './cliActor.ts';
import { formatTable } from './formatTable.ts';
import { runCommand } from './runCommand.ts';
import { UsageError } from './UsageError.ts';
import { withServices } from './withServices.ts';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

function formatIpGroup(group: IpGroupView): string {
  return [
    `IP group  ${group.name}`,
    `Text      ${group.text}`.trimEnd(),
    `Ranges    ${group.ranges.join('\n          ')}`,
    `Last update ${group.last_update}`,
  ].join('\n');
}

type UpdateOptions = { text?: string; range?: string[]; addRange?: string[]; removeRange?: string[]; json?: boolean };

export function registerIpGroupCommands(program: Command): void {
  const ipGroup = program.command('ipgroup').description('IP groups: named lists of address ranges a person may sign in from');

  ipGroup
    .command('add')
    .description('add an IP group')
    .argument('<name>', 'the IP group name: 1-10 of A-Z, 0-9, _ (stored upper-case)')
    .option('--range <cidr>', 'a range such as 10.0.0.0/8 or 2001:db8::/32, or one address (repeat for more)', collect)
    .option('--text <text>', 'a description, up to 50 characters')
    .option('--json', 'machine-readable output')
    .action(async (name: string, options: { range?: string[]; text?: string; json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        if (!options.range?.length) throw new UsageError('ipgroup add: give at least one --range (such as --range 10.0.0.0/8).');
        const added = await withServices((services) =>
          services.ipGroups.add({ name, ranges: options.range, ...(options.text !== undefined ? { text: options.text } : {}) }, { actor: cliActor() }),
        );
        return { data: added, text: `Added IP group "${added.name}".\n${formatIpGroup(added)}` };
      });
    });

  ipGroup
    .command('show')
    .description('show an IP group')
    .argument('<name>', 'the IP group name (ignoring case)')
    .option('--json', 'machine-readable output')
    .action(async (name: string, options: { json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        const shown = await withServices((services) => services.ipGroups.show(name));
        return { data: shown, text: formatIpGroup(shown) };
      });
    });

  ipGroup
    .command('list')
    .description('list the IP groups')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        const groups = await withServices((services) => services.ipGroups.list());
        const rows = groups.map((g) => [g.name, g.text, g.ranges.join(' ')]);
        return { data: groups, text: groups.length === 0 ? 'No IP groups.' : formatTable([['IP GROUP', 'TEXT', 'RANGES'], ...rows]) };
      });
    });

  ipGroup
    .command('update')
    .description('change the text or the ranges of an IP group')
    .argument('<name>', 'the IP group name (ignoring case)')
    .option('--text <text>', 'a description, up to 50 characters')
    .option('--range <cidr>', 'the new list of ranges, replacing the old one (repeat for more)', collect)
    .option('--add-range <cidr>', 'add a range to the list (repeat for more)', collect)
    .option('--remove-range <cidr>', 'remove a range from the list (repeat for more)', collect)
    .option('--json', 'machine-readable output')
    .action(async (name: string, options: UpdateOptions) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        if (options.range && (options.addRange || options.removeRange)) throw new UsageError('ipgroup update: give either --range (the whole list) or --add-range/--remove-range, not both.');
        if (options.text === undefined && !options.range && !options.addRange && !options.removeRange) {
          throw new UsageError('ipgroup update: give --text, --range, --add-range or --remove-range (see gatehouse ipgroup update --help).');
        }
        const updated = await withServices(async (services) => {
          let ranges = options.range;
          if (options.addRange || options.removeRange) {
            const current = (await services.ipGroups.show(name)).ranges;
            const removed = options.removeRange ? normaliseRanges(options.removeRange) : [];
            const missing = removed.filter((range) => !current.includes(range));
            if (missing.length > 0) throw new InvalidInputError(`ranges: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in the IP group (it has ${current.join(', ')}).`);
            ranges = [...current.filter((range) => !removed.includes(range)), ...(options.addRange ?? [])];
          }
          return services.ipGroups.update(name, { ...(options.text !== undefined ? { text: options.text } : {}), ...(ranges ? { ranges } : {}) }, { actor: cliActor() });
        });
        return { data: updated, text: `Updated IP group "${updated.name}".\n${formatIpGroup(updated)}` };
      });
    });

  ipGroup
    .command('delete')
    .description('delete an IP group that no person uses')
    .argument('<name>', 'the IP group name (ignoring case)')
    .option('--json', 'machine-readable output')
    .action(async (name: string, options: { json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        await withServices((services) => services.ipGroups.delete(name, { actor: cliActor() }));
        return { data: { deleted: name.toUpperCase() }, text: `Deleted IP group "${name.toUpperCase()}".` };
      });
    });
}
