/**
 * `npm run bench`: the benchmark. It starts, by itself, a database (the embedded one in a
 * temporary directory, or MONGODB_URI with a database of its own), one Gatehouse server and
 * one baseline server (a bare oidc-provider with its in-memory adapter and one page that
 * checks the same password and TOTP code: baselineServer.ts), each on 127.0.0.1 in a forked
 * process. With `taskset`, the servers and the embedded database run on CPU 0 and this
 * process (the load) on CPU 1. It seeds a first-party client, a client-credentials client
 * and persons of a class that asks TOTP for MFA, and measures:
 *
 * 1. on both servers, side by side: complete MFA sign-ins (PKCE, sign-in page, user ID +
 *    password + TOTP code on one screen, code exchange and ID token validation with
 *    openid-client), refresh-token grants and client-credentials grants, each with its
 *    rate, latency, server CPU, database CPU and commands per operation, and the server's
 *    memory idle and after the load; every Gatehouse figure also as a ratio to the baseline;
 * 2. argon2id password verification alone;
 * 3. the TOTP check alone: services.totp.verify (with its once-only database claim)
 *    and otplib's verify without the database;
 * 4. a wrong password for a known user ID against any password for an unknown one,
 *    alternating (the two must cost the same: nobody may learn whether a user ID exists);
 *    and a password-reset start (the user ID posted to /reset) likewise;
 * 5. Gatehouse's sign-in rate at each directory size (persons bulk-loaded into a database
 *    of their own), and after earlier sign-ins have left sessions and tokens behind
 *    (directorySizes.ts).
 *
 * It prints a table and one `BENCH {...}` JSON line. Everything it starts is stopped at the
 * end; after BENCH_TIME_LIMIT_SECONDS it stops everything and exits non-zero.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as oidc from 'openid-client';
import { generate, verify as verifyTotp } from 'otplib';
import { hashPassword, verifyPassword } from '../../src/factors/password/passwordHasher.ts';
import { decodeBase32 } from '../../src/factors/totp/base32.ts';
import { createLogger } from '../../src/logging/createLogger.ts';
import { openServices, type Services } from '../../src/services.ts';
import { embeddedDatabaseBinary } from '../../src/store/embedded/embeddedDatabasePaths.ts';
import { startEmbeddedDatabase } from '../../src/store/embedded/startEmbeddedDatabase.ts';
import { discoverRelyingParty, redirectUri } from '../support/relyingParty.ts';
import { freePort, newMasterKey, testConfig } from '../support/testGatehouse.ts';
import type { BaselineStart } from './baselineServer.ts';
import { settings } from './benchSettings.ts';
import { seedClassAndClients } from './seedBench.ts';
import { measureDirectorySizes } from './directorySizes.ts';
import { childPidNamed, machine, mean, memoryOf, percentile, round, runPool } from './measure.ts';
import { printReport } from './printReport.ts';
import { ask, forkServer, pin, pinningAvailable, stopServer } from './serverProcess.ts';
import type { BenchPerson } from './signInWithTotp.ts';
import { loadTarget, perSecond, serverStats, type LoadSettings, type Target } from './targetLoad.ts';
import { timeWrongPassword } from './wrongPassword.ts';
import { timeResetStart } from './resetStart.ts';

const password = 'bench correct horse battery';
/** TOTP checks in this process before the timed ones, so that its code paths are warm. */
const totpWarmUp = Math.min(20, settings.totpChecks);
const seedConcurrency = 8;
/** With pinning: the servers and the embedded database here, the load on the other CPU. */
const serverCpu = 0;
const loadCpu = 1;

// Clean-up steps, run in reverse order, each bounded.
const cleanups: (() => Promise<unknown>)[] = [];
let cleaning: Promise<void> | undefined;
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const step of cleanups.toReversed()) {
      await Promise.race([step().catch((error: unknown) => console.error(`clean-up: ${(error as Error).message}`)), pause(15_000)]);
    }
  })();
  return cleaning;
}

async function exitAfterCleanUp(code: number): Promise<never> {
  setTimeout(() => process.exit(code), 60_000).unref();
  await cleanUp();
  process.exit(code);
}

