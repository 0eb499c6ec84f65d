/**
 * `npm run bench`: the sign-in benchmark. It starts, by itself, a database (the embedded
 * one in a temporary directory, or MONGODB_URI with a database of its own) and one
 * Gatehouse server on 127.0.0.1 in a forked process (test/bench/benchServer.ts), seeds a
 * first-party client and persons of a class that asks TOTP for MFA, and measures:
 *
 * 1. complete sign-ins (PKCE, sign-in page, user ID + password + TOTP code on one screen,
 *    code exchange and ID token validation with openid-client), at a small concurrency;
 * 2. argon2id password verification alone;
 * 3. the TOTP check alone: services.totp.verify (with its once-only database claim)
 *    and otplib's verify without the database;
 * 4. a wrong password for a known user ID against any password for an unknown one,
 *    alternating (the two must cost the same: nobody may learn whether a user ID exists);
 * 5. memory of the server process and of this one, before and after.
 *
 * It prints a table and one `BENCH {...}` JSON line. Everything it starts is stopped at the
 * end; after BENCH_TIME_LIMIT_SECONDS it stops everything and exits non-zero.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
import type { ParentMessage, ServerMessage, ServerStats } from './benchServer.ts';
import { childPidNamed, machine, mean, meanByPart, memoryOf, percentile, processCpuSeconds, round, runPool, type Memory } from './measure.ts';
import { signInWithTotp, type BenchPerson } from './signInWithTotp.ts';
import { timeWrongPassword } from './wrongPassword.ts';

function setting(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max} (got "${raw}").`);
  return value;
}

const settings = {
  signIns: setting('BENCH_SIGNINS', 200, 1, 20_000),
  concurrency: setting('BENCH_CONCURRENCY', 4, 1, 64),
  warmUp: setting('BENCH_WARMUP', 20, 0, 2_000),
  totpChecks: setting('BENCH_TOTP_CHECKS', 300, 1, 20_000),
  hashes: setting('BENCH_HASHES', 40, 1, 2_000),
  wrongPasswords: setting('BENCH_WRONG_PASSWORDS', 100, 2, 5_000),
  timeLimitSeconds: setting('BENCH_TIME_LIMIT_SECONDS', 300, 10, 3_600),
};
const password = 'bench correct horse battery';
/** TOTP checks in this process before the timed ones, so that its code paths are warm. */
const totpWarmUp = Math.min(20, settings.totpChecks);
const seedConcurrency = 8;

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

