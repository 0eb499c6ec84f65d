import { isEmailInDomain } from './isEmailInDomain.ts';
import type { ClassPolicy, PersonFacts, SkippedFactor } from './types.ts';

export type OtpChannel =
  | { deliverable: true; channel: 'sms' | 'email' }
  | { deliverable: false; reason: Extract<SkippedFactor['reason'], 'no-cell-phone' | 'no-email' | 'email-outside-domain'>; why: string };

/**
 * Where a one-time code goes for this class and person: device C → the cell phone by SMS;
 * device E → the email address, which must be inside the class's domain when one is set;
 * device S (and N, which only reaches here outside the MFA context) → the "if no screen"
 * channel, by the same rules.
 */
export function otpChannelFor(policy: ClassPolicy, person: PersonFacts): OtpChannel {
  const target = policy.mfaDevice === 'C' || policy.mfaDevice === 'E' ? policy.mfaDevice : policy.noScreenChannel;
  if (target === 'C') {
    if (!hasText(person.cellPhone)) return { deliverable: false, reason: 'no-cell-phone', why: 'the person has no cell phone for an SMS code' };
    return { deliverable: true, channel: 'sms' };
  }
  const email = person.email?.trim() ?? '';
  if (email === '') return { deliverable: false, reason: 'no-email', why: 'the person has no email address' };
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) {
    return { deliverable: false, reason: 'no-email', why: 'the person\'s email address is not a complete address' };
  }
  const domain = policy.emailDomain?.trim();
  if (domain !== undefined && domain !== '' && !isEmailInDomain(email, domain)) {
    return { deliverable: false, reason: 'email-outside-domain', why: `the person's email address is outside the domain ${domain}` };
  }
  return { deliverable: true, channel: 'email' };
}

function hasText(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}
