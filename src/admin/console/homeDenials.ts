import type { Logger } from 'pino';
import type { Plan } from '../../policy/types.ts';
import type { Services } from '../../services.ts';
import { withRequestReads } from '../../store/requestReads.ts';

/** A person the planner denies at sign-in: who, and the plan's codes (said in the page's language when shown). */
export type Denial = { name: string; enabled: boolean; className: string; plan: Pick<Plan, 'classSource' | 'className' | 'skipped' | 'notes' | 'denied'> };

/** One pass over the directory: when it was planned, how long it took, how many persons it planned, how many are denied, and the first of them by name. */
export type DenialScan = { computedAt: number; tookMs: number; scanned: number; total: number; denials: Denial[] };

export type DenialScanOptions = {
  persons: Pick<Services['persons'], 'everyone' | 'planFor'>;
  logger: Pick<Logger, 'warn' | 'info'>;
  /** A pass is reused for this long (ADMIN_HOME_REFRESH); 0: a new pass at every visit. */
  refreshMs: number;
  /** How long a visit waits for a pass under way before showing the one before (a small directory is planned in that time). */
  waitMs?: number;
  /** How many denials a pass keeps to show (the count is of all). */
  shown?: number;
};

/**
 * Who cannot sign in under their class today: the plan of option 9 (MFA context) for every
 * person of the directory, read in one pass (a cursor: pages sorted by name would sort the
 * whole directory again for each page), and the denials kept, by name. It runs in the
 * background, at most one pass at a time and at most once per `refreshMs`, started by a
 * visit of the home (never by a sign-in); a visit waits a moment for a pass under way and
 * otherwise shows the last pass, saying when it was computed.
 */
export function createDenialScan({ persons, logger, refreshMs, waitMs = 1500, shown = 50 }: DenialScanOptions) {
  let last: DenialScan | undefined;
  let running: Promise<void> | undefined;

  async function scan(): Promise<DenialScan> {
    const started = performance.now();
    const now = Date.now();
    const denials: Denial[] = [];
    let scanned = 0;
    for await (const person of persons.everyone()) {
      // Each person's reads in a scope of their own (the locks' head read once): a pass started by a visit keeps nothing in the visit's.
      const { plan } = await withRequestReads(() => persons.planFor(person, 'MFA', now));
      scanned += 1;
      if (plan.denied) denials.push({ name: person.name, enabled: person.enabled, className: person.className, plan: { classSource: plan.classSource, className: plan.className, skipped: plan.skipped, notes: plan.notes, denied: plan.denied } });
    }
    const tookMs = Math.round(performance.now() - started);
    logger.info({ scanned, denied: denials.length, tookMs }, 'admin home: planned every person for who cannot sign in');
    const first = denials.toSorted((a, b) => a.name.localeCompare(b.name)).slice(0, shown);
    return { computedAt: now, tookMs, scanned, total: denials.length, denials: first };
  }

  function start(): Promise<void> {
    running ??= scan()
      .then((result) => {
        last = result;
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'admin home: planning every person failed'))
      .finally(() => {
        running = undefined;
      });
    return running;
  }

  return {
    /** The last pass (undefined before the first ends), and whether a newer one is under way; starts one when the last is older than refreshMs. */
    async current(now = Date.now()): Promise<{ scan?: DenialScan; computing: boolean }> {
      const stale = last === undefined || now - last.computedAt >= refreshMs;
      if (stale) {
        const pass = start();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([pass, new Promise<void>((resolve) => (timer = setTimeout(resolve, waitMs)).unref())]);
        clearTimeout(timer);
      }
      return { ...(last ? { scan: last } : {}), computing: running !== undefined };
    },
  };
}

export type DenialScanner = ReturnType<typeof createDenialScan>;
