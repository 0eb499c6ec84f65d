import { GatehouseError } from '../errors/GatehouseError.ts';
import { ImportRejectedError } from './ImportRejectedError.ts';
import { UsageError } from './UsageError.ts';

/** What a command prints: `data` with --json, `text` otherwise; `notes` go to stderr either way. */
export type CommandOutput = { data: unknown; text: string; notes?: string[] };

const line = (text: string) => (text.endsWith('\n') ? text : `${text}\n`);

/**
 * Runs one command and turns its outcome into output and an exit code: 0 done; 1 refused
 * (a shown error: bad input, not found, conflict) or failed unexpectedly (one line, no
 * stack); 2 a usage error. With `json`, an error is `{"error": "...", "problems"?: [...]}`
 * on stdout, so a script always reads one JSON document there.
 */
export async function runCommand(json: boolean, body: () => Promise<CommandOutput>): Promise<number> {
  try {
    const output = await body();
    process.stdout.write(line(json ? JSON.stringify(output.data, null, 2) : output.text));
    for (const note of output.notes ?? []) process.stderr.write(line(note));
    return 0;
  } catch (error) {
    const shown = error instanceof GatehouseError && error.expose;
    const message = shown ? error.message : `Unexpected error: ${String((error as Error)?.message ?? error).split('\n')[0]}`;
    const problems = error instanceof ImportRejectedError ? error.problems : undefined;
    if (json) {
      process.stdout.write(line(JSON.stringify({ error: message, ...(problems ? { problems } : {}) }, null, 2)));
    } else {
      process.stderr.write(line([message, ...(problems ?? []).map((problem) => `  ${problem}`)].join('\n')));
    }
    return error instanceof UsageError ? 2 : 1;
  }
}
