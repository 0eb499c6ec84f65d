/**
 * The sign-in tally's arithmetic, pure (createSignInTally.ts does the I/O): counts are kept
 * per UTC hour, flushed as increments, and read back as the last 24 hours (per hour) and
 * the last 7 days (per UTC day, today included), summed over every instance.
 */

export const hourMs = 60 * 60 * 1000;
export const dayMs = 24 * hourMs;

/** What was counted in a span of time: completed sign-ins and counted failures by factor id. */
export type TallyCounts = { signIns: number; failures: Record<string, number> };

/** One span of a series: its start (epoch ms, UTC) and what was counted in it. */
export type TallySpan = { start: number; counts: TallyCounts };

/** A stored hour: its start (epoch ms) and counts, of any instance. */
export type TallyHour = { hour: number; counts: TallyCounts };

export const emptyCounts = (): TallyCounts => ({ signIns: 0, failures: {} });

/** The start of the UTC hour of `at`. */
export const hourStartOf = (at: number): number => Math.floor(at / hourMs) * hourMs;

/** The start of the UTC day of `at`. */
export const dayStartOf = (at: number): number => Math.floor(at / dayMs) * dayMs;

/** The UTC hour of `at` as a bucket names it: `2026-12-03T14`. */
export const hourKeyOf = (at: number): string => new Date(hourStartOf(at)).toISOString().slice(0, 13);

/** A bucket's `_id`: the hour and the instance that counted in it. */
export const bucketIdOf = (hourKey: string, instance: string): string => `${hourKey}|${instance}`;

/** `into` plus `more` (a new object; neither changes). */
export function addCounts(into: TallyCounts, more: TallyCounts): TallyCounts {
  const failures = { ...into.failures };
  for (const [factor, count] of Object.entries(more.failures)) failures[factor] = (failures[factor] ?? 0) + count;
  return { signIns: into.signIns + more.signIns, failures };
}

/** Counts one event into the pending counts of its hour (by hour start). */
export function countInto(pending: Map<number, TallyCounts>, at: number, event: { signIn: true } | { failure: string }): void {
  const hour = hourStartOf(at);
  const counts = pending.get(hour) ?? emptyCounts();
  if ('signIn' in event) counts.signIns += 1;
  else counts.failures[event.failure] = (counts.failures[event.failure] ?? 0) + 1;
  pending.set(hour, counts);
}

/** The `$inc` of a bucket for these counts: `signIns` and `failures.<factor>`, zeros left out. */
export function incrementsOf(counts: TallyCounts): Record<string, number> {
  const increments: Record<string, number> = {};
  if (counts.signIns > 0) increments.signIns = counts.signIns;
  for (const [factor, count] of Object.entries(counts.failures)) if (count > 0) increments[`failures.${factor}`] = count;
  return increments;
}

/** The total of every span (what a chart's summary says). */
export const totalOf = (spans: readonly TallySpan[]): TallyCounts => spans.reduce((sum, span) => addCounts(sum, span.counts), emptyCounts());

/** `count` spans of `length` ms ending with the one that holds `now`, each with the sum of the hours inside it. */
function spansOf(hours: readonly TallyHour[], now: number, first: number, length: number, count: number): TallySpan[] {
  const spans = Array.from({ length: count }, (_, index) => ({ start: first + index * length, counts: emptyCounts() }));
  for (const { hour, counts } of hours) {
    const index = Math.floor((hour - first) / length);
    if (index < 0 || index >= count || hour > now) continue;
    spans[index]!.counts = addCounts(spans[index]!.counts, counts);
  }
  return spans;
}

/** The last 24 hours, one span per UTC hour, the current hour last. */
export const lastHours = (hours: readonly TallyHour[], now: number, count = 24): TallySpan[] => spansOf(hours, now, hourStartOf(now) - (count - 1) * hourMs, hourMs, count);

/** The last 7 days, one span per UTC day, today (so far) last. */
export const lastDays = (hours: readonly TallyHour[], now: number, count = 7): TallySpan[] => spansOf(hours, now, dayStartOf(now) - (count - 1) * dayMs, dayMs, count);

/** The earliest hour lastDays reads: what the home asks the store for. */
export const readSince = (now: number, days = 7): number => dayStartOf(now) - (days - 1) * dayMs;

/** Buckets of hours before this are swept: eight days, a day more than the home shows. */
export const sweepBefore = (now: number): number => hourStartOf(now) - 8 * dayMs;
