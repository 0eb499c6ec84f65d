import type { ClassDirectory, ClassInput } from '../directory/classDirectory.ts';
import type { ClientDirectory, ClientInput } from '../directory/clientDirectory.ts';
import type { IpGroupDirectory, IpGroupInput } from '../directory/ipGroupDirectory.ts';
import type { PersonDirectory, PersonInput } from '../directory/personDirectory.ts';
import type { SettingsDirectory, SettingsInput } from '../directory/settingsDirectory.ts';

export type ExportedDocument = {
  ipGroups: IpGroupInput[];
  classes: ClassInput[];
  settings: SettingsInput;
  clients: ClientInput[];
  persons: (PersonInput & { sub: string })[];
};

/**
 * The whole directory as the document `import` takes back unchanged, in the order import
 * applies it: IP groups, classes, settings, clients (without their secrets unless
 * `withSecrets`), persons with their sub and password hash.
 */
export async function exportDocument(
  services: { ipGroups: IpGroupDirectory; classes: ClassDirectory; settings: SettingsDirectory; clients: ClientDirectory; persons: PersonDirectory },
  options: { withSecrets?: boolean } = {},
): Promise<ExportedDocument> {
  return {
    ipGroups: await services.ipGroups.exportAll(),
    classes: await services.classes.exportAll(),
    settings: await services.settings.exportAll(),
    clients: await services.clients.exportAll({ includeSecrets: options.withSecrets === true }),
    persons: await services.persons.exportAll(),
  };
}
