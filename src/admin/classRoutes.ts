import { z } from 'zod';
import type { ClassDirectory } from '../directory/classDirectory.ts';
import { classFields, classSchema } from '../directory/schemas/classSchema.ts';
import type { AdminRoute } from './AdminRoute.ts';
import { classViewSchema } from './apiSchemas/recordApiSchemas.ts';
import { namedRecordRoutes } from './namedRecordRoutes.ts';

/** A PATCH body: any fields of a class; password_reset merged field by field, factors factor by factor. */
const classChangesSchema = z.object(classFields).partial().meta({ id: 'ClassChanges', description: 'Only the fields to change: password_reset is merged field by field, factors factor by factor (a factor set to null stops being used).' });

const examples = {
  input: { name: 'FULL', text: 'TOTP, then questions', mfa_device: 'S', allow_otp_instead_of_totp: 'Y', factors: { MFA: { TOTP: 1, Qstn: 2 }, AOD: { TOTP: 1 } }, question_count: 2 },
  changes: { max_retries: 5, factors: { MFA: { Qstn: null } } },
};

/** Classes: the "Add New Class" screen and its work-with list. */
export function classRoutes(classes: ClassDirectory): AdminRoute[] {
  return namedRecordRoutes('/classes', classes, (result) => result.class, { tag: 'Classes', what: 'class', input: classSchema, view: classViewSchema, changes: classChangesSchema, examples });
}
