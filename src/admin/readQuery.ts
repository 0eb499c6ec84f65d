import type { Context } from 'koa';
import { AdminApiError } from './AdminApiError.ts';

const invalid = (message: string) => new AdminApiError(400, 'invalid_request', message);

/**
 * The query parameters of a request, each given at most once and each one this route
 * knows: a misspelt filter is refused, not ignored.
 */
export function readQuery<Name extends string>(ctx: Context, known: readonly Name[]): Partial<Record<Name, string>> {
  const query: Partial<Record<Name, string>> = {};
  for (const [name, value] of Object.entries(ctx.query)) {
    if (!(known as readonly string[]).includes(name)) {
      throw invalid(known.length ? `${name}: not a query parameter here (known: ${known.join(', ')}).` : `${name}: this request takes no query parameters.`);
    }
    if (typeof value !== 'string') throw invalid(`${name}: give it once.`);
    query[name as Name] = value;
  }
  return query;
}

/** Y or N (either case) as a boolean; undefined when not given. */
export function yesNo(field: string, value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const answer = value.toUpperCase();
  if (answer !== 'Y' && answer !== 'N') throw invalid(`${field}: Y or N; got ${JSON.stringify(value)}.`);
  return answer === 'Y';
}

/** A whole number from `min` to `max`; undefined when not given. */
export function wholeNumber(field: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = /^\d{1,9}$/.test(value) ? Number(value) : Number.NaN;
  if (!(number >= min && number <= max)) throw invalid(`${field}: a whole number from ${min} to ${max}; got ${JSON.stringify(value)}.`);
  return number;
}
