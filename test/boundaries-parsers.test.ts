/**
 * parsers/ depends on nothing of src/ (developers' guide): a format can be read, tested and reused
 * without the store, the rules or the CLI. Every file under parsers/ is read statically (the
 * TypeScript scanner: imports, `import type`, re-exports, dynamic `import()` and `require`) and may
 * name only node: builtins and files inside parsers/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PARSERS = join(ROOT, 'parsers');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.[cm]?[jt]sx?$/.test(e.name) ? [path] : [];
  });
}

/** Every module a source text names: static and type imports, re-exports, import() and require(). */
function importsOf(text: string): string[] {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** Why `specifier`, imported by `file`, crosses the boundary; null when it stays inside. */
function violation(file: string, specifier: string): string | null {
  if (specifier.startsWith('node:')) return null;
  if (!specifier.startsWith('.')) return `package or bare builtin '${specifier}' (use node: builtins only)`;
  const target = resolve(dirname(file), specifier);
  const rel = relative(PARSERS, target);
  if (rel.startsWith('..') || rel.startsWith(sep)) return `'${specifier}' leaves parsers/ (${relative(ROOT, target)})`;
  return null;
}

function violations(file: string, text: string): string[] {
  return importsOf(text)
    .map((s) => violation(file, s))
    .filter((v): v is string => v !== null)
    .map((v) => `${relative(ROOT, file)}: ${v}`);
}

describe('parsers/ depends on nothing but itself and node: builtins', () => {
  const files = sourceFiles(PARSERS);

  it('finds the parser sources', () => {
    expect(files.length).toBeGreaterThan(20);
    expect(files.map((f) => relative(PARSERS, f))).toContain('nova-access-scan.ts');
  });

  it('no file under parsers/ imports src/, reports/, a package or anything outside parsers/', () => {
    expect(files.flatMap((f) => violations(f, readFileSync(f, 'utf8')))).toEqual([]);
  });

  it('the check sees every kind of import that would cross the line', () => {
    const file = join(PARSERS, 'example.ts');
    const text = [
      "import { hash52 } from '../src/keys.js';",
      "import type { Report } from '../reports/model.js';",
      "export { x } from '../src/x.js';",
      "import split2 from 'split2';",
      "import { readFileSync } from 'fs';",
      "const lazy = await import('../src/store/db.js');",
      "const old = require('../src/errors.js');",
      "import { ok } from './types.js';",
      "import { join } from 'node:path';",
    ].join('\n');
    expect(violations(file, text)).toEqual([
      "parsers/example.ts: '../src/keys.js' leaves parsers/ (src/keys.js)",
      "parsers/example.ts: '../reports/model.js' leaves parsers/ (reports/model.js)",
      "parsers/example.ts: '../src/x.js' leaves parsers/ (src/x.js)",
      "parsers/example.ts: package or bare builtin 'split2' (use node: builtins only)",
      "parsers/example.ts: package or bare builtin 'fs' (use node: builtins only)",
      "parsers/example.ts: '../src/store/db.js' leaves parsers/ (src/store/db.js)",
      "parsers/example.ts: '../src/errors.js' leaves parsers/ (src/errors.js)",
    ]);
  });
});
