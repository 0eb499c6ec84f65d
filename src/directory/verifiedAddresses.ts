import type { StoredPerson } from '../store/repositories/personRepository.ts';

export type AddressChannel = 'email' | 'sms';

/**
 * The form in which two addresses are compared: an email address ignoring case and
 * surrounding spaces, a phone number by its digits (and a leading +), so that the same
 * number written with spaces or dashes is the same number.
 */
export function addressKey(channel: AddressChannel, address: string): string {
  if (channel === 'email') return address.trim().toLowerCase();
  const trimmed = address.trim();
  return `${trimmed.startsWith('+') ? '+' : ''}${trimmed.replace(/\D/g, '')}`;
}

const proven = (channel: AddressChannel, current: string | undefined, provenFor: string | undefined) =>
  Boolean(current && provenFor && addressKey(channel, current) === addressKey(channel, provenFor));

/**
 * Whether the person's email is verified: Gatehouse proved this very address (a code or
 * link sent to it was used) or an admin marked it. The proof is stored with the address it
 * was made for (`emailVerifiedFor`), so a changed email is unverified at once.
 */
export const emailVerified = (person: Pick<StoredPerson, 'email' | 'emailVerifiedFor'>): boolean => proven('email', person.email, person.emailVerifiedFor);

/** Whether the person's cell phone is verified, as emailVerified. */
export const phoneVerified = (person: Pick<StoredPerson, 'cellPhone' | 'phoneVerifiedFor'>): boolean => proven('sms', person.cellPhone, person.phoneVerifiedFor);
