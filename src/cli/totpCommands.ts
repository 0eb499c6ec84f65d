import { open, rm, type FileHandle } from 'node:fs/promises';
import type { Command } from 'commander';
import { InvalidInputError } from '../errors/GatehouseError.ts';
import type { TotpKeyCreated, TotpKeyDisplay, TotpLinkSent } from '../factors/totp/createTotpKeyMenu.ts';
import { totpCreatedView, totpDisplayView, totpLinkView, totpRemovedView, totpStatusView, totpTokensView } from '../factors/totp/totpKeyViews.ts';
import { cliActor } from './cliActor.ts';
import { runCommand } from './runCommand.ts';
import { UsageError } from './UsageError.ts';
import { withServices } from './withServices.ts';

const auditNote = 'This display is recorded in the audit log.';
const apps = 'Google Authenticator, Microsoft Authenticator, Authy, IBM Verify or any RFC 6238 app';

/** A whole number option; anything else is a usage error (the service checks the range). */
function wholeNumber(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${option}: a whole number; got ${JSON.stringify(value)}.`);
  return Number(value);
}

/** `--key -`: the key from standard input, out of the shell history and the process list. */
async function readKey(value: string | undefined): Promise<string | undefined> {
  if (value !== '-') return value;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').trim();
}

/**
 * Creates `file` readable by its owner only, and never over an existing file (which could
 * be readable by others), before `make` (which displays the key, audited) runs; writes what
 * `make` returns, or removes the file when it fails.
 */
async function createExclusively(file: string, make: () => Promise<string | Buffer>): Promise<void> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'wx', 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'EEXIST'
        ? 'already exists; remove it or name another file (a QR code holds the key, so it is never written over)'
        : code === 'ENOENT'
          ? 'its folder does not exist'
          : code === 'EACCES'
            ? 'not writable (permission denied)'
            : (error as Error).message;
    throw new InvalidInputError(`${file}: ${reason}.`);
  }
  try {
    const content = await make();
    await handle.writeFile(content);
    await handle.close();
  } catch (error) {
    await handle.close();
    await rm(file, { force: true });
    throw error;
  }
}

const parametersOf = (key: { algorithm?: string; digits?: number; period?: number }) => `${key.algorithm}, ${key.digits} digits, ${key.period} seconds`;

const describeLink = (link: TotpLinkSent) =>
  `Emailed "${link.name}" a registration link (to ${link.sentTo}); it works once, until ${link.expiresAt}, and only for the current key. The key itself was not sent.`;

function describeCreated(created: TotpKeyCreated & { link?: TotpLinkSent }): string {
  const name = created.name;
  return [
    `${created.replaced === 'none' ? 'Created' : 'Replaced'} the TOTP key of "${name}" (${created.generated ? 'generated' : 'typed'}; ${parametersOf(created)}). The key is pending.`,
    ...(created.replaced === 'none' ? [] : [`The previous key (${created.replaced}) no longer works.`]),
    `It counts at sign-in once ${name} has added it to an authenticator app (${apps}) by scanning the QR code or typing the key, and confirmed one current code from the app.`,
    created.link
      ? describeLink(created.link)
      : `Give ${name} the key or the QR code: gatehouse totp show ${name}, gatehouse totp qr ${name} (each display is audited), or email a registration link: gatehouse totp send-link ${name}.`,
    created.emergencyTokensCreated
      ? `${name} had no emergency tokens left: made a new set of ${created.tokensLeft} (shown by gatehouse totp show ${name}).`
      : `${name} has ${created.tokensLeft} unused emergency tokens (gatehouse totp tokens ${name} --recreate makes a new set).`,
  ].join('\n');
}

const stateWords = { none: 'no key', pending: 'pending (counts once the person confirms a code from the app)', active: 'active' } as const;

function describeDisplay(display: TotpKeyDisplay): string {
  const rows: [string, string][] = display.key
    ? [
        ['Key', display.key],
        ['Parameters', parametersOf(display)],
        ['otpauth URI', display.otpauthUri!],
      ]
    : [];
  rows.push(['Emergency tokens', `${display.tokensLeft} left`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    `TOTP key of "${display.name}": ${stateWords[display.state]}`,
    ...rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`),
    ...display.emergencyTokens.map((token, index) => `  ${String(index + 1).padStart(2)}. ${token}`),
  ].join('\n');
}

/**
 * `gatehouse totp …`: the admin's TOTP key menu ("8=TOTP") over services.totpKeys. Every
 * command is audited with the operating-system user as actor; `show` and `qr` display
 * secrets and are audited as displays. `create` never prints the key: `show` does.
 */
