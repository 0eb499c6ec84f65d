import type { StoredPerson } from '../../store/repositories/personRepository.ts';

/** How many private questions the person has answered, from the person's record. */
export function countAnswers(person: Pick<StoredPerson, 'questionAnswers'>): number {
  return person.questionAnswers?.length ?? 0;
}
