import type { ChildProcess } from 'node:child_process';
import type * as oidc from 'openid-client';
import type { Services } from '../../src/services.ts';
import type { BenchSettings } from './benchSettings.ts';
import { createBulkPersons } from './bulkPersons.ts';
import { recordSignIns } from './leftovers.ts';
import { round, runPool } from './measure.ts';
import { seedClassAndClients } from './seedBench.ts';
import { signInWithTotp, type BenchPerson } from './signInWithTotp.ts';
import { measure, type Target } from './targetLoad.ts';

const password = 'bench correct horse battery';
/** Sign-ins before each measured phase, so that a phase does not pay for a cold start. */
const phaseWarmUp = 5;

type Options = {
  /** The database of this part (its own), and the services opened on it. */
  mongodbUri: string;
  services: Services;
  external: boolean;
  settings: BenchSettings;
  passwordHash: string;
  startServer: (mongodbUri: string) => Promise<{ child: ChildProcess; url: string }>;
  relyingParties: (url: string, clientSecret: string, serviceSecret: string) => Promise<{ rp: oidc.Configuration; service: oidc.Configuration }>;
  databasePid?: number;
  cleanups: (() => Promise<unknown>)[];
};

/**
 * Gatehouse's sign-in rate as the directory grows: on a database of its own, persons are
 * bulk-loaded (bulkPersons.ts) up to each of BENCH_DIRECTORY_SIZES, and
 * BENCH_DIRECTORY_SIGNINS persons who have not signed in yet, picked across the whole
 * directory, sign in at BENCH_CONCURRENCY. With BENCH_EARLIER_SIGNINS, the largest size is
 * measured once more after that many earlier sign-ins have left their sessions and tokens
 * behind (leftovers.ts).
 */
export async function measureDirectorySizes(options: Options) {
  const { services, settings: s } = options;
  options.cleanups.push(async () => {
    if (options.external) await services.store.connection.dropDatabase();
    await services.store.close();
  });
  const { clientSecret, serviceSecret } = await seedClassAndClients(services);
  const persons = await createBulkPersons(services, options.passwordHash);
  const sizes = s.directorySizes;
  const firstLoadSeconds = await persons.loadUpTo(sizes[0]!);
  const server = await options.startServer(options.mongodbUri);
  const target: Target = { child: server.child, ...(await options.relyingParties(server.url, clientSecret, serviceSecret)), ...(options.databasePid ? { databasePid: options.databasePid } : {}) };

  // Persons who have not signed in yet (a TOTP code is accepted once), spread over the directory.
  const used = new Set<number>();
  const unused = (count: number): BenchPerson[] => {
    const free = persons.loaded.map((_, index) => index).filter((index) => !used.has(index));
    if (free.length < count) throw new Error(`The directory of ${persons.count} persons has ${free.length} who have not signed in yet, and ${count} are needed: give a larger BENCH_DIRECTORY_SIZES or fewer sign-ins.`);
    const stride = free.length / count;
    const picked = Array.from({ length: count }, (_, index) => free[Math.floor(index * stride)]!);
    for (const index of picked) used.add(index);
    return picked.map((index) => persons.loaded[index]!);
  };
  const tolerantSignIn = (person: BenchPerson, failures: Record<string, number>) =>
    signInWithTotp(target.rp, person, password).then(
      () => undefined,
      (error: Error) => {
        const reason = /HTTP \d+/.exec(error.message)?.[0] ?? error.name;
        failures[reason] = (failures[reason] ?? 0) + 1;
      },
    );
  // A sign-in refused here is counted, not fatal: at a size Gatehouse cannot yet serve (a
  // command slower than the driver's socket timeout answers 503), that is the finding.
  const phase = async () => {
    const chosen = unused(phaseWarmUp + s.directorySignIns);
    const failures: Record<string, number> = {};
    const signIn = (person: BenchPerson) => tolerantSignIn(person, failures);
    await runPool(phaseWarmUp, s.concurrency, (index) => signIn(chosen[index]!));
    for (const reason of Object.keys(failures)) delete failures[reason];
    const measured = await measure(target, s.directorySignIns, s.concurrency, (index) => signIn(chosen[phaseWarmUp + index]!));
    const failed = Object.values(failures).reduce((sum, count) => sum + count, 0);
    return { ...measured, perSecond: round((measured.count - failed) / measured.wallSeconds, 1), failed, failures };
  };

  const bySize: { persons: number; loadSeconds: number; signIns: Awaited<ReturnType<typeof phase>> }[] = [];
  // The earlier sign-ins are done for real right after the smallest size is measured (where
  // they complete), and copied up to BENCH_EARLIER_SIGNINS once the directory is at its largest.
  const earlierFailures: Record<string, number> = {};
  let earlier: Awaited<ReturnType<typeof recordSignIns>> | undefined;
  let earlierSeconds = 0;
  for (const [index, size] of sizes.entries()) {
    const loadSeconds = index === 0 ? firstLoadSeconds : await persons.loadUpTo(size);
    bySize.push({ persons: persons.count, loadSeconds: round(loadSeconds, 1), signIns: await phase() });
    if (index === 0 && s.earlierSignIns > 0) {
      const started = performance.now();
      earlier = await recordSignIns(services.store.connection.db!, s.earlierRealSignIns, s.earlierSignIns, async (count) => {
        if (persons.count - used.size < count + phaseWarmUp + s.directorySignIns) await persons.loadUpTo(used.size + count + phaseWarmUp + s.directorySignIns);
        const chosen = unused(count);
        await runPool(count, s.concurrency, (i) => tolerantSignIn(chosen[i]!, earlierFailures));
      });
      earlierSeconds = performance.now() - started;
    }
  }

  let afterEarlier;
  if (earlier) {
    const started = performance.now();
    const left = await earlier.copy();
    afterEarlier = { persons: persons.count, earlierSignIns: s.earlierSignIns, ...left, earlierFailures, seconds: round((earlierSeconds + performance.now() - started) / 1000, 1), signIns: await phase() };
  }
  const first = bySize[0]!.signIns.perSecond;
  return {
    concurrency: s.concurrency,
    signInsPerPhase: s.directorySignIns,
    bySize,
    afterEarlier,
    /** Each rate over the rate at the smallest size (1: the directory costs nothing). */
    rateOverSmallest: Object.fromEntries([...bySize.map((entry) => [String(entry.persons), round(entry.signIns.perSecond / first, 3)]), ...(afterEarlier ? [[`${afterEarlier.persons} after ${afterEarlier.earlierSignIns} sign-ins`, round(afterEarlier.signIns.perSecond / first, 3)]] : [])]),
  };
}
