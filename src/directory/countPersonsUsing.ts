import type { Connection } from 'mongoose';
import { personModel } from '../store/models/personModel.ts';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** How many persons name this class (`className`) or IP group (`ipGroup`), compared ignoring case. */
export async function countPersonsUsing(connection: Connection, field: 'className' | 'ipGroup', name: string): Promise<number> {
  return personModel(connection).countDocuments({ [field]: { $regex: `^${escapeRegExp(name)}$`, $options: 'i' } });
}

export const personsCount = (count: number) => (count === 1 ? '1 person' : `${count} persons`);
