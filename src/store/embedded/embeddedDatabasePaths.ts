import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));

/** The Go program (FerretDB v1 embedded, SQLite backend) kept in the repository. */
export const embeddedDatabaseSource = join(here, 'ferretdb');

/** Where `npm ci` (or the first start) puts the built binary; outside git, rebuilt from source. */
export const embeddedDatabaseBinary = resolve(here, '../../../node_modules/.cache/gatehouse/gatehouse-ferretdb');

/** The file a running server writes so the CLI and other instances reuse its embedded database. */
export function embeddedDatabaseMarker(dataDir: string): string {
  return join(dataDir, 'embedded-database.json');
}

export function embeddedDatabaseFiles(dataDir: string): string {
  return join(dataDir, 'db');
}
