import type { MessageKey } from '../i18n/messages.en.ts';
import { isMessageKey, type Translate } from '../i18n/translate.ts';

/** A value in a sentence: plain, or something the sentence's language words itself. */
export type WordParam = string | number | { words: PlanWords } | { all: PlanWords[] } | { step: { factor: string; channel?: 'sms' | 'email' } } | { context: 'MFA' | 'AOD' | 'P-R' } | { time: number };

/** A sentence as a code: the planner and the factors return these; pages, the CLI and formatPlan say them (wordsOf). */
export type PlanWords = { key: string; params?: Record<string, WordParam> };

export const words = (key: string, params?: Record<string, WordParam>): PlanWords => (params ? { key, params } : { key });

/** A factor's step in words: `step.<factor>.<channel>`, else `step.<factor>`, else the factor's id. */
export function stepWords(t: Translate, step: { factor: string; channel?: 'sms' | 'email' }): string {
  const say = (key: string) => (isMessageKey(key) ? t(key) : undefined);
  return (step.channel ? say(`step.${step.factor}.${step.channel}`) : undefined) ?? say(`step.${step.factor}`) ?? step.factor;
}

function paramText(t: Translate, value: WordParam): string | number {
  if (typeof value !== 'object') return value;
  if ('words' in value) return wordsOf(t, value.words);
  if ('all' in value) return value.all.map((each) => wordsOf(t, each)).join(', ');
  if ('step' in value) return stepWords(t, value.step);
  if ('context' in value) return `${value.context} (${t(`context.${value.context}` as MessageKey)})`;
  return new Date(value.time).toISOString();
}

/** The sentence of a code in a language. */
export function wordsOf(t: Translate, sentence: PlanWords): string {
  const values = Object.fromEntries(Object.entries(sentence.params ?? {}).map(([name, value]) => [name, paramText(t, value)]));
  return t(sentence.key as MessageKey, values);
}
