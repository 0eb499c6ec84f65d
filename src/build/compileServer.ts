// `npm run build` (run by `npm start` first): the server as plain JavaScript, so that the
// process that serves does not load Node's TypeScript stripper (about 33 MiB of resident
// memory kept for good). Types are erased with the same stripper Node uses at run time, in
// place (whitespace where the types were): lines and columns stay those of the .ts files.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository this file belongs to. */
export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Where the compiled server goes (outside git, beside the embedded database's binary). */
export const compiledServerDirectory = join(projectRoot, 'node_modules/.cache/gatehouse/server');

/** Relative module specifiers of .ts files, in static imports and exports and in import(). */
const tsSpecifier = /((?:\bfrom|\bimport)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]*?)\.ts\2/g;

/** The module's code as JavaScript, its relative imports of .ts files turned into .js. */
export function toJavaScript(source: string): string {
  return stripTypeScriptTypes(source, { mode: 'strip' }).replace(tsSpecifier, '$1$2$3.js$2');
}

function compileFolder(from: string, to: string): number {
  let files = 0;
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    if (entry.isDirectory()) {
      files += compileFolder(source, join(to, entry.name));
    } else if (entry.name.endsWith('.ts')) {
      writeFileSync(join(to, entry.name.replace(/\.ts$/, '.js')), toJavaScript(readFileSync(source, 'utf8')));
      files += 1;
    } else {
      // Other files (the embedded database's Go sources) are linked, so they keep their times.
      symlinkSync(source, join(to, entry.name));
    }
  }
  return files;
}

/**
 * Compiles `folders` of the repository into `out` (afresh), with what their relative paths
 * reach beside them: views/ and node_modules/ (linked), and a package.json of type module.
 * Written next to `out` and moved in place, so a server starting meanwhile never sees half.
 */
export function compileServer(out = compiledServerDirectory, folders: readonly string[] = ['src', 'config']): { files: number; out: string } {
  const next = `${out}.next-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  let files = 0;
  for (const folder of folders) files += compileFolder(join(projectRoot, folder), join(next, folder));
  for (const linked of ['views', 'node_modules']) symlinkSync(relative(next, join(projectRoot, linked)), join(next, linked));
  writeFileSync(join(next, 'package.json'), `${JSON.stringify({ private: true, type: 'module' })}\n`);
  const previous = `${out}.previous-${process.pid}`;
  if (existsSync(out)) renameSync(out, previous);
  renameSync(next, out);
  rmSync(previous, { recursive: true, force: true });
  return { files, out };
}

if (import.meta.main) {
  const { files, out } = compileServer();
  console.error(`Compiled ${files} files to ${relative(process.cwd(), out)}`);
}
