import type { StoredPerson } from '../store/repositories/personRepository.ts';

/** Whether the person's password is a temporary one whose time is over: it signs in no more. */
export const temporaryPasswordExpired = (person: Pick<StoredPerson, 'temporaryPassword'>, now: number): boolean =>
  Boolean(person.temporaryPassword?.expiresAt && person.temporaryPassword.expiresAt.getTime() <= now);
