import { denialRow } from '../../src/admin/console/homeDenialRows.ts';
import type { Denial } from '../../src/admin/console/homeDenials.ts';
import { factors } from '../../src/factors/index.ts';
import { translator } from '../../src/i18n/translate.ts';
import { planFactors } from '../../src/policy/planner.ts';
import type { ClassPolicy, PersonFacts, PlanInput } from '../../src/policy/types.ts';

// A planner's denial as the home says it: the planner's own sentences, and a link to the
// page that fixes each factor that could not be used, then option 9.

const NOW = Date.parse('2026-12-03T14:00:00.000Z');
const en = translator('en');
const policy = (fields: Partial<ClassPolicy> = {}): ClassPolicy => ({
  name: 'TOTPONLY',
  text: '',
  mfaDevice: 'S',
  noScreenChannel: 'E',
  allowOtpInsteadOfTotp: false,
  priorities: { MFA: { TOTP: 1 }, AOD: {}, 'P-R': {} },
  questionCount: 0,
  maxRetries: 3,
  waitSeconds: 60,
  passwordReset: { verifyBy: 'N', newPasswordBy: 'E', resetBy: '1', mustChangeMinutes: 10 },
  ...fields,
});
const person = (facts: Partial<PersonFacts> = {}): PersonFacts => ({ totp: 'none', questionsAnswered: 0, emergencyTokensLeft: 0, locks: {}, ...facts });

function denialOf(name: string, input: Partial<PlanInput>): Denial {
  const plan = planFactors({ context: 'MFA', classSource: 'class', policy: policy(), person: person(), now: NOW, factors, ...input });
  expect(plan.denied).toBeDefined();
  return { name, enabled: true, className: plan.className ?? 'GONE', plan };
}

const clock = (at: number) => new Date(at).toISOString().slice(11, 16);

test('a TOTP-only member without a key: why, and the TOTP key page', () => {
  const row = denialRow(denialOf('PEPE', {}), en, clock);
  expect(row.reasons[0]).toBe('TOTP: the person has no TOTP key');
  expect(row.reasons[1]).toMatch(/^Denied: no candidate is usable/);
  expect(row.fixes).toEqual([
    { label: 'Create a TOTP key', href: '/admin/persons/PEPE/totp' },
    { label: 'See the whole plan (option 9)', href: '/admin/persons/PEPE/mfa' },
  ]);
});

test('no channel for the class\'s device: the person\'s page, to add it', () => {
  const row = denialRow(denialOf('ANA M', { policy: policy({ name: 'MAIL', mfaDevice: 'E', priorities: { MFA: { OTP: 1 }, AOD: {}, 'P-R': {} } }) }), en, clock);
  expect(row.reasons[0]).toBe('OTP: the person has no email address');
  expect(row.fixes[0]).toEqual({ label: 'Add an email address', href: '/admin/persons/ANA%20M' });
});

test('a class that asks no questions: the class\'s page; too few answers: the questions page', () => {
  const questions = { MFA: { Qstn: 1 }, AOD: {}, 'P-R': {} };
  expect(denialRow(denialOf('Q', { policy: policy({ name: 'QST', questionCount: 0, priorities: questions }) }), en, clock).fixes[0]).toEqual({ label: 'Change the number of questions of class QST', href: '/admin/classes/QST' });
  expect(denialRow(denialOf('Q', { policy: policy({ name: 'QST', questionCount: 3, priorities: questions }), person: person({ questionsAnswered: 1 }) }), en, clock).fixes[0]).toEqual({ label: 'Set the private questions', href: '/admin/persons/Q/questions' });
});

test('a missing class: the planner\'s sentence, and changing the person\'s class', () => {
  const row = denialRow(denialOf('LOST', { classSource: 'missing', missingClassName: 'GONE' }), en, clock);
  expect(row.reasons).toEqual(['The person\'s class GONE does not exist: sign-in is refused until the class is created or the person\'s class is changed.']);
  expect(row.fixes[0]).toEqual({ label: 'Change the person\'s class', href: '/admin/persons/LOST' });
});

test('a lock: its time said as the page says times, and option 9 to unlock', () => {
  const until = NOW + 90_000;
  const row = denialRow(denialOf('LOCK', { person: person({ totp: 'active', locks: { TOTP: { until } } }) }), en, clock);
  expect(row.reasons[0]).toBe('TOTP: locked after too many failures until 14:01');
  expect(row.reasons[1]).toContain('the earliest lock ends at 14:01');
  expect(row.fixes[0]).toEqual({ label: 'Unlock', href: '/admin/persons/LOCK/mfa' });
  expect(row.fixes).toHaveLength(2);
});
