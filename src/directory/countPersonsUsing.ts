import type { Connection } from 'mongoose';
import { personRepository } from '../store/repositories/personRepository.ts';

/** How many persons name this class (`className`) or IP group (`ipGroup`), compared ignoring case. */
export async function countPersonsUsing(connection: Connection, field: 'className' | 'ipGroup', name: string): Promise<number> {
  return personRepository(connection).countUsing(field, name);
}

export const personsCount = (count: number) => (count === 1 ? '1 person' : `${count} persons`);
