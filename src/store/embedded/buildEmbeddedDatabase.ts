// Builds the embedded database (FerretDB v1, from ./ferretdb) with the Go toolchain.
// Run by `npm ci` (postinstall) and, when the binary is missing or older than its source,
// by the first start; `--strict` makes a failure exit non-zero. Set GATEHOUSE_SKIP_EMBEDDED_BUILD=1 where MONGODB_URI is always used
// (the Docker image does), so that no Go toolchain is needed there.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { embeddedDatabaseBinary, embeddedDatabaseSource } from './embeddedDatabasePaths.ts';

export function embeddedDatabaseIsCurrent(): boolean {
  if (!existsSync(embeddedDatabaseBinary)) return false;
  const built = statSync(embeddedDatabaseBinary).mtimeMs;
  return readdirSync(embeddedDatabaseSource).every((file) => statSync(join(embeddedDatabaseSource, file)).mtimeMs <= built);
}

/** Builds the binary if needed; throws with the Go toolchain's own output when it cannot. */
export function buildEmbeddedDatabase(say: (line: string) => void = (line) => console.error(line)): void {
  if (embeddedDatabaseIsCurrent()) return;
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    throw new Error(
      'The embedded database needs the Go toolchain (go 1.24 or newer) to be built, and `go` was not found. ' +
        'Install Go, or set MONGODB_URI to use a MongoDB server instead.',
    );
  }
  say('Building the embedded database (FerretDB) with Go; the first build takes a minute or two…');
  mkdirSync(dirname(embeddedDatabaseBinary), { recursive: true });
  const build = spawnSync('go', ['build', '-trimpath', '-o', embeddedDatabaseBinary, '.'], {
    cwd: embeddedDatabaseSource,
    encoding: 'utf8',
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  if (build.status !== 0) {
    throw new Error(`Building the embedded database failed (go build exited ${build.status}):\n${build.stderr}`);
  }
  say(`Embedded database built: ${embeddedDatabaseBinary}`);
}

if (import.meta.main) {
  const strict = process.argv.includes('--strict');
  if (process.env.GATEHOUSE_SKIP_EMBEDDED_BUILD === '1' && !strict) {
    console.error('GATEHOUSE_SKIP_EMBEDDED_BUILD=1: not building the embedded database.');
  } else {
    try {
      buildEmbeddedDatabase();
    } catch (error) {
      // Installing must not fail for someone who runs against MongoDB; the start says it
      // again. With --strict (CI) it fails.
      console.error(`${strict ? 'Error' : 'Warning'}: ${(error as Error).message}`);
      if (strict) process.exitCode = 1;
    }
  }
}
