import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../configuration/loadConfig.ts';
import { rotateSigningKey } from '../oidc/keyring.ts';
import { developmentKeyFiles, replaceDevelopmentMasterKey, usesDevelopmentKeyFile } from '../security/resolveMasterKey.ts';
import { rotateMasterKey, type MasterKeyRotation } from '../security/rotateMasterKey.ts';
import { masterKeyId } from '../security/secretBox.ts';
import { cliActor } from './cliActor.ts';
import { formatTable } from './formatTable.ts';
import { runCommand } from './runCommand.ts';
import { UsageError } from './UsageError.ts';
import { withServices } from './withServices.ts';

const rotateMasterHelp = `
Re-seals every secret Gatehouse keeps sealed in the database (TOTP keys, emergency
tokens, client secrets, signing and cookie keys) under the current MASTER_KEY, opening
them with the former keys of MASTER_KEYS_PREVIOUS. Nothing is printed but counts, key
ids and where a value lies.

Rotating the master key, with no downtime:
  1. openssl rand -base64 32                      the new key
  2. restart every server with MASTER_KEY=<new> MASTER_KEYS_PREVIOUS=<old>
     (several servers: first restart them all with MASTER_KEY=<old>
     MASTER_KEYS_PREVIOUS=<new>, then as above, so that no server ever meets a value
     sealed under a key it does not know)
  3. gatehouse keys rotate-master                 with the same MASTER_KEY and MASTER_KEYS_PREVIOUS
  4. when it says every value is under the new key: remove MASTER_KEYS_PREVIOUS, restart
One-time codes sent by email or SMS just before the switch no longer match after it: the
person asks for a new one.

Development (no MASTER_KEY: the key is DATA_DIR/master.key): --generate writes a new key
there, keeps the old one in DATA_DIR/master.key.previous (read like MASTER_KEYS_PREVIOUS)
and re-seals; restart the development server afterwards. Delete master.key.previous once
a run re-seals nothing.

Running it again is harmless: what is already under MASTER_KEY is left alone.
Exit codes: 0 every value is under MASTER_KEY; 1 a value could not be opened (named; its
key is not configured) or is still under another key — the others were re-sealed: fix and
run again; 2 usage error.`;

/** What the operator may now drop, or undefined when no former key is configured. */
function formerKeysNote(config: Config): string | undefined {
  const previousFile = developmentKeyFiles(config.dataDir).previous;
  const notes = [
    ...(config.masterKeysPrevious?.length ? ['MASTER_KEYS_PREVIOUS is no longer needed: remove it from the configuration and restart the servers.'] : []),
    ...(usesDevelopmentKeyFile(config) && existsSync(previousFile) ? [`${previousFile} is no longer needed once the development server runs with the new key: delete it then.`] : []),
  ];
  return notes.length ? notes.join('\n') : undefined;
}

function describeRotation(rotation: MasterKeyRotation, config: Config): { text: string; problems: string[]; next: string } {
  const table = formatTable([
    ['kind', 're-sealed', 'already current', 'failed', 'changed meanwhile'],
    ...rotation.counts.map((count) => [count.kind, String(count.resealed), String(count.alreadyCurrent), String(count.failed), String(count.changedMeanwhile)]),
  ]);
  const problems: string[] = [];
  if (rotation.failures.length > 0) {
    problems.push(
      `${rotation.failures.length} sealed value(s) could not be opened and were left as they are:`,
      ...rotation.failures.map((failure) => `  ${failure.collection} ${failure.id} ${failure.field}: ${failure.reason}`),
      'Add the master key they were sealed under to MASTER_KEYS_PREVIOUS and run the command again, or replace those secrets.',
    );
  }
  const writtenMeanwhile = rotation.remaining - rotation.failures.length;
  if (writtenMeanwhile > 0) {
    problems.push(`${writtenMeanwhile} value(s) were written under a former master key while the command ran: restart every server with MASTER_KEY set to the new key, then run the command again.`);
  }
  const resealed = rotation.counts.reduce((sum, count) => sum + count.resealed, 0);
  const next =
    rotation.remaining > 0
      ? 'Keep MASTER_KEYS_PREVIOUS until a run ends with every value under the current master key.'
      : (formerKeysNote(config) ?? (resealed === 0 ? 'Nothing to re-seal.' : 'No former master key is configured any more.'));
  const headline = rotation.remaining > 0 ? `Master key ${rotation.keyId}: ${rotation.remaining} sealed value(s) are not under it yet.` : `Master key ${rotation.keyId}: every sealed value is under it (${resealed} re-sealed now).`;
  return { text: [headline, '', table, '', next].join('\n'), problems, next };
}

export function registerKeyCommands(program: Command): void {
  const keys = program.command('keys').description('the provider\'s signing keys and the master key');

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

  keys
    .command('rotate-master')
    .description('re-seal every secret in the database under MASTER_KEY, after a change of master key')
    .option('--generate', 'development only: replace DATA_DIR/master.key by a new key (the old one is kept in DATA_DIR/master.key.previous), then re-seal')
    .option('--json', 'machine-readable output')
    .addHelpText('after', rotateMasterHelp)
    .action(async (options: { generate?: boolean; json?: boolean }) => {
      const json = options.json === true;
      let incomplete = false;
      const code = await runCommand(json, async () => {
        const config = loadConfig();
        let generated: { file: string; previous_file: string; key_id: string } | undefined;
        if (options.generate) {
          if (!usesDevelopmentKeyFile(config)) {
            throw new UsageError(
              '--generate replaces the development key file DATA_DIR/master.key, and the master key here is MASTER_KEY. Make a key with `openssl rand -base64 32`, restart the servers with MASTER_KEY=<new> MASTER_KEYS_PREVIOUS=<old>, then run `gatehouse keys rotate-master` without --generate.',
            );
          }
          const files = developmentKeyFiles(config.dataDir);
          const key = replaceDevelopmentMasterKey(config);
          generated = { file: files.current, previous_file: files.previous, key_id: masterKeyId(Buffer.from(key, 'base64')) };
        }
        const rotation = await withServices((services) => rotateMasterKey({ connection: services.store.connection, box: services.secretBox, audit: services.audit, actor: cliActor() }));
        incomplete = rotation.remaining > 0 || rotation.failures.length > 0;
        const { text, problems, next } = describeRotation(rotation, config);
        const generatedText = generated
          ? [`New development master key ${generated.key_id} in ${generated.file}; the former key is kept in ${generated.previous_file}. Restart the development server if it runs.`, '']
          : [];
        return {
          data: {
            key_id: rotation.keyId,
            complete: !incomplete,
            ...(generated ? { generated } : {}),
            counts: rotation.counts.map((count) => ({
              kind: count.kind,
              resealed: count.resealed,
              already_current: count.alreadyCurrent,
              failed: count.failed,
              changed_meanwhile: count.changedMeanwhile,
            })),
            failures: rotation.failures.map((failure) => ({ kind: failure.kind, collection: failure.collection, id: failure.id, field: failure.field, key_id: failure.keyId ?? null, reason: failure.reason })),
            remaining: rotation.remaining,
            next,
          },
          text: [...generatedText, text].join('\n'),
          notes: json ? [] : problems,
        };
      });
      // Refused (1) when something is left under another key, after everything else was re-sealed and reported.
      process.exitCode = code === 0 && incomplete ? 1 : code;
    });
}
