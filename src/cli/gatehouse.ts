#!/usr/bin/env node
// The `gatehouse` command: works directly on the configured database, whether or not the server runs.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerAuditCommands } from './auditCommands.ts';
import { registerClassCommands } from './classCommands.ts';
import { registerClientCommands } from './clientCommands.ts';
import { registerImportExportCommands } from './importExportCommands.ts';
import { registerIpGroupCommands } from './ipGroupCommands.ts';
import { registerKeyCommands } from './keyCommands.ts';
import { registerPersonCommands } from './personCommands.ts';
import { registerQuestionCommands } from './questionCommands.ts';
import { registerTotpCommands } from './totpCommands.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('gatehouse')
  .description('Administer Gatehouse: import/export, clients, classes, IP groups, persons, signing keys.')
  .version(version)
  .exitOverride()
  .showHelpAfterError('(see --help)')
  .addHelpText('after', '\nThe database is MONGODB_URI, or the embedded database of DATA_DIR (the running server\'s, or one started for the command).\nLinks and otpauth URIs use the issuer the deployment\'s server recorded at start; an ISSUER given to the command wins.\nExit codes: 0 done, 1 refused or failed, 2 usage error.');

registerImportExportCommands(program);
registerClientCommands(program);
registerClassCommands(program);
registerIpGroupCommands(program);
registerPersonCommands(program);
registerQuestionCommands(program);
registerTotpCommands(program);
registerKeyCommands(program);
registerAuditCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) throw error;
  // Commander has already printed the help or the message; a usage error exits 2.
  process.exitCode = error.exitCode === 0 ? 0 : 2;
}
