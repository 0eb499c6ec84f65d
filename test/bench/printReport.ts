import type { measureDirectorySizes } from './directorySizes.ts';
import { round, type machine, type Memory } from './measure.ts';
import type { loadTarget, Measured } from './targetLoad.ts';

type Load = Awaited<ReturnType<typeof loadTarget>>;
type Report = {
  machine: ReturnType<typeof machine>;
  setup: { database: string; server: string; pinning: string; signIns: number; concurrency: number; warmUp: number; persons: number; seedSeconds: number };
  baseline: Load;
  gatehouse: Load;
  argon2Verify: { meanMs: number; perSecondSequential: number; perSecondConcurrent: number; shareOfMeanSignInLatency: number; shareOfHashingCapacity: number };
  totp: { serviceVerify: { perSecondSequential: number; meanUs: number; p95Us: number; perSecondConcurrent: number }; otplibVerify: { perSecond: number; meanUs: number } };
  wrongPassword: { attempts: number; knownMedianMs: number; unknownMedianMs: number; knownOverUnknown: number };
  resetStart: { attempts: number; knownMedianMs: number; unknownMedianMs: number; knownOverUnknown: number };
  directory: Awaited<ReturnType<typeof measureDirectorySizes>> | undefined;
  memory: { gatehouseAtEnd: Memory; benchProcess: { atStart: Memory; atEnd: Memory } };
};

const memoryText = (m: Memory) => `RSS ${m.rssMiB} MiB, heap used ${m.heapUsedMiB} MiB`;
const percent = (share: number) => `${round(share * 100, 1)} %`;
/** Gatehouse ÷ baseline; undefined when the baseline's figure is zero or absent (no database). */
const ratioOf = (gatehouse: number | undefined, baseline: number | undefined) => (gatehouse === undefined || !baseline ? undefined : round(gatehouse / baseline, 3));

const show = (value: number | undefined, unit: string) => (value === undefined ? '—' : `${value}${unit && unit !== '/s' ? ` ${unit}` : ''}`);
const phaseText = (m: Measured & { failed: number; failures: Record<string, number> }) => `${m.perSecond} sign-ins/s${m.failed ? ` (${m.failed} failed: ${Object.entries(m.failures).map(([reason, count]) => `${reason} × ${count}`).join(', ')})` : ''}, p50 ${m.latencyMs.p50} ms, p99 ${m.latencyMs.p99} ms, ${m.perOperation.databaseCommands} DB commands, server CPU ${m.perOperation.serverCpuMs} ms${m.perOperation.databaseCpuMs !== undefined ? `, database CPU ${m.perOperation.databaseCpuMs} ms` : ''}`;

/** The side-by-side rows: what each is, the baseline's figure, Gatehouse's, and their ratio. */
function sideBySide(b: Load, g: Load) {
  const operations: [string, keyof Pick<Load, 'signIns' | 'refreshes' | 'clientCredentials'>][] = [
    ['MFA sign-in', 'signIns'],
    ['refresh grant', 'refreshes'],
    ['client-credentials grant', 'clientCredentials'],
  ];
  const rows: { key: string; label: string; unit: string; baseline: number | undefined; gatehouse: number | undefined }[] = [];
  for (const [name, key] of operations) {
    const bm: Measured = b[key];
    const gm: Measured = g[key];
    rows.push(
      { key: `${key}.perSecond`, label: `${name}s/s`, unit: '/s', baseline: bm.perSecond, gatehouse: gm.perSecond },
      { key: `${key}.p50Ms`, label: `${name} p50`, unit: 'ms', baseline: bm.latencyMs.p50, gatehouse: gm.latencyMs.p50 },
      { key: `${key}.p99Ms`, label: `${name} p99`, unit: 'ms', baseline: bm.latencyMs.p99, gatehouse: gm.latencyMs.p99 },
      { key: `${key}.serverCpuMs`, label: `  server CPU / ${name}`, unit: 'ms', baseline: bm.perOperation.serverCpuMs, gatehouse: gm.perOperation.serverCpuMs },
      { key: `${key}.databaseCpuMs`, label: `  database CPU / ${name}`, unit: 'ms', baseline: undefined, gatehouse: gm.perOperation.databaseCpuMs },
      { key: `${key}.databaseCommands`, label: `  DB commands / ${name}`, unit: '', baseline: 0, gatehouse: gm.perOperation.databaseCommands },
    );
  }
  rows.push(
    { key: 'rssIdleMiB', label: 'server RSS idle', unit: 'MiB', baseline: b.memory.idle.rssMiB, gatehouse: g.memory.idle.rssMiB },
    { key: 'rssAfterLoadMiB', label: 'server RSS after load', unit: 'MiB', baseline: b.memory.afterLoad.rssMiB, gatehouse: g.memory.afterLoad.rssMiB },
  );
  return rows;
}

