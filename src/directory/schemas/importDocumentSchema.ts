import { z } from 'zod';
import { fieldsOf } from './commonFields.ts';

/** The sections an import document may have, in the order they are applied (a later one may refer to an earlier one). */
export const importSections = ['ipGroups', 'classes', 'settings', 'clients', 'persons'] as const;
export type ImportSection = (typeof importSections)[number];

const sectionList = importSections.map((section) => `"${section}"`).join(', ');
const listOf = (section: string, entry: string) => z.array(z.unknown(), { error: `a list of ${section}.` }).optional().meta({ description: `Each entry a ${entry} (schema ${entry}).` });

/**
 * The shape of an import (and export) document: `{ ipGroups, classes, settings, clients,
 * persons }`, each section optional. Each entry is checked on its own with its record's
 * schema (ipGroupSchema, classSchema, settingsSchema, clientSchema, personSchema plus
 * `sub`), so that every refused entry is told at its position, not only the first.
 */
export const importDocumentSchema = fieldsOf(
  {
    ipGroups: listOf('ipGroups', 'IpGroupInput'),
    classes: listOf('classes', 'ClassInput'),
    settings: z.unknown().optional().meta({ description: 'The settings (schema SettingsInput).' }),
    clients: listOf('clients', 'ClientInput'),
    persons: listOf('persons', 'PersonInput with its `sub`'),
  },
  'a section of an import document',
  `a JSON object with the sections ${sectionList}.`,
).meta({ id: 'ImportDocument', description: 'The whole directory, as `gatehouse export` writes it and `gatehouse import` takes it back.' });

/** A person's OIDC subject as exported: kept when the person is new, never changed. */
export const importedSubSchema = z
  .string({ error: '1 to 255 printable ASCII characters without spaces, as exported.' })
  .regex(/^[\x21-\x7e]{1,255}$/, { error: '1 to 255 printable ASCII characters without spaces, as exported.' })
  .optional();
