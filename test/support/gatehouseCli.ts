import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Services } from '../../src/services.ts';
import { newMasterKey, openTestServices, testConfig, testDatabaseUri } from './testGatehouse.ts';

// The real `gatehouse` command as a child process, on a test database of its own.

const node = resolve('node_modules/.bin/node');
const cli = resolve('src/cli/gatehouse.ts');

export type Database = { MONGODB_URI: string; MASTER_KEY: string };
export type CliResult = { code: number; stdout: string; stderr: string };

export function newDatabase(): Database {
  return { MONGODB_URI: testDatabaseUri(), MASTER_KEY: newMasterKey() };
}

/** A working directory for documents and the CLI's DATA_DIR; `remove` when done. */
export function cliWorkDir(): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'gatehouse-cli-test-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function runGatehouse(workDir: string, database: Database, args: string[], options: { input?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(node, [cli, ...args], {
      env: { ...process.env, ...database, DATA_DIR: join(workDir, 'data'), LOG_LEVEL: 'silent', ...options.env },
      stdio: 'pipe',
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

/** Runs a command that must succeed, with --json, and returns its parsed output. */
export async function runGatehouseJson(workDir: string, database: Database, args: string[], options: { input?: string } = {}): Promise<any> {
  const result = await runGatehouse(workDir, database, [...args, '--json'], options);
  if (result.code !== 0) throw new Error(`gatehouse ${args.join(' ')} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
  return JSON.parse(result.stdout);
}

export function writeDocument(workDir: string, document: unknown): string {
  const file = join(workDir, `document-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(document));
  return file;
}

export async function withDatabase<T>(database: Database, use: (services: Services) => Promise<T>): Promise<T> {
  const services = await openTestServices(testConfig({ mongodbUri: database.MONGODB_URI, masterKey: database.MASTER_KEY }));
  try {
    return await use(services);
  } finally {
    await services.store.close();
  }
}
