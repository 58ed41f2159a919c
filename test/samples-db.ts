/** The bundled samples in a database, as `apicensus demo` reads them, for report tests and golden files. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { importInventory } from '../src/inventory/import.js';
import { ingestInto, SAMPLES } from './helpers.js';

/** A fixed time and version: the report of the same database is then the same bytes. */
export const GOLDEN_NOW = new Date('2026-01-01T00:00:00Z');
export const GOLDEN_VERSION = '0.0.0-golden';

/**
 * nova, front-end and audit logs, then the inventory; read by paths relative to the
 * working directory (the package root under `npm test`), so no checkout's path is stored.
 */
export async function samplesDb(): Promise<{ db: string; remove: () => void }> {
  // Not helpers' tempDir(): that goes after each test, this database serves a whole file's tests.
  const dir = mkdtempSync(join(tmpdir(), 'apicensus-samples-'));
  const db = join(dir, 'samples.db');
  const rel = (p: string): string => relative(process.cwd(), p) || '.';
  await ingestInto(db, [rel(join(SAMPLES, 'nova')), rel(join(SAMPLES, 'frontends')), rel(join(SAMPLES, 'audit'))]);
  importInventory(db, [rel(join(SAMPLES, 'inventory'))]);
  return { db, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
