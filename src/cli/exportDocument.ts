import type { ClientDirectory, ClientInput } from '../directory/clientDirectory.ts';
import type { PersonDirectory, PersonInput } from '../directory/personDirectory.ts';

export type ExportedDocument = { clients: ClientInput[]; persons: (PersonInput & { sub: string })[] };

/**
 * The whole directory as the document `import` takes back unchanged: persons with their
 * sub and password hash, clients without their secrets unless `withSecrets`.
 */
export async function exportDocument(
  services: { clients: ClientDirectory; persons: PersonDirectory },
  options: { withSecrets?: boolean } = {},
): Promise<ExportedDocument> {
  return {
    clients: await services.clients.exportAll({ includeSecrets: options.withSecrets === true }),
    persons: await services.persons.exportAll(),
  };
}
