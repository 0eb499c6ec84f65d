import type { MessageKey } from '../../i18n/messages.en.ts';
import type { Translate } from '../../i18n/translate.ts';

// The shared input schemas speak English (the CLI, the API and the log read them). For a
// page in another language, the sentences a class or IP group form meets most are said in
// that language; any other keeps the schema's words, which are always right.

type Known = { pattern: RegExp; key: MessageKey; values?: (match: RegExpExecArray) => Record<string, string> };

const known: Known[] = [
  { pattern: /^a priority from 1 to 9\.$/, key: 'admin.classes.error.priority' },
  { pattern: /^priority (\d+) is given to both (\S+) and (\S+)\.$/, key: 'admin.classes.error.samePriority', values: (m) => ({ priority: m[1]!, first: m[2]!, second: m[3]! }) },
  { pattern: /^a whole number from (\d+) to (\d+)(?: \([^)]*\))?; got (.*)\.$/s, key: 'admin.classes.error.wholeNumber', values: (m) => ({ min: m[1]!, max: m[2]!, got: m[3]! }) },
  { pattern: /^the name of (?:a class|an IP group) is 1 to 10 characters A–Z, 0–9 or _; got (.*)\.$/s, key: 'admin.classes.error.name', values: (m) => ({ got: m[1]! }) },
  { pattern: /^a domain such as example\.com; got (.*)\.$/s, key: 'admin.classes.error.domain', values: (m) => ({ got: m[1]! }) },
  { pattern: /^a text of at most (\d+) characters on one line\.$/, key: 'admin.classes.error.text', values: (m) => ({ max: m[1]! }) },
  { pattern: /^the Qstn factor is used \(factors\.(\S+)\.Qstn\), so at least 1 question must be asked\.$/, key: 'admin.classes.error.questionsNeeded', values: (m) => ({ context: m[1]! }) },
  { pattern: /^a class "(.*)" already exists/s, key: 'admin.classes.error.nameTaken', values: (m) => ({ name: m[1]! }) },
  { pattern: /^an IP group "(.*)" already exists/s, key: 'admin.ipGroups.error.nameTaken', values: (m) => ({ name: m[1]! }) },
  { pattern: /^at least one range, such as /, key: 'admin.ipGroups.error.noRange' },
];

/** A refusal's message (after its field's path) in the page's language where it is a known sentence; as the schema says it otherwise. */
export function refusalWords(t: Translate, locale: string, message: string): string {
  if (locale === 'en') return message;
  for (const { pattern, key, values } of known) {
    const match = pattern.exec(message);
    if (match) return t(key, values?.(match) ?? {});
  }
  return message;
}
