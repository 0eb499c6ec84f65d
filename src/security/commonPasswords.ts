import { createRequire } from 'node:module';

type Dictionaries = { dictionary: Record<string, string[]> };

/**
 * The lists of the zxcvbn-ts dictionaries that make the shipped list of common and
 * breached passwords: the passwords found most often in breaches (language-common) and
 * the common English words of subtitles and Wikipedia (language-en), which dictionary
 * attacks try first. Together 104,907 distinct entries, ignoring case (surnames, first
 * names and diceware words of the same packages are left out: they are not passwords).
 */
const lists = [
  { module: '@zxcvbn-ts/language-common', names: ['passwords-common'] },
  { module: '@zxcvbn-ts/language-en', names: ['commonWords-en', 'wikipedia-en'] },
] as const;

/** How an entry and a password are compared: NFC, ignoring case. */
export const commonPasswordKey = (text: string) => text.normalize('NFC').toLowerCase();

let loaded: Set<string> | undefined;

/**
 * The list as a Set, loaded on first use, not at start: the packages decompress their
 * lists when loaded, which costs about 0.2–0.3 s and 15 MB of heap (40 MB of RSS) that a server which never sets
 * a password need not pay. Loaded synchronously (through require) so that the rules stay
 * a plain function.
 */
export function commonPasswords(): ReadonlySet<string> {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const set = new Set<string>();
  for (const { module, names } of lists) {
    const { dictionary } = require(module) as Dictionaries;
    for (const name of names) for (const entry of dictionary[name] ?? []) set.add(commonPasswordKey(entry));
  }
  loaded = set;
  return set;
}

/** True when the password is on the shipped list (ignoring case). */
export const isCommonPassword = (password: string) => commonPasswords().has(commonPasswordKey(password));
