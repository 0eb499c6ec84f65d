import { isEmailInDomain } from '../../policy/isEmailInDomain.ts';
import { words, type PlanWords } from '../../policy/planWords.ts';
import type { ClassPolicy, PersonFacts } from '../../policy/types.ts';

export type OtpChannel =
  | { deliverable: true; channel: 'sms' | 'email' }
  | { deliverable: false; reason: 'no-cell-phone' | 'no-email' | 'email-outside-domain'; why: PlanWords };

/**
 * Where a one-time code goes for this class and person: device C → the cell phone by SMS;
 * device E → the email address, which must be inside the class's domain when one is set;
 * device S (and N, which only reaches here outside the MFA context) → the "if no screen"
 * channel, by the same rules.
 */
export function otpChannelFor(policy: ClassPolicy, person: Pick<PersonFacts, 'cellPhone' | 'email'>): OtpChannel {
  const target = policy.mfaDevice === 'C' || policy.mfaDevice === 'E' ? policy.mfaDevice : policy.noScreenChannel;
  if (target === 'C') {
    if (!hasText(person.cellPhone)) return { deliverable: false, reason: 'no-cell-phone', why: words('why.otp.noCellPhone') };
    return { deliverable: true, channel: 'sms' };
  }
  const email = person.email?.trim() ?? '';
  if (email === '') return { deliverable: false, reason: 'no-email', why: words('why.otp.noEmail') };
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) {
    return { deliverable: false, reason: 'no-email', why: words('why.otp.incompleteEmail') };
  }
  const domain = policy.emailDomain?.trim();
  if (domain !== undefined && domain !== '' && !isEmailInDomain(email, domain)) {
    return { deliverable: false, reason: 'email-outside-domain', why: words('why.otp.outsideDomain', { domain }) };
  }
  return { deliverable: true, channel: 'email' };
}

function hasText(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}
