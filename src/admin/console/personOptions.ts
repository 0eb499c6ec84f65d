import type { MessageKey } from '../../i18n/messages.en.ts';
import type { Translate } from '../../i18n/translate.ts';
import { personPath } from './personPath.ts';

/** The options of "Work with Persons", numbered as on the source screen (8, the TOTP key menu, is a screen of its own). */
const options = [
  { number: 1, label: 'admin.persons.option.workWith', path: undefined },
  { number: 3, label: 'admin.persons.option.rename', path: 'rename' },
  { number: 4, label: 'admin.persons.option.delete', path: 'delete' },
  { number: 7, label: 'admin.persons.option.questions', path: 'questions' },
  { number: 8, label: 'admin.persons.option.totp', path: 'totp' },
  { number: 9, label: 'admin.persons.option.mfa', path: 'mfa' },
] as const satisfies readonly { number: number; label: MessageKey; path: Parameters<typeof personPath>[1] }[];

/** The options of a person as links ("1 Work with"…), each named with the person for a screen reader; `current` marks the page's own. */
export function personOptions(t: Translate, name: string, current?: number) {
  return options.map((option) => {
    const label = `${option.number} ${t(option.label)}`;
    return { label, href: personPath(name, option.path), current: option.number === current, aria: t('admin.persons.option.of', { option: label, name }) };
  });
}
