import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileServer } from '../../src/build/compileServer.ts';
import type { ServerStats } from './benchServer.ts';

/** What a server process of the benchmark (benchServer.ts, baselineServer.ts) answers over IPC. */
export type ServerAnswer = { type: 'ready'; url: string } | ({ type: 'stats' } & ServerStats) | { type: 'failed'; message: string };

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * Pinning: the servers (and the embedded database) on CPU 0, the load on CPU 1, when
 * `taskset` exists and there are two CPUs or more (and `wanted`: BENCH_PIN=0 turns it off).
 */
export function pinningAvailable(wanted: boolean): boolean {
  if (!wanted || cpus().length < 2) return false;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Pins every thread of `pid` (those it starts later inherit it) to `cpu`. */
export function pin(pid: number, cpu: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
}

/** The Node options `npm start` gives the server (package.json). */
const serverNodeOptions = ['--experimental-async-context-frame'];

let compiled: string | undefined;

/** The sources and this folder compiled to JavaScript once per run (src/build/compileServer.ts), removed at exit. */
function compiledServers(): string {
  if (compiled) return compiled;
  const directory = mkdtempSync(join(tmpdir(), 'gatehouse-bench-servers-'));
  process.once('exit', () => rmSync(directory, { recursive: true, force: true }));
  compiled = compileServer(join(directory, 'out'), ['src', 'config', 'test/bench']).out;
  return compiled;
}

/**
 * Forks `module` (a file of this folder) as a server process, pinned to `cpu` when given.
 * It runs as `npm start` runs Gatehouse: compiled to JavaScript, with the same Node options.
 */
export function forkServer(module: string, cpu: number | undefined): ChildProcess {
  const file = join(compiledServers(), 'test/bench', module.replace(/\.ts$/, '.js'));
  const child = fork(file, [], { execArgv: serverNodeOptions, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  process.once('exit', () => child.kill('SIGKILL'));
  if (cpu !== undefined && child.pid !== undefined) pin(child.pid, cpu);
  return child;
}

/** Sends `message` (if any) to the server process and waits for its answer of `type`. */
export function ask<T extends ServerAnswer['type']>(child: ChildProcess, message: object | undefined, type: T, timeoutMs: number): Promise<Extract<ServerAnswer, { type: T }>> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`The server process did not answer "${type}" within ${timeoutMs / 1000} s.`));
    }, timeoutMs);
    const onMessage = (answer: ServerAnswer) => {
      if (answer.type === 'failed') {
        done();
        reject(new Error(`The server did not start: ${answer.message}`));
      } else if (answer.type === type) {
        done();
        resolve(answer as Extract<ServerAnswer, { type: T }>);
      }
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`The server process exited (code ${code}).`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    if (message) child.send(message);
  });
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.send({ type: 'stop' });
  else child.kill('SIGTERM');
  await Promise.race([exited, pause(12_000)]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
}
