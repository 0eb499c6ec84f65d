import { readdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** Runs `task(0..count-1)` with at most `concurrency` under way; returns each task's duration in ms, in index order. */
export async function runPool(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<{ durationsMs: number[]; wallMs: number }> {
  const durationsMs = Array.from({ length: count }, () => 0);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const started = performance.now();
      await task(index);
      durationsMs[index] = performance.now() - started;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { durationsMs, wallMs: performance.now() - started };
}

/** Nearest-rank percentile of `values` (p in 0..100). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = values.toSorted((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** The mean of each of `parts` consecutive slices of `values` (in start order: how a run drifts). */
export function meanByPart(values: readonly number[], parts: number): number[] {
  const size = Math.ceil(values.length / parts);
  return Array.from({ length: Math.min(parts, values.length) }, (_, part) => mean(values.slice(part * size, (part + 1) * size))).filter((value) => !Number.isNaN(value));
}

export const mean = (values: readonly number[]) => (values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length);

/** A number rounded to `digits` decimals, for the report. */
export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

export type Memory = { rssMiB: number; heapUsedMiB: number };
const mib = (bytes: number) => round(bytes / 1024 / 1024, 1);
export const memoryOf = (usage: NodeJS.MemoryUsage): Memory => ({ rssMiB: mib(usage.rss), heapUsedMiB: mib(usage.heapUsed) });

export function machine() {
  const list = cpus();
  return { cpuModel: list[0]?.model ?? 'unknown', cpuCount: list.length, totalMemoryMiB: mib(totalmem()), node: process.version, platform: `${process.platform} ${process.arch}` };
}

/** Linux clock ticks per second (USER_HZ); 100 on every mainstream kernel build. */
const clockTicks = 100;

/** CPU seconds (user + system) a process has used so far, from /proc; undefined elsewhere. */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return undefined;
  }
}

/** The pid of this process's child whose command name contains `name` (Linux only). */
export function childPidNamed(name: string): number | undefined {
  try {
    for (const task of readdirSync('/proc/self/task')) {
      const children = readFileSync(`/proc/self/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      for (const pid of children) {
        if (readFileSync(`/proc/${pid}/comm`, 'utf8').includes(name)) return pid;
      }
    }
  } catch {
    // Not Linux, or the process ended meanwhile.
  }
  return undefined;
}
