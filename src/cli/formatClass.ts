import { classCodes, type ClassInput } from '../directory/classInput.ts';
import { factorOf } from '../factors/index.ts';
import { contexts, type FactorId, type PolicyContext } from '../policy/types.ts';

const width = 33;

/** "Class . . . . . ." padded to one column with dots on odd columns, like the labels of the source screens. */
function leader(label: string): string {
  let line = `${label} `;
  while (line.length < width) line += line.length % 2 === 1 ? '.' : ' ';
  return line;
}

const contextNames: Record<PolicyContext, string> = { MFA: 'sign-in', AOD: 'elevated access', 'P-R': 'password reset' };

/** "1 TOTP, 2 OTP" in priority order; a factor that Gatehouse cannot use yet says so. */
export function describeFactors(priorities: Partial<Record<FactorId, number>>): string {
  const used = (Object.entries(priorities) as [FactorId, number][]).toSorted(([, a], [, b]) => a - b);
  if (used.length === 0) return '(none)';
  return used.map(([factor, priority]) => `${priority} ${factor}${factorOf(factor)?.autoSelectable ? '' : ' (not available yet)'}`).join(', ');
}

const coded = (code: string, meanings: Record<string, string>) => `${code} = ${meanings[code] ?? '?'}`;

/** A class as the "Add New Class" screen shows it, one field per line, codes in words. */
export function formatClass(view: ClassInput & { last_update?: string }, options: { isDefault?: boolean } = {}): string {
  const reset = view.password_reset;
  const rows: [string, string][] = [
    ['Class', `${view.name}${options.isDefault ? '  (the default class: persons with class *DFT use it)' : ''}`],
    ['Text', view.text],
    ['MFA preferred device', coded(view.mfa_device, classCodes.mfa_device)],
    ['If no screen, prefer', coded(view.no_screen_channel, classCodes.no_screen_channel)],
    ['Restrict emails to domain', view.email_domain ?? '(any domain)'],
    ['Allow OTP instead of TOTP', coded(view.allow_otp_instead_of_totp, classCodes.allow_otp_instead_of_totp)],
    ...contexts.map((context): [string, string] => [`Factors ${context} (${contextNames[context]})`, describeFactors(view.factors[context])]),
    ['If API, MFA provider', view.api_provider ?? '(none)'],
    ['Number of private questions', String(view.question_count)],
    ['Maximum retries', view.max_retries === 0 ? '0 = no maximum' : String(view.max_retries)],
    ['Wait before next attempt', view.wait_seconds === 999 ? '999 = no retry until an admin unlocks' : `${view.wait_seconds} seconds`],
    ['Password reset: verify user by', coded(reset.verify_by, classCodes.verify_by)],
    ['Get new password by', coded(reset.new_password_by, classCodes.new_password_by)],
    ['Reset your password by', coded(reset.reset_by, classCodes.reset_by)],
    ['Password must be changed in', reset.must_change_minutes === 999 ? '999 = no limit' : `${reset.must_change_minutes} minutes`],
    ...(view.last_update ? [['Last update', view.last_update] as [string, string]] : []),
  ];
  return rows.map(([label, value]) => `${leader(label)} ${value}`.trimEnd()).join('\n');
}
