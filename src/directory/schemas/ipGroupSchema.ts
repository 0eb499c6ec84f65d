import { z } from 'zod';
import { formatIpRange, parseIpRange } from '../../security/ipRanges.ts';
import { fieldsOf, shortName, shortText } from './commonFields.ts';

export const maximumRanges = 1000;

const atLeastOne = 'at least one range, such as ["10.0.0.0/8", "2001:db8::/32", "192.0.2.7"].';

/** One range, in its normal form ("10.0.0.0/8"; a bare address becomes /32 or /128; IPv4-mapped IPv6 becomes IPv4). */
const range = z.string({ error: (issue) => `a range such as 10.0.0.0/8, 2001:db8::/32 or 192.0.2.7; got ${JSON.stringify(issue.input)}.` }).transform((text, ctx) => {
  const parsed = parseIpRange(text);
  if ('problem' in parsed) {
    ctx.addIssue({ code: 'custom', message: `${parsed.problem}.`, input: text });
    return z.NEVER;
  }
  return formatIpRange(parsed);
});

/** Each range in its normal form, in the order given, each once. */
export const rangesSchema = z
  .array(range, { error: atLeastOne })
  .min(1, { error: atLeastOne })
  .max(maximumRanges, { error: `at most ${maximumRanges} ranges.` })
  .transform((ranges) => [...new Set(ranges)])
  .meta({ description: 'CIDR ranges or single addresses, IPv4 or IPv6 ("10.0.0.0/8", "2001:db8::/32", "192.0.2.7").' });

/** An IP group in the input form of the JSON API, import/export and the CLI: name upper-cased, ranges normalised. */
export const ipGroupSchema = fieldsOf(
  {
    name: shortName('an IP group').meta({ description: '1 to 10 characters A–Z, 0–9 or _ (stored upper-case; unique ignoring case).' }),
    text: shortText().meta({ description: 'Description, at most 50 characters.' }),
    ranges: rangesSchema,
  },
  'an IP group field',
  'An IP group must be an object.',
).meta({ id: 'IpGroupInput', description: 'A named list of address ranges a person may sign in from.' });
