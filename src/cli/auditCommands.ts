import type { Command } from 'commander';
import type { AuditEntry } from '../security/createAuditLog.ts';
import { formatTable } from './formatTable.ts';
import { runCommand } from './runCommand.ts';
import { UsageError } from './UsageError.ts';
import { withServices } from './withServices.ts';

const entities = ['class', 'person', 'ipgroup', 'client', 'settings', 'keys', 'totp'] as const;

const show = (value: unknown) => (value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value));

/** What changed between before and after, as "field: old → new" (top-level fields). */
export function describeChange(entry: Pick<AuditEntry, 'before' | 'after'>): string {
  const before = entry.before ?? {};
  const after = entry.after ?? {};
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (field) => field !== 'last_update' && JSON.stringify(before[field]) !== JSON.stringify(after[field]),
  );
  if (!entry.before || !entry.after) return '';
  return fields.map((field) => `${field}: ${show(before[field])} → ${show(after[field])}`).join('; ');
}

export function registerAuditCommands(program: Command): void {
  program
    .command('audit')
    .description('list recorded changes, newest first: who, what, when, before/after (never secrets)')
    .option('--entity <kind>', `only changes of: ${entities.join(', ')}`)
    .option('--id <id>', 'only changes of this record (a class or IP group name, a client_id, a person\'s sub)')
    .option('--limit <n>', 'how many, up to 1000', '50')
    .option('--json', 'machine-readable output (with the full before/after records)')
    .action(async (options: { entity?: string; id?: string; limit: string; json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        if (options.entity !== undefined && !(entities as readonly string[]).includes(options.entity)) {
          throw new UsageError(`audit --entity: one of ${entities.join(', ')}.`);
        }
        if (!/^\d+$/.test(options.limit) || Number(options.limit) < 1 || Number(options.limit) > 1000) throw new UsageError('audit --limit: a whole number from 1 to 1000.');
        const entries = await withServices((services) =>
          services.audit.list({
            ...(options.entity ? { entity: options.entity as AuditEntry['entity'] } : {}),
            ...(options.id ? { entityId: options.id } : {}),
            limit: Number(options.limit),
          }),
        );
        const rows = entries.map((entry) => [
          entry.at.toISOString(),
          `${entry.actor.kind}:${entry.actor.name ?? entry.actor.id}${entry.ip ? ` from ${entry.ip}` : ''}`,
          entry.action,
          `${entry.entity} ${String((entry.after ?? entry.before)?.name ?? (entry.after ?? entry.before)?.client_id ?? entry.entityId)}`,
          describeChange(entry),
        ]);
        const text = entries.length === 0 ? 'No recorded changes.' : formatTable([['WHEN (UTC)', 'WHO', 'ACTION', 'WHAT', 'CHANGES'], ...rows]);
        return { data: entries, text };
      });
    });
}
