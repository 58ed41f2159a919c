/**
 * `apicensus inventory import`: parse inventory files (every one before
 * anything is written, so a bad file changes nothing) and store their facts.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import { expandInputs } from '../ingest/inputs.js';
import { openDb } from '../store/db.js';
import { importFacts } from '../store/inventory.js';
import { parseInventory } from './parse.js';

export interface ImportResult {
  path: string;
  kind: string;
  facts: number;
  added: number;
  updated: number;
  warnings: string[];
}

/** Import inventory files; every file is parsed before anything is written, so a bad file changes nothing. */
export function importInventory(
  db: string,
  inputs: readonly string[],
  opts: { host?: string; year?: number } = {},
): ImportResult[] {
  const { files, missing } = expandInputs(inputs);
  if (missing.length > 0) throw new UserError(missing.map((m) => `Cannot read ${m.path}: ${m.reason}`).join('\n'));
  const parsed = files.map((f) => {
    let text: string;
    try {
      text = readFileSync(f.path === '-' ? 0 : f.path, 'utf8');
    } catch (e) {
      throw new UserError(`Cannot read ${f.path}: ${(e as Error).message}`);
    }
    return { path: f.path, ...parseInventory(text, { path: f.path, ...opts }) };
  });
  const handle = openDb(db);
  try {
    return parsed.map((p) => ({
      path: p.path,
      kind: p.kind,
      facts: p.facts.length,
      warnings: p.warnings,
      ...importFacts(handle, p.facts, p.kind, p.path),
    }));
  } finally {
    handle.close();
  }
}
