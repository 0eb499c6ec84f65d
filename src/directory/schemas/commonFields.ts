import { z } from 'zod';

/**
 * Field builders the input schemas share. Each message is what follows the field's path
 * (parseInput.ts puts "name: " in front), and shows the value given where that helps.
 */

const shown = (value: unknown) => JSON.stringify(value);

/**
 * An object of known fields: anything but an object is refused with `notAnObject`, an
 * unknown field with "FIELD: not a WHAT field (known: …)".
 */
export function fieldsOf<Shape extends z.core.$ZodLooseShape>(shape: Shape, what: string, notAnObject: string) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? `not ${what} (known: ${known}).` : notAnObject) });
}

/** A class (or IP group) name: 1 to 10 of A–Z, 0–9, _; upper-cased, as the screen shows it. */
export function shortName(what: string, reserved: readonly string[] = []) {
  const message = (issue: { input?: unknown }) => `the name of ${what} is 1 to 10 characters A–Z, 0–9 or _; got ${shown(issue.input)}.`;
  return z
    .string({ error: message })
    .refine((value) => !reserved.includes(value.toUpperCase()), {
      error: (issue) => `${String(issue.input).toUpperCase()} is reserved (a person's class may be *DFT, the default class, or *NEVER, no second factor).`,
      abort: true,
    })
    .regex(/^[A-Za-z0-9_]{1,10}$/, { error: message })
    .transform((value) => value.toUpperCase());
}

/** A one-line description of at most `max` characters; left out or null = "". */
export function shortText(max = 50) {
  const error = `a text of at most ${max} characters on one line.`;
  return z
    .string({ error })
    .max(max, { error })
    .regex(/^\P{Cc}*$/u, { error })
    .nullish()
    .transform((value) => value ?? '');
}

/**
 * One of the codes of a coded field ("N", "S"…), accepted in either case (a number for the
 * numeric codes); left out = `fallback`. A wrong one is told with every code and its meaning.
 */
export function codeOf<Code extends string>(codes: Record<Code, string>, fallback: NoInfer<Code>) {
  const known = Object.entries(codes).map(([key, meaning]) => `${key} (${meaning as string})`).join(', ');
  const message = (value: unknown) => `one of ${known}; got ${shown(value)}.`;
  return z
    .union([z.string(), z.number()], { error: (issue) => message(issue.input) })
    .optional()
    .transform((value, ctx): Code => {
      if (value === undefined) return fallback;
      const code = typeof value === 'string' ? value.toUpperCase() : String(value);
      if (!Object.hasOwn(codes, code)) ctx.addIssue({ code: 'custom', message: message(value), input: value });
      return code as Code;
    })
    .meta({ enum: Object.keys(codes), default: fallback });
}

/** A whole number from `min` to `max`; left out = `fallback`. `note` tells a special value ("999 = no limit"). */
export function wholeNumber(min: number, max: number, fallback: number, note = '') {
  const error = (issue: { input?: unknown }) => `a whole number from ${min} to ${max}${note}; got ${shown(issue.input)}.`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error }).default(fallback);
}

/** true or false, or left out. */
export const yesOrNo = () => z.boolean({ error: 'true or false.' }).optional();
