import { toJavaScript } from '../../src/build/compileServer.ts';

// The compiled server (`npm start`) is the sources with their types erased in place and
// their relative .ts imports pointing at the compiled .js files.

test('types are erased in place: lines and columns stay those of the source', () => {
  const source = 'export function twice(value: number): number {\n  return value * 2;\n}\n';
  const compiled = toJavaScript(source);
  expect(compiled.split('\n')).toHaveLength(source.split('\n').length);
  expect(compiled.indexOf('return')).toBe(source.indexOf('return'));
  expect(compiled).not.toContain('number');
});

test('relative .ts specifiers become .js in imports, exports and import(); packages and type-only imports are left alone', () => {
  const compiled = toJavaScript(
    [
      "import { a } from './a.ts';",
      "import {\n  b,\n} from '../lib/b.ts';",
      "export { c } from \"./c.ts\";",
      "export * from './d.ts';",
      "const e = await import('./e.ts');",
      "import type { F } from './f.ts';",
      "import g from 'some-package/g.ts';",
      "const text = 'see ./h.ts';",
      'console.log(a, b, e, g, text);',
    ].join('\n'),
  );
  expect(compiled).toContain("from './a.js'");
  expect(compiled).toContain("from '../lib/b.js'");
  expect(compiled).toContain('from "./c.js"');
  expect(compiled).toContain("from './d.js'");
  expect(compiled).toContain("import('./e.js')");
  expect(compiled).not.toContain('./f.');
  expect(compiled).toContain("'some-package/g.ts'");
  expect(compiled).toContain("'see ./h.ts'");
});
