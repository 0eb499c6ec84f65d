import type { StoredPerson } from '../store/repositories/personRepository.ts';

export const adminRole = 'admin';

/** An enabled person holding the admin role: who may get the `admin` scope and use the admin API. */
export function isAdministrator(person: Pick<StoredPerson, 'enabled' | 'roles'> | null | undefined): boolean {
  return Boolean(person && person.enabled && person.roles.includes(adminRole));
}