async function seed(services: Services, count: number) {
  const secrets = await seedClassAndClients(services);
  // One hash for everyone: seeding stays fast, and each sign-in still verifies it in full.
  const passwordHash = await hashPassword(password);
  const persons: BenchPerson[] = [];
  await runPool(count, seedConcurrency, async (index) => {
    const name = `BENCH${String(index).padStart(6, '0')}`;
    const { sub } = await services.persons.add({ name, class: 'BENCH', password_hash: passwordHash });
    const secret = services.totp.generateSecret();
    await services.totp.setKey(sub, { secret, state: 'active' });
    persons[index] = { userId: name.toLowerCase(), sub, secret };
  });
  return { persons, passwordHash, ...secrets };
}

/** services.totp.verify for fresh codes: one person each, all codes of the same instant `now`. */
async function timeTotpService(services: Services, persons: BenchPerson[], concurrency: number) {
  const now = Date.now();
  const epoch = Math.floor(now / 1000);
  const codes = await Promise.all(persons.map((person) => generate({ secret: person.secret, epoch })));
  return runPool(persons.length, concurrency, async (index) => {
    const verdict = await services.totp.verify({ _id: persons[index]!.sub }, codes[index]!, now);
    if (verdict.outcome !== 'success') throw new Error(`services.totp.verify refused a fresh code: ${JSON.stringify(verdict)}`);
  });
}

/** otplib's verify alone, with the options Gatehouse gives it (key bytes, one step of drift). */
async function timeOtplib(persons: BenchPerson[], total: number) {
  const epoch = Math.floor(Date.now() / 1000);
  const keys = await Promise.all(persons.map(async (person) => ({ secret: decodeBase32(person.secret), token: await generate({ secret: person.secret, epoch }) })));
  return runPool(total, 1, async (index) => {
    const { secret, token } = keys[index % keys.length]!;
    const result = await verifyTotp({ secret, token, algorithm: 'sha1', digits: 6, period: 30, epoch, epochTolerance: 30 });
    if (!result.valid) throw new Error('otplib refused a fresh code.');
  });
}

/** Relying parties of a server: the first-party sign-in client and the client-credentials one. */
async function relyingParties(url: string, clientSecret: string, serviceSecret: string) {
  if (!url.startsWith('http://127.0.0.1:')) throw new Error(`The server listens on ${url}, not on 127.0.0.1.`);
  const rp = await discoverRelyingParty(url, 'bench-app', clientSecret);
  oidc.enableNonRepudiationChecks(rp);
  return { rp, service: await discoverRelyingParty(url, 'bench-service', serviceSecret) };
}

/** Starts a Gatehouse server process on `config` (with command monitoring); stopped at clean-up. */
async function startGatehouseServer(config: ReturnType<typeof testConfig>, cpu: number | undefined) {
  // The server counts its database commands: monitorCommands is a client-side option.
  const serverUri = new URL(config.mongodbUri!);
  serverUri.searchParams.set('monitorCommands', 'true');
  const child = forkServer('./benchServer.ts', cpu);
  cleanups.push(() => stopServer(child));
  const { url } = await ask(child, { type: 'start', config: { ...config, mongodbUri: serverUri.toString() } }, 'ready', 120_000);
  return { child, url };
}

/** The embedded database's pid, pinned to the servers' CPU when pinning. */
function embeddedDatabasePid(pinned: boolean): number | undefined {
  const pid = childPidNamed(basename(embeddedDatabaseBinary).slice(0, 15));
  if (pid !== undefined && pinned) pin(pid, serverCpu);
  return pid;
}

