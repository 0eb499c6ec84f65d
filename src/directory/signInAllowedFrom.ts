import type { StoredPerson } from '../store/repositories/personRepository.ts';
import type { IpGroupDirectory } from './ipGroupDirectory.ts';
import { ipInRanges } from '../security/ipInRanges.ts';

/**
 * Whether a person may sign in from a client address: always without an IP group, else
 * only from the group's ranges. A group that cannot be found allows nothing (fail closed).
 */
export async function signInAllowedFrom(person: Pick<StoredPerson, 'ipGroup'>, ip: string, ipGroups: Pick<IpGroupDirectory, 'findRanges'>): Promise<boolean> {
  if (!person.ipGroup) return true;
  const ranges = await ipGroups.findRanges(person.ipGroup);
  return ranges !== undefined && ipInRanges(ip, ranges);
}
