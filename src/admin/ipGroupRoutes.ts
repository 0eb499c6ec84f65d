import type { IpGroupDirectory } from '../directory/ipGroupDirectory.ts';
import type { AdminRoute } from './AdminRoute.ts';
import { namedRecordRoutes } from './namedRecordRoutes.ts';

/** IP groups: named lists of address ranges a person may sign in from. */
export function ipGroupRoutes(ipGroups: IpGroupDirectory): AdminRoute[] {
  return namedRecordRoutes('/ipgroups', ipGroups, (result) => result.ipGroup);
}
