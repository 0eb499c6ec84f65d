import type { ClassDirectory } from '../directory/classDirectory.ts';
import type { AdminRoute } from './AdminRoute.ts';
import { namedRecordRoutes } from './namedRecordRoutes.ts';

/** Classes: the "Add New Class" screen and its work-with list. */
export function classRoutes(classes: ClassDirectory): AdminRoute[] {
  return namedRecordRoutes('/classes', classes, (result) => result.class);
}
