import type { MessageKey } from '../../i18n/messages.en.ts';
import type { Translate } from '../../i18n/translate.ts';
import { explainPlan, skippedMessage } from '../../policy/explainPlan.ts';
import type { PlanWords, WordParam } from '../../policy/planWords.ts';
import type { SkippedFactor } from '../../policy/types.ts';
import type { Denial } from './homeDenials.ts';

/** A denied person as the home lists them: who, why in words, and the links to what fixes it. */
export type DenialRow = { name: string; href: string; className: string; disabled: boolean; reasons: string[]; fixes: { label: string; href: string }[] };

type Fix = { label: MessageKey; values?: Record<string, string>; href: string };

/** What fixes a skipped factor (by the factor's own code for why it cannot be used), or nothing that one link fixes. */
function fixOf(skipped: SkippedFactor, person: string, className: string | undefined): Fix | undefined {
  const classPage = className ? `/admin/classes/${encodeURIComponent(className)}` : undefined;
  switch (skipped.reason) {
    case 'no-active-key':
      return skipped.factor === 'TOTP' ? { label: 'admin.home.fix.totp', href: `${person}/totp` } : undefined;
    case 'not-enough-answers':
      return skipped.why.key === 'why.questions.noneAsked' && classPage ? { label: 'admin.home.fix.classQuestions', values: { name: className! }, href: classPage } : { label: 'admin.home.fix.questions', href: `${person}/questions` };
    case 'no-cell-phone':
      return { label: 'admin.home.fix.cellPhone', href: person };
    case 'no-email':
      return { label: 'admin.home.fix.email', href: person };
    case 'email-outside-domain':
      return { label: 'admin.home.fix.emailDomain', href: person };
    case 'locked':
      return { label: 'admin.home.fix.unlock', href: `${person}/mfa` };
    case 'not-available-yet':
      return classPage ? { label: 'admin.home.fix.classFactors', values: { name: className! }, href: classPage } : undefined;
    default:
      return undefined;
  }
}

/** The sentence with its times said as `format` says them (the planner's words give ISO times, as the CLI prints them). */
function withTimes(sentence: PlanWords, format: (at: number) => string): PlanWords {
  const param = (value: WordParam): WordParam => {
    if (typeof value !== 'object') return value;
    if ('time' in value) return format(value.time);
    if ('words' in value) return { words: withTimes(value.words, format) };
    if ('all' in value) return { all: value.all.map((each) => withTimes(each, format)) };
    return value;
  };
  return sentence.params ? { ...sentence, params: Object.fromEntries(Object.entries(sentence.params).map(([name, value]) => [name, param(value)])) } : sentence;
}

/**
 * A denial in the page's language: the reasons are the planner's own sentences (each
 * factor it could not use, then the denial; a missing class says so), and the fixes link
 * to the page that sets up what is missing, then to option 9, the whole plan.
 */
export function denialRow(denial: Denial, t: Translate, formatTime: (at: number) => string): DenialRow {
  const { plan } = denial;
  const person = `/admin/persons/${encodeURIComponent(denial.name)}`;
  const notes = explainPlan({ notes: plan.notes.map((note) => withTimes(note, formatTime)) }, t);
  const unusable = plan.skipped.map((entry) => skippedMessage({ ...entry, why: withTimes(entry.why, formatTime) }, t));
  const reasons = plan.classSource === 'missing' ? notes : [...unusable, ...notes.slice(-1)];
  const fixes: Fix[] = plan.classSource === 'missing' ? [{ label: 'admin.home.fix.class', href: person }] : plan.skipped.flatMap((skipped) => fixOf(skipped, person, plan.className) ?? []);
  fixes.push({ label: 'admin.home.fix.plan', href: `${person}/mfa` });
  const unique = fixes.filter((fix, index) => fixes.findIndex((other) => other.href === fix.href && other.label === fix.label) === index);
  return {
    name: denial.name,
    href: person,
    className: denial.className,
    disabled: !denial.enabled,
    reasons,
    fixes: unique.map((fix) => ({ label: t(fix.label, fix.values), href: fix.href })),
  };
}