async function main(): Promise<void> {
  const runnerBefore = memoryOf(process.memoryUsage());
  const pinned = pinningAvailable(settings.pin);
  if (pinned) pin(process.pid, loadCpu);
  const serverCpuOrNone = pinned ? serverCpu : undefined;
  const logger = createLogger('warn');
  const external = Boolean(process.env.MONGODB_URI);
  let databaseBase: string;
  let databaseName: string;
  if (process.env.MONGODB_URI) {
    const url = new URL(process.env.MONGODB_URI);
    databaseName = `gatehouse_bench_${randomBytes(6).toString('hex')}`;
    url.pathname = '/';
    databaseBase = url.toString();
  } else {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-db-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const database = await startEmbeddedDatabase({ dataDir, logger });
    cleanups.push(() => database.stop());
    databaseBase = database.uri;
    databaseName = 'gatehouse_bench';
  }
  const databaseUri = (name: string) => {
    const url = new URL(databaseBase);
    url.pathname = `/${name}`;
    return url.toString();
  };
  const databasePid = external ? undefined : embeddedDatabasePid(pinned);

  const port = await freePort();
  // Every wrong password of part 4 comes from 127.0.0.1: the address throttle must not answer for the password check.
  const config = testConfig({ mongodbUri: databaseUri(databaseName), masterKey: newMasterKey(), port, issuer: `http://127.0.0.1:${port}`, logLevel: 'warn', addressFailureLimit: 10_000 });
  const services = await openServices(config, logger);
  cleanups.push(async () => {
    if (external) await services.store.connection.dropDatabase();
    await services.store.close();
  });

  const { signIns, concurrency, warmUp, totpChecks, hashes } = settings;
  const personCount = warmUp + signIns + totpWarmUp + 2 * totpChecks;
  const seedStarted = performance.now();
  const { persons, clientSecret, serviceSecret, passwordHash } = await seed(services, personCount);
  const seedSeconds = round((performance.now() - seedStarted) / 1000, 1);
  const signInPersons = persons.slice(0, warmUp + signIns);
  const totpPersons = persons.slice(warmUp + signIns);

  const gatehouseServer = await startGatehouseServer(config, serverCpuOrNone);
  const gatehouse: Target = { child: gatehouseServer.child, ...(await relyingParties(gatehouseServer.url, clientSecret, serviceSecret)), ...(databasePid ? { databasePid } : {}) };

  const baselineChild = forkServer('./baselineServer.ts', serverCpuOrNone);
  cleanups.push(() => stopServer(baselineChild));
  const baselineStart: BaselineStart = {
    type: 'start',
    port: await freePort(),
    persons: signInPersons.map((person) => ({ ...person, passwordHash })),
    clients: { signIn: { clientId: 'bench-app', clientSecret, redirectUri }, service: { clientId: 'bench-service', clientSecret: serviceSecret } },
    ttl: config.ttl,
  };
  const baselineReady = await ask(baselineChild, baselineStart, 'ready', 60_000);
  const baseline: Target = { child: baselineChild, ...(await relyingParties(baselineReady.url, clientSecret, serviceSecret)) };

  // 1. The same load on both, one server at a time: the baseline first, then Gatehouse.
  const loadSettings: LoadSettings = { signIns, warmUp, concurrency, refreshes: settings.refreshes, clientCredentials: settings.clientCredentials, grantWarmUp: settings.grantWarmUp };
  const baselineLoad = await loadTarget(baseline, signInPersons, password, loadSettings);
  await stopServer(baselineChild);
  const gatehouseLoad = await loadTarget(gatehouse, signInPersons, password, loadSettings);

  // 2. argon2id verify alone (the one each sign-in does), in this process.
  const hashSequential = await runPool(hashes, 1, async () => {
    if (!(await verifyPassword(passwordHash, password))) throw new Error('argon2 verify refused the right password.');
  });
  const hashConcurrent = await runPool(hashes, concurrency, async () => {
    if (!(await verifyPassword(passwordHash, password))) throw new Error('argon2 verify refused the right password.');
  });

  // 3. The TOTP check alone: with the database claim, then otplib without the database.
  await timeTotpService(services, totpPersons.slice(0, totpWarmUp), 1);
  const totpSequential = await timeTotpService(services, totpPersons.slice(totpWarmUp, totpWarmUp + totpChecks), 1);
  const totpConcurrent = await timeTotpService(services, totpPersons.slice(totpWarmUp + totpChecks), concurrency);
  await timeOtplib(totpPersons, 200);
  const otplibRun = await timeOtplib(totpPersons, Math.max(1_000, totpChecks));

  // 4. Wrong passwords, alternating known and unknown user IDs (each known person once, so no lock answers instead).
  const wrong = { known: [] as number[], unknown: [] as number[] };
  for (let index = 0; index < settings.wrongPasswords; index += 1) {
    wrong.known.push(await timeWrongPassword(gatehouse.rp, signInPersons[index % signInPersons.length]!.userId));
    wrong.unknown.push(await timeWrongPassword(gatehouse.rp, `nobody-${index}`));
  }
  // 4b. Password-reset starts, alternating known and unknown user IDs (the same answer, in the same time).
  const resets = { known: [] as number[], unknown: [] as number[] };
  for (let index = 0; index < settings.wrongPasswords; index += 1) {
    resets.known.push(await timeResetStart(config.issuer, signInPersons[index % signInPersons.length]!.userId));
    resets.unknown.push(await timeResetStart(config.issuer, `nobody-reset-${index}`));
  }
  const gatehouseEnd = memoryOf((await serverStats(gatehouse.child)).memory);
  await stopServer(gatehouse.child);

  // 5. Directory sizes, on a database of their own with a server of its own.
  const directoryUri = databaseUri(`${databaseName}_directory`);
  const directory = settings.directorySizes.length
    ? await measureDirectorySizes({
        mongodbUri: directoryUri,
        services: await openServices({ ...config, mongodbUri: directoryUri }, logger),
        external,
        settings,
        passwordHash,
        startServer: (mongodbUri) => startGatehouseServer({ ...config, mongodbUri }, serverCpuOrNone),
        relyingParties,
        ...(databasePid ? { databasePid } : {}),
        cleanups,
      })
    : undefined;

  const runnerAfter = memoryOf(process.memoryUsage());
  const signInMeanMs = gatehouseLoad.signIns.latencyMs.mean;
  const argon2MeanMs = mean(hashSequential.durationsMs);
  const argon2Concurrent = perSecond(hashes, hashConcurrent.wallMs);
  const result = {
    machine: machine(),
    setup: {
      database: external ? 'MONGODB_URI (databases of their own, dropped at the end)' : 'embedded FerretDB/SQLite in a temporary directory',
      server: 'one Gatehouse process and one baseline process (bare oidc-provider, in-memory adapter) forked by the benchmark, on 127.0.0.1, loaded one at a time',
      pinning: pinned ? `taskset: servers${external ? '' : ' and the embedded database'} on CPU ${serverCpu}, the load on CPU ${loadCpu}` : 'none (no taskset, one CPU, or BENCH_PIN=0)',
      signIns,
      concurrency,
      warmUp,
      persons: personCount,
      seedSeconds,
    },
    baseline: baselineLoad,
    gatehouse: gatehouseLoad,
    argon2Verify: {
      meanMs: round(argon2MeanMs, 2),
      perSecondSequential: perSecond(hashes, hashSequential.wallMs),
      perSecondConcurrent: argon2Concurrent,
      shareOfMeanSignInLatency: round(argon2MeanMs / signInMeanMs, 3),
      shareOfHashingCapacity: round(gatehouseLoad.signIns.perSecond / argon2Concurrent, 3),
    },
    totp: {
      serviceVerify: {
        perSecondSequential: perSecond(totpChecks, totpSequential.wallMs),
        meanUs: round(mean(totpSequential.durationsMs) * 1000, 0),
        p95Us: round(percentile(totpSequential.durationsMs, 95) * 1000, 0),
        perSecondConcurrent: perSecond(totpChecks, totpConcurrent.wallMs),
      },
      otplibVerify: { perSecond: perSecond(otplibRun.durationsMs.length, otplibRun.wallMs), meanUs: round(mean(otplibRun.durationsMs) * 1000, 1) },
    },
    wrongPassword: {
      attempts: settings.wrongPasswords,
      knownMedianMs: round(percentile(wrong.known, 50), 2),
      unknownMedianMs: round(percentile(wrong.unknown, 50), 2),
      knownOverUnknown: round(percentile(wrong.known, 50) / percentile(wrong.unknown, 50), 3),
    },
    resetStart: {
      attempts: settings.wrongPasswords,
      knownMedianMs: round(percentile(resets.known, 50), 2),
      unknownMedianMs: round(percentile(resets.unknown, 50), 2),
      knownOverUnknown: round(percentile(resets.known, 50) / percentile(resets.unknown, 50), 3),
    },
    directory,
    memory: { gatehouseAtEnd: gatehouseEnd, benchProcess: { atStart: runnerBefore, atEnd: runnerAfter } },
  };
  const report = printReport(result);
  console.log(`BENCH ${JSON.stringify({ settings, ...result, ratio: report.ratios })}`);
}

let timedOut = false;
const deadline = setTimeout(() => {
  timedOut = true;
  console.error(`The benchmark did not finish within ${settings.timeLimitSeconds} s (BENCH_TIME_LIMIT_SECONDS); stopping everything.`);
  void exitAfterCleanUp(2);
}, settings.timeLimitSeconds * 1000);
process.once('SIGINT', () => void exitAfterCleanUp(130));

try {
  await main();
  clearTimeout(deadline);
  await exitAfterCleanUp(0);
} catch (error) {
  clearTimeout(deadline);
  // After the time limit, the work under way fails as its connections close: that is expected.
  if (!timedOut) console.error(`The benchmark failed: ${(error as Error).stack ?? error}`);
  await exitAfterCleanUp(1);
}
