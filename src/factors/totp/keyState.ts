import type { StoredPerson } from '../../store/repositories/personRepository.ts';

export type TotpKeyState = 'none' | 'pending' | 'active';

/** The state of a person's TOTP key, from the person's record: only an active key is asked at sign-in. */
export function keyState(person: Pick<StoredPerson, 'totp'>): TotpKeyState {
  return person.totp?.state ?? 'none';
}
