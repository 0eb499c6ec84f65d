import { readFile } from 'node:fs/promises';
import { InvalidInputError } from '../errors/GatehouseError.ts';

/** Reads and parses a JSON file, or standard input for `-`; a clear sentence when either fails. */
export async function readJsonDocument(path: string): Promise<unknown> {
  const source = path === '-' ? 'standard input' : path;
  let text: string;
  try {
    if (path === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      text = Buffer.concat(chunks).toString('utf8');
    } else {
      text = await readFile(path, 'utf8');
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory, not a file' : code === 'EACCES' ? 'not readable (permission denied)' : (error as Error).message;
    throw new InvalidInputError(`${source}: ${reason}.`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new InvalidInputError(`${source}: not valid JSON (${(error as Error).message}).`);
  }
}
