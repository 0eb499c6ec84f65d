import type { SkippedFactor } from './types.ts';

/** A skipped factor in words: "TOTP (priority 1) — the person has no TOTP key". */
export function describeSkipped(skipped: SkippedFactor): string {
  const prefix = `${skipped.factor}: `;
  const why = skipped.message.startsWith(prefix) ? skipped.message.slice(prefix.length) : skipped.message;
  return `${skipped.factor} (priority ${skipped.priority}) — ${why}`;
}