/** Sends `message` (if any) to the server process and waits for its answer of `type`. */
function ask<T extends ServerMessage['type']>(child: ChildProcess, message: ParentMessage | undefined, type: T, timeoutMs: number): Promise<Extract<ServerMessage, { type: T }>> {
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
    const onMessage = (answer: ServerMessage) => {
      if (answer.type === 'failed') {
        done();
        reject(new Error(`The server did not start: ${answer.message}`));
      } else if (answer.type === type) {
        done();
        resolve(answer as Extract<ServerMessage, { type: T }>);
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

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.send({ type: 'stop' } satisfies ParentMessage);
  else child.kill('SIGTERM');
  await Promise.race([exited, pause(12_000)]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
}

const latencySummary = (durationsMs: number[]) => ({ mean: round(mean(durationsMs)), p50: round(percentile(durationsMs, 50)), p95: round(percentile(durationsMs, 95)), max: round(Math.max(...durationsMs)) });
const perSecond = (count: number, wallMs: number) => round(count / (wallMs / 1000), 1);

/** Per sign-in: CPU of each process and the server's database commands, from two snapshots. */
function perSignIn(before: ServerStats, after: ServerStats, count: number, runnerCpu: NodeJS.CpuUsage, databaseCpuSeconds: number | undefined) {
  const byCommand = Object.fromEntries(
    Object.entries(after.database.byCommand)
      .map(([key, total]) => {
        const earlier = before.database.byCommand[key] ?? { count: 0, durationMs: 0 };
        const commands = total.count - earlier.count;
        return [key, { perSignIn: round(commands / count, 2), meanMs: commands ? round((total.durationMs - earlier.durationMs) / commands, 2) : 0 }] as const;
      })
      .filter(([, value]) => value.perSignIn > 0)
      .toSorted((a, b) => b[1].perSignIn * b[1].meanMs - a[1].perSignIn * a[1].meanMs),
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

async function seed(services: Services, count: number): Promise<{ persons: BenchPerson[]; clientSecret: string; passwordHash: string }> {
  await services.classes.add({ name: 'BENCH', mfa_device: 'S', no_screen_channel: 'E', allow_otp_instead_of_totp: 'N', question_count: 0, max_retries: 3, wait_seconds: 60, factors: { MFA: { TOTP: 1 } } });
  // The default class, as a deployment has one: a user ID nobody has is handled as a person of it (part 4).
  await services.settings.setDefaultClass('BENCH');
  const { clientSecret } = await services.clients.add({ client_id: 'bench-app', redirect_uris: [redirectUri], first_party: true });
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
  return { persons, clientSecret: clientSecret!, passwordHash };
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

async function main(): Promise<void> {
  const runnerBefore = memoryOf(process.memoryUsage());
  const logger = createLogger('warn');
  const external = Boolean(process.env.MONGODB_URI);
  let mongodbUri: string;
  if (process.env.MONGODB_URI) {
    const url = new URL(process.env.MONGODB_URI);
    url.pathname = `/gatehouse_bench_${randomBytes(6).toString('hex')}`;
    mongodbUri = url.toString();
  } else {
    const dataDir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-db-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const database = await startEmbeddedDatabase({ dataDir, logger });
    cleanups.push(() => database.stop());
    mongodbUri = `${database.uri}gatehouse_bench`;
  }

  const port = await freePort();
  // Every wrong password of part 4 comes from 127.0.0.1: the address throttle must not answer for the password check.
  const config = testConfig({ mongodbUri, masterKey: newMasterKey(), port, issuer: `http://127.0.0.1:${port}`, logLevel: 'warn', addressFailureLimit: 10_000 });
  const services = await openServices(config, logger);
  cleanups.push(async () => {
    if (external) await services.store.connection.dropDatabase();
    await services.store.close();
  });

  const { signIns, concurrency, warmUp, totpChecks, hashes } = settings;
  const personCount = warmUp + signIns + totpWarmUp + 2 * totpChecks;
  const seedStarted = performance.now();
  const { persons, clientSecret, passwordHash } = await seed(services, personCount);
  const seedSeconds = round((performance.now() - seedStarted) / 1000, 1);
  const signInPersons = persons.slice(0, warmUp + signIns);
  const totpPersons = persons.slice(warmUp + signIns);

  // The server counts its database commands: monitorCommands is a client-side option.
  const serverUri = new URL(mongodbUri);
  serverUri.searchParams.set('monitorCommands', 'true');
  const server = fork(fileURLToPath(new URL('./benchServer.ts', import.meta.url)), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  process.once('exit', () => server.kill('SIGKILL'));
  cleanups.push(() => stopServer(server));
  const { url } = await ask(server, { type: 'start', config: { ...config, mongodbUri: serverUri.toString() } }, 'ready', 60_000);
  if (!url.startsWith('http://127.0.0.1:')) throw new Error(`The server listens on ${url}, not on 127.0.0.1.`);
  const serverStats = () => ask(server, { type: 'stats' }, 'stats', 10_000);
  const databasePid = external ? undefined : childPidNamed(basename(embeddedDatabaseBinary).slice(0, 15));

  const rp = await discoverRelyingParty(url, 'bench-app', clientSecret);
  oidc.enableNonRepudiationChecks(rp);

  // 1. Complete sign-ins: every person signs in once, so every TOTP code is a fresh one.
  const serverBefore = await serverStats();
  await runPool(warmUp, concurrency, (index) => signInWithTotp(rp, signInPersons[index]!, password));
  const statsBefore = await serverStats();
  const databaseCpuBefore = databasePid ? processCpuSeconds(databasePid) : undefined;
  const runnerCpuBefore = process.cpuUsage();
  const signInRun = await runPool(signIns, concurrency, (index) => signInWithTotp(rp, signInPersons[warmUp + index]!, password));
  const runnerCpu = process.cpuUsage(runnerCpuBefore);
  const databaseCpuAfter = databasePid ? processCpuSeconds(databasePid) : undefined;
  const statsAfter = await serverStats();
  const databaseCpuSeconds = databaseCpuBefore !== undefined && databaseCpuAfter !== undefined ? databaseCpuAfter - databaseCpuBefore : undefined;

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
    wrong.known.push(await timeWrongPassword(rp, signInPersons[index % signInPersons.length]!.userId));
    wrong.unknown.push(await timeWrongPassword(rp, `nobody-${index}`));
  }

  const serverEnd = await serverStats();
  const runnerAfter = memoryOf(process.memoryUsage());

  const signInLatency = latencySummary(signInRun.durationsMs);
  const argon2MeanMs = mean(hashSequential.durationsMs);
  const signInsPerSecond = perSecond(signIns, signInRun.wallMs);
  const argon2Concurrent = perSecond(hashes, hashConcurrent.wallMs);
  const result = {
    machine: machine(),
    setup: {
      database: external ? 'MONGODB_URI (a database of its own, dropped at the end)' : 'embedded FerretDB/SQLite in a temporary directory',
      server: 'one Gatehouse process forked by the benchmark, on 127.0.0.1',
      signIns,
      concurrency,
      warmUp,
      persons: personCount,
      seedSeconds,
    },
    signIn: {
      perSecond: signInsPerSecond,
      wallSeconds: round(signInRun.wallMs / 1000, 2),
      latencyMs: signInLatency,
      meanLatencyByQuarterMs: meanByPart(signInRun.durationsMs, 4).map((value) => round(value)),
      perSignIn: perSignIn(statsBefore, statsAfter, signIns, runnerCpu, databaseCpuSeconds),
    },
    argon2Verify: {
      meanMs: round(argon2MeanMs, 2),
      perSecondSequential: perSecond(hashes, hashSequential.wallMs),
      perSecondConcurrent: argon2Concurrent,
      shareOfMeanSignInLatency: round(argon2MeanMs / signInLatency.mean, 3),
      shareOfHashingCapacity: round(signInsPerSecond / argon2Concurrent, 3),
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
    memory: {
      server: { afterStart: memoryOf(serverBefore.memory), afterSignIns: memoryOf(statsAfter.memory), atEnd: memoryOf(serverEnd.memory) },
      benchProcess: { atStart: runnerBefore, atEnd: runnerAfter },
    },
  };
  printTable(result);
  console.log(`BENCH ${JSON.stringify({ settings, ...result })}`);
}

const memoryText = (m: Memory) => `RSS ${m.rssMiB} MiB, heap used ${m.heapUsedMiB} MiB`;
const percent = (share: number) => `${round(share * 100, 1)} %`;

function printTable(r: {
  machine: ReturnType<typeof machine>;
  setup: { database: string; server: string; signIns: number; concurrency: number; warmUp: number; persons: number; seedSeconds: number };
  signIn: { perSecond: number; wallSeconds: number; latencyMs: ReturnType<typeof latencySummary>; meanLatencyByQuarterMs: number[]; perSignIn: ReturnType<typeof perSignIn> };
  argon2Verify: { meanMs: number; perSecondSequential: number; perSecondConcurrent: number; shareOfMeanSignInLatency: number; shareOfHashingCapacity: number };
  totp: { serviceVerify: { perSecondSequential: number; meanUs: number; p95Us: number; perSecondConcurrent: number }; otplibVerify: { perSecond: number; meanUs: number } };
  wrongPassword: { attempts: number; knownMedianMs: number; unknownMedianMs: number; knownOverUnknown: number };
  memory: { server: { afterStart: Memory; afterSignIns: Memory; atEnd: Memory }; benchProcess: { atStart: Memory; atEnd: Memory } };
}): void {
  const p = r.signIn.perSignIn;
  const c = r.setup.concurrency;
  const sections: [string, [string, string][]][] = [
    ['Machine', [
      ['CPU', `${r.machine.cpuModel} × ${r.machine.cpuCount}`],
      ['memory', `${r.machine.totalMemoryMiB} MiB`],
      ['node', `${r.machine.node} (${r.machine.platform})`],
      ['database', r.setup.database],
      ['server', r.setup.server],
      ['persons seeded', `${r.setup.persons} in ${r.setup.seedSeconds} s`],
    ]],
    [`Complete sign-ins (password + TOTP on one screen, code exchange, ID token validated)`, [
      ['sign-ins', `${r.setup.signIns} after ${r.setup.warmUp} warm-up, concurrency ${c}`],
      ['throughput', `${r.signIn.perSecond} sign-ins/s (${r.signIn.wallSeconds} s)`],
      ['latency', `mean ${r.signIn.latencyMs.mean} ms, p50 ${r.signIn.latencyMs.p50} ms, p95 ${r.signIn.latencyMs.p95} ms, max ${r.signIn.latencyMs.max} ms`],
      ['mean latency by quarter', `${r.signIn.meanLatencyByQuarterMs.map((value) => `${value} ms`).join(', ')} (first to last quarter of the run)`],
      ['server CPU / sign-in', `${p.serverCpuMs} ms`],
      ...(p.databaseCpuMs !== undefined ? [['database CPU / sign-in', `${p.databaseCpuMs} ms`] as [string, string]] : []),
      ['client CPU / sign-in', `${p.benchClientCpuMs} ms (this process: browser, openid-client)`],
      ['DB commands / sign-in', `${p.databaseCommands}, the server waiting ${p.databaseWaitMs} ms in all for answers; by kind (count × mean wait):`],
      ...Object.entries(p.databaseCommandsByKind).map(([kind, { perSignIn: times, meanMs }]) => [`  ${kind}`, `${times} × ${meanMs} ms`] as [string, string]),
    ]],
    ['Password hashing (argon2id verify alone, this process)', [
      ['one at a time', `${r.argon2Verify.perSecondSequential} hashes/s, mean ${r.argon2Verify.meanMs} ms`],
      [`concurrency ${c}`, `${r.argon2Verify.perSecondConcurrent} hashes/s`],
      ['share of sign-in', `${percent(r.argon2Verify.shareOfMeanSignInLatency)} of the mean sign-in latency; ${percent(r.argon2Verify.shareOfHashingCapacity)} of the machine's hashing capacity at the measured sign-in rate`],
    ]],
    ['TOTP check alone', [
      ['services.totp.verify', `${r.totp.serviceVerify.perSecondSequential} checks/s one at a time, mean ${r.totp.serviceVerify.meanUs} µs, p95 ${r.totp.serviceVerify.p95Us} µs`],
      [`  concurrency ${c}`, `${r.totp.serviceVerify.perSecondConcurrent} checks/s`],
      ['otplib verify (no DB)', `${r.totp.otplibVerify.perSecond} checks/s, mean ${r.totp.otplibVerify.meanUs} µs`],
    ]],
    ['Wrong password: known against unknown user ID (alternating, one at a time)', [
      ['attempts', `${r.wrongPassword.attempts} of each`],
      ['median', `known ${r.wrongPassword.knownMedianMs} ms, unknown ${r.wrongPassword.unknownMedianMs} ms, known/unknown ${r.wrongPassword.knownOverUnknown}`],
    ]],
    ['Memory', [
      ['server after start', memoryText(r.memory.server.afterStart)],
      ['server after sign-ins', memoryText(r.memory.server.afterSignIns)],
      ['server at end', memoryText(r.memory.server.atEnd)],
      ['bench process at start', memoryText(r.memory.benchProcess.atStart)],
      ['bench process at end', memoryText(r.memory.benchProcess.atEnd)],
    ]],
  ];
  const width = Math.max(...sections.flatMap(([, rows]) => rows.map(([label]) => label.length)));
  for (const [title, rows] of sections) {
    console.log(`\n${title}`);
    for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
  }
  console.log('');
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
