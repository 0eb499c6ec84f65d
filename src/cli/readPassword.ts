import type { ReadStream } from 'node:tty';
import { InvalidInputError } from '../errors/GatehouseError.ts';

/** Everything on standard input, without the one line ending that `echo` or a file adds. */
async function readAllOfStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Reads one line from the terminal without echoing it. Ctrl-C ends the process (130). */
function promptHidden(prompt: string): Promise<string> {
  const input = process.stdin as ReadStream;
  process.stderr.write(prompt);
  input.setRawMode(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve) => {
    let value = '';
    const finish = () => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (char === '\u0003') {
          finish();
          process.exit(130);
        }
        if (char === '\u007f' || char === '\b') value = [...value].slice(0, -1).join('');
        else if (char >= ' ') value += char;
      }
    };
    input.on('data', onData);
  });
}

/**
 * The new password of a person: all of standard input with `fromStdin`, else typed twice
 * at the terminal without echo. Undefined when neither is possible (standard input is
 * not a terminal and `fromStdin` was not asked for). The password rules are the
 * directory's (security/passwordRules.ts), which knows the person. Never taken from the command line,
 * where it would stay in the shell history and the process list.
 */
export async function readPassword(options: { fromStdin: boolean; prompt?: string }): Promise<string | undefined> {
  if (options.fromStdin) {
    if (process.stdin.isTTY) process.stderr.write('Reading the password from standard input (end with Ctrl-D)...\n');
    return readAllOfStdin();
  }
  if (!process.stdin.isTTY) return undefined;
  const password = await promptHidden(options.prompt ?? 'Password: ');
  const repeated = await promptHidden('Repeat the password: ');
  if (repeated !== password) throw new InvalidInputError('The two passwords differ; nothing was changed.');
  return password;
}
