/**
 * The form in which answers are compared: Unicode NFKC (full-width letters, ligatures and
 * composed accents become one form), lower case, inner spaces collapsed to one, no spaces
 * around. "  Buenos   AIRES " and "buenos aires" are the same answer.
 */
export function normaliseAnswer(text: string): string {
  return text.normalize('NFKC').toLowerCase().normalize('NFKC').replace(/\s+/gu, ' ').trim();
}

/** A question as shown: its own case kept, spaces tidied. */
export function tidyQuestion(text: string): string {
  return text.normalize('NFC').replace(/\s+/gu, ' ').trim();
}