export function registerTotpCommands(program: Command): void {
  const totp = program.command('totp').description('a person\'s TOTP key and emergency tokens ("8=TOTP"): create, send-link, tokens, show, qr, remove');

  totp
    .command('create')
    .description('create or replace the person\'s TOTP key ("1. Create/Replace"): generated (160 random bits) unless --key is given; pending until the person confirms a code')
    .argument('<name>', 'the person\'s name')
    .option('--key <base32>', 'the key to use, Base32 (A–Z, 2–7; spaces and lower case are ignored), at least 128 bits; "-" reads it from standard input, out of the shell history')
    .option('--algorithm <algorithm>', 'SHA1, SHA256 or SHA512 (default SHA1: every app supports it)')
    .option('--digits <digits>', '6 or 8 (default 6)')
    .option('--period <seconds>', 'seconds per code (default 30)')
    .option('--email', 'email the person a registration link (single use, expiring) instead of giving them the key ("email new key")')
    .option('--json', 'machine-readable output (never the key)')
    .addHelpText('after', '\nThe old key stops working at once; the new one counts once the person confirms a code.\nThe key is never printed here: `gatehouse totp show NAME` displays it (audited).')
    .action(async (name: string, options: { key?: string; algorithm?: string; digits?: string; period?: string; email?: boolean; json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        const request = {
          key: await readKey(options.key),
          algorithm: options.algorithm,
          digits: wholeNumber('--digits', options.digits),
          period: wholeNumber('--period', options.period),
        };
        const created = await withServices((services) => services.totpKeys.create(name, request, { actor: cliActor(), email: options.email === true }));
        return { data: totpCreatedView(created), text: describeCreated(created) };
      });
    });

  totp
    .command('send-link')
    .description('email the person a single-use, expiring link to the registration page for their pending key ("5. Send link"): QR code, key, emergency tokens, confirm one code')
    .argument('<name>', 'the person\'s name')
    .option('--json', 'machine-readable output (never the link)')
    .addHelpText('after', '\nOlder links of the person stop working. Needs an email address and a pending key (gatehouse totp create NAME --email does both).')
    .action(async (name: string, options: { json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        const sent = await withServices((services) => services.totpKeys.sendLink(name, { actor: cliActor() }));
        return { data: totpLinkView(sent), text: describeLink(sent) };
      });
    });

  totp
    .command('tokens')
    .description('the person\'s emergency tokens: how many are left, or a new set of 10 with --recreate ("2. Recreate Emergency Tokens")')
    .argument('<name>', 'the person\'s name')
    .option('--recreate', 'make 10 new tokens; the old ones stop working at once')
    .option('--json', 'machine-readable output (never the tokens)')
    .action(async (name: string, options: { recreate?: boolean; json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        if (options.recreate) {
          const recreated = await withServices((services) => services.totpKeys.recreateTokens(name, { actor: cliActor() }));
          return {
            data: totpTokensView(recreated),
            text: `Made ${recreated.tokensLeft} new emergency tokens for "${recreated.name}"; the old ones no longer work.\nDisplay them with: gatehouse totp show ${recreated.name}`,
          };
        }
        const status = await withServices((services) => services.totpKeys.status(name, { actor: cliActor() }));
        return {
          data: totpStatusView(status),
          text: `"${status.name}" has ${status.tokensLeft} unused emergency token(s); TOTP key: ${stateWords[status.state]}.\nAdd --recreate for a new set of 10 (the old ones stop working at once).`,
        };
      });
    });

  totp
    .command('show')
    .description('display the person\'s TOTP key (groups of four), its otpauth URI and the unused emergency tokens ("3. Display Key and Emergency Tokens"); audited')
    .argument('<name>', 'the person\'s name')
    .option('--json', 'machine-readable output')
    .action(async (name: string, options: { json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        const display = await withServices((services) => services.totpKeys.show(name, { actor: cliActor() }));
        return { data: totpDisplayView(display), text: describeDisplay(display), notes: [auditNote] };
      });
    });

  totp
    .command('qr')
    .description('the person\'s key as a QR code to scan ("4. Display QR code"): drawn in the terminal, or written to an SVG or PNG file; audited')
    .argument('<name>', 'the person\'s name')
    .option('--svg <file>', 'write an SVG image to this file instead')
    .option('--png <file>', 'write a PNG image to this file instead')
    .option('--json', 'machine-readable output')
    .addHelpText('after', '\nThe QR code holds the key: a file is written readable by its owner only; delete it once scanned.')
    .action(async (name: string, options: { svg?: string; png?: string; json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        if (options.svg !== undefined && options.png !== undefined) throw new UsageError('totp qr: --svg or --png, not both.');
        const file = options.svg ?? options.png;
        if (file === undefined) {
          const drawn = await withServices((services) => services.totpKeys.qr(name, { actor: cliActor(), format: 'terminal' }));
          return { data: { name, format: 'terminal', qr: drawn }, text: drawn, notes: [`Scan it with the authenticator app. ${auditNote}`] };
        }
        const format = options.svg !== undefined ? 'svg' : 'png';
        await createExclusively(file, () => withServices((services) => services.totpKeys.qr(name, { actor: cliActor(), format })));
        return {
          data: { name, format, file },
          text: `Wrote the QR code of ${name}'s TOTP key to ${file} (${format.toUpperCase()}). It holds the key: delete the file once it has been scanned.`,
          notes: [auditNote],
        };
      });
    });

  totp
    .command('remove')
    .description('remove the person\'s TOTP key and emergency tokens')
    .argument('<name>', 'the person\'s name')
    .option('--yes', 'confirm: the person can no longer sign in with the key or the tokens')
    .option('--json', 'machine-readable output')
    .action(async (name: string, options: { yes?: boolean; json?: boolean }) => {
      process.exitCode = await runCommand(options.json === true, async () => {
        if (!options.yes) throw new UsageError(`totp remove: add --yes to remove the TOTP key and emergency tokens of "${name}".`);
        const removed = await withServices((services) => services.totpKeys.remove(name, { actor: cliActor() }));
        const what = [removed.keyRemoved ? 'the TOTP key' : '', removed.emergencyTokensRemoved ? 'the emergency tokens' : ''].filter(Boolean).join(' and ');
        return { data: totpRemovedView(removed), text: `Removed ${what} of "${removed.name}".` };
      });
    });
}
