import type { ChildProcess } from 'node:child_process';
import type * as oidc from 'openid-client';
import type { ServerStats } from './benchServer.ts';
import { clientCredentialsOnce, refreshOnce } from './grantLoads.ts';
import { mean, meanByPart, memoryOf, percentile, processCpuSeconds, round, runPool, type Memory } from './measure.ts';
import { ask } from './serverProcess.ts';
import { signInWithTotp, type BenchPerson } from './signInWithTotp.ts';

/** A server under load: Gatehouse (with its database's pid, when embedded) or the baseline. */
export type Target = { child: ChildProcess; rp: oidc.Configuration; service: oidc.Configuration; databasePid?: number };
export type LoadSettings = { signIns: number; warmUp: number; concurrency: number; refreshes: number; clientCredentials: number; grantWarmUp: number };

export const serverStats = (child: ChildProcess) => ask(child, { type: 'stats' }, 'stats', 10_000);

export const latencySummary = (durationsMs: number[]) => ({
  mean: round(mean(durationsMs)),
  p50: round(percentile(durationsMs, 50)),
  p95: round(percentile(durationsMs, 95)),
  p99: round(percentile(durationsMs, 99)),
  max: round(Math.max(...durationsMs)),
});
export const perSecond = (count: number, wallMs: number) => round(count / (wallMs / 1000), 1);

/** Per operation: CPU of each process and the server's database commands, from two snapshots. */
export function perOperation(before: ServerStats, after: ServerStats, count: number, runnerCpu: NodeJS.CpuUsage, databaseCpuSeconds: number | undefined) {
  const byCommand = Object.fromEntries(
    Object.entries(after.database.byCommand)
      .map(([key, total]) => {
        const earlier = before.database.byCommand[key] ?? { count: 0, durationMs: 0 };
        const commands = total.count - earlier.count;
        return [key, { perOperation: round(commands / count, 2), meanMs: commands ? round((total.durationMs - earlier.durationMs) / commands, 2) : 0 }] as const;
      })
      .filter(([, value]) => value.perOperation > 0)
      .toSorted((a, b) => b[1].perOperation * b[1].meanMs - a[1].perOperation * a[1].meanMs),
  );
  const serverCpuMs = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000;
  return {
    serverCpuMs: round(serverCpuMs / count, 2),
    benchClientCpuMs: round((runnerCpu.user + runnerCpu.system) / 1000 / count, 2),
    ...(databaseCpuSeconds !== undefined ? { databaseCpuMs: round((databaseCpuSeconds * 1000) / count, 2) } : {}),
    databaseCommands: round((after.database.count - before.database.count) / count, 1),
    databaseWaitMs: round((after.database.durationMs - before.database.durationMs) / count, 2),
    databaseCommandsByKind: byCommand,
  };
}

export type Measured = Awaited<ReturnType<typeof measure>>;

/** Runs `count` operations at `concurrency` and reports their rate, latency and cost on the server. */
export async function measure(target: Target, count: number, concurrency: number, operation: (index: number) => Promise<void>) {
  const before = await serverStats(target.child);
  const databaseCpuBefore = target.databasePid ? processCpuSeconds(target.databasePid) : undefined;
  const runnerCpuBefore = process.cpuUsage();
  const run = await runPool(count, concurrency, operation);
  const runnerCpu = process.cpuUsage(runnerCpuBefore);
  const databaseCpuAfter = target.databasePid ? processCpuSeconds(target.databasePid) : undefined;
  const after = await serverStats(target.child);
  const databaseCpuSeconds = databaseCpuBefore !== undefined && databaseCpuAfter !== undefined ? databaseCpuAfter - databaseCpuBefore : undefined;
  return {
    count,
    perSecond: perSecond(count, run.wallMs),
    wallSeconds: round(run.wallMs / 1000, 2),
    latencyMs: latencySummary(run.durationsMs),
    meanLatencyByQuarterMs: meanByPart(run.durationsMs, 4).map((value) => round(value)),
    perOperation: perOperation(before, after, count, runnerCpu, databaseCpuSeconds),
  };
}

/**
 * The load both servers get, in this order: complete MFA sign-ins (each person once, so
 * every TOTP code is fresh), refresh-token grants from the refresh tokens those sign-ins
 * left, client-credentials grants; each after a warm-up, with the server's memory idle
 * (before any of it) and after it.
 */
export async function loadTarget(target: Target, persons: BenchPerson[], password: string, s: LoadSettings) {
  const idle = memoryOf((await serverStats(target.child)).memory);
  if (persons.length < s.warmUp + s.signIns) throw new Error(`${persons.length} persons for ${s.warmUp + s.signIns} sign-ins.`);
  const refreshTokens: string[] = [];
  const signIn = async (person: BenchPerson) => {
    const token = await signInWithTotp(target.rp, person, password);
    if (token) refreshTokens.push(token);
  };
  await runPool(s.warmUp, s.concurrency, (index) => signIn(persons[index]!));
  const signIns = await measure(target, s.signIns, s.concurrency, (index) => signIn(persons[s.warmUp + index]!));
  const afterSignIns = memoryOf((await serverStats(target.child)).memory);
  if (refreshTokens.length < s.concurrency) throw new Error(`The refresh-grant load needs ${s.concurrency} refresh tokens; the sign-ins left ${refreshTokens.length}.`);
  await runPool(s.grantWarmUp, s.concurrency, () => refreshOnce(target.rp, refreshTokens));
  const refreshes = await measure(target, s.refreshes, s.concurrency, () => refreshOnce(target.rp, refreshTokens));
  await runPool(s.grantWarmUp, s.concurrency, () => clientCredentialsOnce(target.service));
  const clientCredentials = await measure(target, s.clientCredentials, s.concurrency, () => clientCredentialsOnce(target.service));
  const afterLoad = memoryOf((await serverStats(target.child)).memory);
  return { signIns, refreshes, clientCredentials, memory: { idle, afterSignIns, afterLoad } satisfies Record<string, Memory> };
}
