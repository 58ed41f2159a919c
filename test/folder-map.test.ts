/**
 * ARCHITECTURE.md's folder map names every module of src/: a file added without a line there, or
 * a line left for a file gone, fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const map = (): string => {
  const text = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8');
  return text.slice(text.indexOf('## Folder map'));
};

const sources = (): string[] =>
  readdirSync(join(ROOT, 'src'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => relative(join(ROOT, 'src'), join(e.parentPath, e.name)))
    .sort();

/**
 * A file is named when its path is (cli/main.ts), its folder's glob (cli/commands/*.ts), its name
 * after its folder's (ingest/pool.ts, worker.ts), or its whole folder (report/, inventory/).
 */
function named(file: string, text: string): boolean {
  const parts = file.split('/');
  const name = parts.at(-1)!;
  const folder = parts.slice(0, -1).join('/');
  if (text.includes(file) || text.includes(`${folder}/*.ts`)) return true;
  if (folder && new RegExp(`\\b${folder.replace(/\//g, '\\/')}/[\\w., -]*\\b${name.replace('.', '\\.')}`).test(text))
    return true;
  // A folder described as a whole ("report/", "inventory/", "sources/ … opensearch/ (…)").
  return folder !== '' && new RegExp(`^\\s+${parts[0]}/\\s`, 'm').test(text);
}

describe('ARCHITECTURE.md folder map', () => {
  it('names every module of src/', () => {
    const text = map();
    expect(sources().filter((f) => !named(f, text))).toEqual([]);
  });

  it('names no module of src/ that is gone', () => {
    const text = map();
    const listed = [...text.matchAll(/^\s{2}((?:[\w-]+\/)*[\w-]+\.ts)\b/gm)].map((m) => m[1]!);
    const have = new Set(sources());
    expect(listed.filter((f) => !have.has(f))).toEqual([]);
  });
});
