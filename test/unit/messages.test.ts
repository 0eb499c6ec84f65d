import { en } from '../../src/i18n/messages.en.ts';
import { catalogues, translator } from '../../src/i18n/translate.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).toSorted();

test.each(Object.keys(catalogues).filter((locale) => locale !== 'en'))('the %s catalogue has every English key, no other, each with the same placeholders and some text', (locale) => {
  const catalogue = catalogues[locale]! as Record<string, string>;
  expect(Object.keys(catalogue).toSorted()).toEqual(Object.keys(en).toSorted());
  for (const [key, english] of Object.entries(en)) {
    expect({ key, placeholders: placeholders(catalogue[key]!) }).toEqual({ key, placeholders: placeholders(english) });
    expect({ key, empty: catalogue[key]!.trim() === '' }).toEqual({ key, empty: false });
  }
});

test('a translation fills its placeholders and leaves JSON-like braces alone', () => {
  expect(translator('es')('questions.questionLength', { field: 'Pregunta 1', min: 3, max: 200, length: 2 })).toBe('Pregunta 1: de 3 a 200 caracteres; tiene 2.');
  expect(translator('en')('questions.notList')).toBe('The questions must be a list of {"question": "...", "answer": "..."}.');
});
