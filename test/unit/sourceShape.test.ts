import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// The shape design.md asks of src/: no import cycle, no file over 300 lines, and
// dependencies that point down (pages → steps → factors/directory → store). Read from
// the source itself with a small import scanner, so that no new dependency is needed.

const root = path.resolve(import.meta.dirname, '../../src');
const maximumLines = 300;

/** An area is a folder under src/ (factors/* is one area), or a file of the composition root. */
const composition: Record<string, string> = { 'main.ts': 'boot', 'startGatehouse.ts': 'boot', 'app.ts': 'boot', 'services.ts': 'services' };

const pages = ['interaction', 'reset', 'account', 'registration', 'admin'] as const;
/** What everything may lean on: the vocabulary and plumbing below every other area. */
const base = ['configuration', 'errors', 'logging', 'i18n'];
/** The services the pages, the CLI and the composition root are built from. */
const domain = ['directory', 'factors', 'delivery', 'security', 'policy', 'store', ...base];

/**
 * Which areas each area may import (an entry is an area, a file under src/, or
 * `services:type`: the type of the built services, never the code that builds them).
 * Pages import no other page: what two of them share lives in http/ or below.
 */
const mayImport: Record<string, readonly string[]> = {
  boot: ['*'],
  // The registration links are a service of their own, kept beside the page their links open.
  services: [...domain, 'oidc', 'registration/registrationLinks.ts'],
  cli: ['services', 'oidc', ...domain],
  ...Object.fromEntries(pages.map((page) => [page, ['services:type', 'http', 'oidc', ...domain]])),
  // Small shared pieces of the web faces: nothing of a page, a factor or the directory.
  http: ['security', 'store', ...base],
  // The provider's configuration: over the directory and the factors; its pages are rendered by http/.
  oidc: ['http', 'directory', 'factors', 'security', 'policy', 'store', ...base],
  // factors and directory are one layer; the file graph below keeps the two free of cycles.
  directory: ['factors', 'delivery', 'security', 'policy', 'store', 'oidc/scopes.ts', ...base],
  factors: ['directory', 'delivery', 'security', 'policy', 'store', ...base],
  // The development outbox is a page of its own (/dev/outbox), rendered like the others.
  delivery: ['http/renderPage.ts', 'security', 'store', ...base],
  // Master-key rotation re-seals the provider's keyring and what each factor seals (the factor list) as well.
  security: ['store', 'oidc/keyring.ts', 'factors/index.ts', ...base],
  // policy/ is pure: it imports only policy/, i18n/, and the closed Verdict a factor returns (a type with no imports), which nextStep reads.
  policy: ['i18n', 'factors/Verdict.ts'],
  // store/ imports nothing above it; policy's types are the vocabulary its models are written in.
  store: ['policy', 'configuration', 'errors', 'logging'],
  configuration: ['errors'],
  i18n: [],
  // An error may name the message key its sentence is translated by.
  errors: ['i18n'],
  logging: ['configuration'],
  // The compiler of `npm start` (build/compileServer.ts) works on files, not on the code it compiles.
  build: [],
};

type Import = { from: string; to: string; typeOnly: boolean };

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/**
 * Every relative import of a file: `import`, `import type`, `export … from` and `import()`.
 * A statement's specifier list holds no quote and no semicolon, which keeps a match
 * inside one statement.
 */
const importPattern = /^[ \t]*(?:import|export)\s+(type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm;

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  for (const match of text.matchAll(importPattern)) {
    const specifier = match[2] ?? match[3]!;
    if (!specifier.startsWith('.')) continue;
    found.push({ from: relative(file), to: relative(path.resolve(path.dirname(file), specifier)), typeOnly: Boolean(match[1]) });
  }
  return found;
}

const relative = (file: string) => path.relative(root, file).split(path.sep).join('/');
const insideSrc = (file: string) => !file.startsWith('../');

function areaOf(file: string): string {
  const parts = file.split('/');
  return parts.length === 1 ? (composition[file] ?? file) : parts[0]!;
}

const files = sourceFiles(root).map(relative).toSorted();
const imports = sourceFiles(root).flatMap(importsOf).filter((entry) => insideSrc(entry.to));

/** The cycles of the import graph: one per strongly connected component (Tarjan), as a path back to its start. */
function importCycles(): string[][] {
  const edges = new Map<string, string[]>();
  for (const { from, to } of imports) edges.set(from, [...(edges.get(from) ?? []), to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (edges.get(node) ?? []).includes(node)) components.push(component);
    }
  };
  for (const file of files) if (!index.has(file)) visit(file);
  // A shortest way from the component's first file back to itself (breadth first, inside the component).
  return components.map((component) => {
    const members = new Set(component);
    const start = component.toSorted()[0]!;
    const cameFrom = new Map<string, string>();
    const queue = [start];
    while (queue.length) {
      const node = queue.shift()!;
      for (const next of edges.get(node) ?? []) {
        if (!members.has(next)) continue;
        if (next === start) {
          const cycle = [start];
          for (let at: string | undefined = node; at && at !== start; at = cameFrom.get(at)) cycle.splice(1, 0, at);
          return [...cycle, start];
        }
        if (!cameFrom.has(next)) {
          cameFrom.set(next, node);
          queue.push(next);
        }
      }
    }
    return component;
  });
}

function allowed({ from, to, typeOnly }: Import): boolean {
  const fromArea = areaOf(from);
  const toArea = areaOf(to);
  if (fromArea === toArea) return true;
  const rule = mayImport[fromArea];
  if (!rule) return false;
  return rule.includes('*') || rule.includes(toArea) || rule.includes(to) || (typeOnly && toArea === 'services' && rule.includes('services:type'));
}

describe('the shape of src/', () => {
  test('the scanner sees the imports (value and type) of the source', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(imports).toContainEqual({ from: 'app.ts', to: 'http/handleErrors.ts', typeOnly: false });
    expect(imports.some((entry) => entry.typeOnly)).toBe(true);
  });

  test('no import cycle', () => {
    expect(importCycles().map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  test(`no file over ${maximumLines} lines`, () => {
    const measured = files.map((file) => ({ file, lines: readFileSync(path.join(root, file), 'utf8').split('\n').length - 1 }));
    const long = measured.filter(({ lines }) => lines > maximumLines).map(({ file, lines }) => `${file}: ${lines} lines`);
    expect(long).toEqual([]);
  });

  test('every area is in the table of layers', () => {
    expect([...new Set(files.map(areaOf))].filter((area) => !(area in mayImport))).toEqual([]);
  });

  test('the repositories are the only code that imports the models (design.md, Store)', () => {
    const seeingModels = imports.filter(({ from, to }) => to.startsWith('store/models/') && !from.startsWith('store/')).map(({ from, to }) => `${from} → ${to}`);
    expect(imports.some(({ from, to }) => from.startsWith('store/repositories/') && to.startsWith('store/models/'))).toBe(true);
    expect(seeingModels).toEqual([]);
  });

  test('dependencies point down (the table of layers)', () => {
    const climbing = imports.filter((entry) => !allowed(entry)).map(({ from, to, typeOnly }) => `${from} → ${to}${typeOnly ? ' (type)' : ''}`);
    expect(climbing).toEqual([]);
  });
});
