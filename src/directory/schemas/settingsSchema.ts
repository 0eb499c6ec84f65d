import { z } from 'zod';
import { fieldsOf } from './commonFields.ts';

const className = 'the name of a class, or null for none.';

/**
 * The directory-wide settings of an import document: `default_class` is a class name, or
 * null to clear it; a setting left out stays as it is. Whether the class exists is checked
 * where it is applied.
 */
export const settingsSchema = fieldsOf(
  { default_class: z.string({ error: className }).min(1, { error: className }).nullable().optional().meta({ description: 'The class of persons whose class is *DFT; null for none.' }) },
  'a setting',
  'Settings must be an object, such as { "default_class": "TOTP" }.',
)
  .transform((settings): { default_class?: string | null } => (settings.default_class === undefined ? {} : { default_class: settings.default_class }))
  .meta({ id: 'SettingsInput', description: 'Directory-wide settings; a setting left out stays as it is.' });
