import { z } from 'zod';
import type { IpGroupDirectory } from '../directory/ipGroupDirectory.ts';
import { ipGroupSchema, rangesSchema } from '../directory/schemas/ipGroupSchema.ts';
import type { AdminRoute } from './AdminRoute.ts';
import { ipGroupViewSchema } from './apiSchemas/recordApiSchemas.ts';
import { namedRecordRoutes } from './namedRecordRoutes.ts';

const ipGroupChangesSchema = z
  .object({ text: z.string().max(50).meta({ description: 'Description.' }), ranges: rangesSchema })
  .partial()
  .meta({ id: 'IpGroupChanges', description: 'Only the fields to change: `text`, and `ranges` (the whole list).' });

const examples = { input: { name: 'OFFICE', text: 'Head office', ranges: ['10.0.0.0/8', '2001:db8::/32'] }, changes: { ranges: ['10.0.0.0/8', '192.0.2.7'] } };

/** IP groups: named lists of address ranges a person may sign in from. */
export function ipGroupRoutes(ipGroups: IpGroupDirectory): AdminRoute[] {
  return namedRecordRoutes('/ipgroups', ipGroups, (result) => result.ipGroup, { tag: 'IpGroups', what: 'IP group', input: ipGroupSchema, view: ipGroupViewSchema, changes: ipGroupChangesSchema, examples });
}
