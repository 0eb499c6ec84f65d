import type { Command } from 'commander';
import { cliActor } from './cliActor.ts';
import { exportDocument } from './exportDocument.ts';
import { importDocument, type ImportCounts } from './importDocument.ts';
import { readJsonDocument } from './readJsonDocument.ts';
import { runCommand } from './runCommand.ts';
import { withServices } from './withServices.ts';

const counted = (counts: ImportCounts) => `${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged`;

export function registerImportExportCommands(program: Command): void {
  program
    .command('import')
    .description('create or replace IP groups, classes, settings, clients and persons from a JSON document; all or nothing')
    .argument('<file>', 'the document: { "ipGroups": [...], "classes": [...], "settings": {...}, "clients": [...], "persons": [...] }, or - for standard input')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nIP groups, classes and persons are replaced by name (ignoring case), clients by client_id; what the file does not list is left alone.\nNothing is written unless every entry is valid.')
    .action(async (file: string, options: { json?: boolean }) => {
      const json = options.json === true;
      process.exitCode = await runCommand(json, async () => {
        const document = await readJsonDocument(file);
        const report = await withServices((services) => importDocument(services, document, { actor: cliActor() }));
        const text = [
          `Imported ${file === '-' ? 'standard input' : file}:`,
          `  IP groups: ${counted(report.ipGroups)}`,
          `  classes: ${counted(report.classes)}`,
          `  settings: ${counted(report.settings)}`,
          `  clients: ${counted(report.clients)}`,
          `  persons: ${counted(report.persons)}`,
          ...report.generated_secrets.flatMap(({ client_id, client_secret }) => [
            `Generated secret of client "${client_id}" (shown only this once; store it now):`,
            `  ${client_secret}`,
          ]),
        ].join('\n');
        return { data: report, text, notes: json ? [] : report.warnings.map((warning) => `warning: ${warning}`) };
      });
    });

  program
    .command('export')
    .description('print every IP group, class, setting, client and person as a JSON document that import takes back')
    .option('--with-secrets', 'include client secrets (keep the output as safe as the database)')
    .option('--json', 'machine-readable output (export is always JSON)')
    .action(async (options: { withSecrets?: boolean; json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        const document = await withServices((services) => exportDocument(services, { withSecrets: options.withSecrets }));
        return { data: document, text: JSON.stringify(document, null, 2) };
      });
    });
}
