/**
 * The layers, checked on the TypeScript sources (no build needed): reports/
 * only renders a Report, so it never imports the database driver or the
 * store; and a reading command (report, export, merge, compare, apis,
 * formats, inventory list, db check) loads no ingest code, so reading a
 * report never starts split2, stream-json or the worker pool.
 *
 * The import graph is walked statically with TypeScript's own parser. What
 * Node loads at run time follows `import … from` and `export … from`, but not
 * `import type` / `export type` (erased under verbatimModuleSyntax) and not
 * `await import()` (loaded only when that code runs: how main.ts loads one
 * command and the inventory command loads its import side).
 * test/boundaries-parsers.test.ts holds parsers/ to the same idea.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

interface Import {
  /** A source file (absolute path) or a package name (`better-sqlite3`, `node:fs`). */
  target: string;
  /** Erased at run time: `import type`, `export type`. */
  typeOnly: boolean;
  /** `import()` inside code: loaded only when that code runs. */
  dynamic: boolean;
}

/** `split2`, `@scope/pkg/sub` → the package name; relative specifiers → the .ts file they name. */
function resolveSpecifier(from: string, spec: string): string {
  if (!spec.startsWith('.')) {
    const parts = spec.split('/');
    return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  }
  const js = resolve(dirname(from), spec);
  const ts = js.replace(/\.js$/, '.ts');
  if (existsSync(ts)) return ts;
  if (existsSync(js)) return js;
  throw new Error(`${relative(ROOT, from)}: cannot resolve ${spec}`);
}

const parsed = new Map<string, Import[]>();

/** Every import of one source file. */
function importsOf(file: string): Import[] {
  const known = parsed.get(file);
  if (known) return known;
  const src = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out: Import[] = [];
  const add = (spec: ts.Expression | undefined, typeOnly: boolean, dynamic: boolean): void => {
    if (spec && ts.isStringLiteral(spec)) out.push({ target: resolveSpecifier(file, spec.text), typeOnly, dynamic });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) add(node.moduleSpecifier, node.importClause?.isTypeOnly ?? false, false);
    else if (ts.isExportDeclaration(node)) add(node.moduleSpecifier, node.isTypeOnly, false);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword)
      add(node.arguments[0], false, true);
    ts.forEachChild(node, visit);
  };
  visit(src);
  parsed.set(file, out);
  return out;
}

/**
 * What loading `entry` loads (static, run-time imports only), each with the
 * chain of imports that reaches it from the entry.
 */
function loadedBy(entry: string): Map<string, string[]> {
  const chains = new Map<string, string[]>([[entry, [entry]]]);
  const queue = [entry];
  while (queue.length) {
    const file = queue.shift()!;
    for (const imp of importsOf(file)) {
      if (imp.typeOnly || imp.dynamic || chains.has(imp.target)) continue;
      chains.set(imp.target, [...chains.get(file)!, imp.target]);
      if (imp.target.startsWith('/') && imp.target.endsWith('.ts')) queue.push(imp.target);
    }
  }
  return chains;
}

const rel = (p: string): string => (p.startsWith('/') ? relative(ROOT, p) : p);
const showChain = (chain: readonly string[]): string => chain.map(rel).join(' → ');

/** Everything ingest-only: its folder, the streaming parsers it runs, the worker pool in it. */
const INGEST_ONLY = (target: string): boolean =>
  target.startsWith(join(ROOT, 'src', 'ingest') + '/') || ['split2', 'stream-json', 'stream-chain'].includes(target);

/** The chains by which `entry` loads ingest-only code (none is the rule for reading commands). */
function ingestReachedFrom(entry: string): string[] {
  return [...loadedBy(entry)].filter(([target]) => INGEST_ONLY(target)).map(([, chain]) => showChain(chain));
}

const command = (name: string): string => join(ROOT, 'src', 'cli', 'commands', `${name}.ts`);
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');

/** The reading commands and the module main.ts loads for each (export, merge and compare share one). */
const READING: [string, string][] = [
  ['report', command('report')],
  ['export', command('share')],
  ['merge', command('share')],
  ['compare', command('share')],
  ['apis', command('apis')],
  ['formats', command('formats')],
  ['inventory list', command('inventory')],
  ['db check', command('db')],
];

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

describe('the import walker', () => {
  it('follows run-time imports: src/ingest/run.ts loads the database driver and the worker pool', () => {
    const run = loadedBy(join(ROOT, 'src', 'ingest', 'run.ts'));
    expect(run.has('better-sqlite3')).toBe(true);
    expect(run.has(join(ROOT, 'src', 'ingest', 'pool.ts'))).toBe(true);
  });

  it('does not follow import() or import type: the ingest command module loads run.ts only when it runs', () => {
    const ingest = importsOf(command('ingest')).filter((i) => i.target === join(ROOT, 'src', 'ingest', 'run.ts'));
    expect(ingest.map((i) => ({ typeOnly: i.typeOnly, dynamic: i.dynamic }))).toEqual(
      expect.arrayContaining([
        { typeOnly: true, dynamic: false },
        { typeOnly: false, dynamic: true },
      ]),
    );
    expect(loadedBy(command('ingest')).has(join(ROOT, 'src', 'ingest', 'run.ts'))).toBe(false);
  });

  it('main.ts loads each command module lazily, so alone it loads none', () => {
    const loaded = [...loadedBy(MAIN).keys()].map(rel);
    expect(loaded.filter((p) => p.startsWith('src/cli/commands/'))).toEqual([]);
    expect(importsOf(MAIN).filter((i) => i.dynamic && rel(i.target).startsWith('src/cli/commands/')).length).toBe(11);
  });
});

describe('reports/ only renders', () => {
  const files = sourcesUnder(join(ROOT, 'reports'));

  it('holds the renderers of every format', () => {
    const names = files.map(rel);
    for (const r of ['text', 'json', 'markdown', 'csv', 'html']) expect(names).toContain(`reports/${r}.ts`);
  });

  it.each(files.map((f) => [rel(f), f]))(
    '%s imports neither the database driver, nor src/store, nor src/ingest (not even a type)',
    (_name, file) => {
      const bad = importsOf(file)
        .map((i) => i.target)
        .filter(
          (t) =>
            t === 'better-sqlite3' ||
            t.startsWith(join(ROOT, 'src', 'store') + '/') ||
            t.startsWith(join(ROOT, 'src', 'ingest') + '/'),
        )
        .map(rel);
      expect(bad).toEqual([]);
    },
  );

  it('reports/model.ts, the Report type, imports nothing at all', () => {
    expect(importsOf(join(ROOT, 'reports', 'model.ts')).map((i) => rel(i.target))).toEqual([]);
  });
});

describe('reading commands load no ingest code', () => {
  it('main.ts itself loads none', () => {
    expect(ingestReachedFrom(MAIN)).toEqual([]);
  });

  it.each(READING)('%s loads none (no src/ingest/, split2, stream-json or stream-chain)', (_name, module) => {
    expect(ingestReachedFrom(module)).toEqual([]);
  });

  it('the report builder reads the store only through its query interface (no SQL, no driver)', () => {
    const build = join(ROOT, 'src', 'report', 'build.ts');
    const loaded = [...loadedBy(build).keys()].map(rel);
    expect(loaded.filter((p) => p === 'better-sqlite3' || p.startsWith('src/store/'))).toEqual([]);
  });
});