/** Prints the report as a table; returns the ratios (Gatehouse ÷ baseline) for the JSON line. */
export function printReport(r: Report): { ratios: Record<string, number | null> } {
  const c = r.setup.concurrency;
  const rows = sideBySide(r.baseline, r.gatehouse);
  const ratios = Object.fromEntries(rows.map((row) => [row.key, ratioOf(row.gatehouse, row.baseline) ?? null]));
  const table = [['', 'bare oidc-provider', 'Gatehouse', 'ratio'], ...rows.map((row) => [row.label, row.key.endsWith('databaseCommands') && row.baseline === 0 ? '0 (in memory)' : show(row.baseline, row.unit), show(row.gatehouse, row.unit), show(ratioOf(row.gatehouse, row.baseline), '')])];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((line) => line[column]!.length)));

  console.log('\nMachine');
  const setup: [string, string][] = [
    ['CPU', `${r.machine.cpuModel} × ${r.machine.cpuCount}`],
    ['memory', `${r.machine.totalMemoryMiB} MiB`],
    ['node', `${r.machine.node} (${r.machine.platform})`],
    ['database', r.setup.database],
    ['servers', r.setup.server],
    ['pinning', r.setup.pinning],
    ['persons seeded', `${r.setup.persons} in ${r.setup.seedSeconds} s`],
    ['load', `${r.setup.signIns} sign-ins after ${r.setup.warmUp} warm-up, ${r.gatehouse.refreshes.count} refresh grants, ${r.gatehouse.clientCredentials.count} client-credentials grants, concurrency ${c}`],
  ];
  printRows(setup);
  console.log(`\nSide by side (sign-in: password + TOTP on one screen, code exchange, ID token validated; ratio = Gatehouse ÷ baseline)`);
  for (const line of table) console.log(`  ${line.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('   ')}`);

  const details: [string, [string, string][]][] = [];
  for (const [name, m] of [['sign-in', r.gatehouse.signIns], ['refresh grant', r.gatehouse.refreshes], ['client-credentials grant', r.gatehouse.clientCredentials]] as const) {
    const p = m.perOperation;
    details.push([`Gatehouse per ${name}`, [
      ['latency', `mean ${m.latencyMs.mean} ms, p50 ${m.latencyMs.p50} ms, p95 ${m.latencyMs.p95} ms, p99 ${m.latencyMs.p99} ms, max ${m.latencyMs.max} ms`],
      ['mean latency by quarter', `${m.meanLatencyByQuarterMs.map((value) => `${value} ms`).join(', ')} (first to last quarter of the run)`],
      ['client CPU', `${p.benchClientCpuMs} ms (this process: browser, openid-client)`],
      ['DB commands', `${p.databaseCommands}, the server waiting ${p.databaseWaitMs} ms in all for answers; by kind (count × mean wait):`],
      ...Object.entries(p.databaseCommandsByKind).map(([kind, { perOperation: times, meanMs }]) => [`  ${kind}`, `${times} × ${meanMs} ms`] as [string, string]),
    ]]);
  }
  details.push(
    ['Password hashing (argon2id verify alone, this process)', [
      ['one at a time', `${r.argon2Verify.perSecondSequential} hashes/s, mean ${r.argon2Verify.meanMs} ms`],
      [`concurrency ${c}`, `${r.argon2Verify.perSecondConcurrent} hashes/s`],
      ['share of sign-in', `${percent(r.argon2Verify.shareOfMeanSignInLatency)} of Gatehouse's mean sign-in latency; ${percent(r.argon2Verify.shareOfHashingCapacity)} of the machine's hashing capacity at its sign-in rate`],
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
    ['Password-reset start: known against unknown user ID (alternating, one at a time)', [
      ['attempts', `${r.resetStart.attempts} of each`],
      ['median', `known ${r.resetStart.knownMedianMs} ms, unknown ${r.resetStart.unknownMedianMs} ms, known/unknown ${r.resetStart.knownOverUnknown}`],
    ]],
  );
  if (r.directory) {
    const d = r.directory;
    details.push([`Gatehouse sign-ins by directory size (${d.signInsPerPhase} each, concurrency ${d.concurrency}; ratio to the smallest)`, [
      ...d.bySize.map((entry) => [`${entry.persons} persons`, `${phaseText(entry.signIns)}; ratio ${d.rateOverSmallest[String(entry.persons)]} (bulk load ${entry.loadSeconds} s)`] as [string, string]),
      ...(d.afterEarlier
        ? [[`${d.afterEarlier.persons} after ${d.afterEarlier.earlierSignIns} sign-ins`, `${phaseText(d.afterEarlier.signIns)}; ratio ${d.rateOverSmallest[`${d.afterEarlier.persons} after ${d.afterEarlier.earlierSignIns} sign-ins`]}`] as [string, string],
           ['  earlier sign-ins', `${d.afterEarlier.realSignIns} real${Object.keys(d.afterEarlier.earlierFailures).length ? ` (refused: ${Object.entries(d.afterEarlier.earlierFailures).map(([reason, count]) => `${reason} × ${count}`).join(', ')})` : ''}, ${d.afterEarlier.copiedSignIns} as copies of their documents (${d.afterEarlier.seconds} s): ${Object.entries(d.afterEarlier.documentsAdded).map(([name, count]) => `${name} ${count}`).join(', ')}`] as [string, string]]
        : []),
    ]]);
  }
  details.push(['Memory', [
    ['baseline idle / after load', `${memoryText(r.baseline.memory.idle)} / ${memoryText(r.baseline.memory.afterLoad)}`],
    ['Gatehouse idle', memoryText(r.gatehouse.memory.idle)],
    ['Gatehouse after sign-ins', memoryText(r.gatehouse.memory.afterSignIns)],
    ['Gatehouse after load', memoryText(r.gatehouse.memory.afterLoad)],
    ['Gatehouse at end', memoryText(r.memory.gatehouseAtEnd)],
    ['bench process at start', memoryText(r.memory.benchProcess.atStart)],
    ['bench process at end', memoryText(r.memory.benchProcess.atEnd)],
  ]]);
  for (const [title, lines] of details) {
    console.log(`\n${title}`);
    printRows(lines);
  }
  console.log('');
  return { ratios };
}

function printRows(rows: [string, string][]): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`);
}
