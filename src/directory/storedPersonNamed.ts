import { NotFoundError } from '../errors/GatehouseError.ts';
import type { StoredPerson } from '../store/repositories/personRepository.ts';
import type { PersonView } from './personInput.ts';

type Persons = { show(name: string): Promise<Pick<PersonView, 'sub'>>; findBySub(sub: string): Promise<StoredPerson | null> };

/**
 * The stored record of the person named `name` (ignoring case), for a service that works
 * on a StoredPerson: the directory's show, then its findBySub of that sub. NotFoundError
 * when there is no such person, or when they went between the two lookups.
 */
export async function storedPersonNamed(persons: Persons, name: string): Promise<StoredPerson> {
  const { sub } = await persons.show(name);
  const person = await persons.findBySub(sub);
  if (!person) throw new NotFoundError(`There is no person "${name}".`);
  return person;
}
