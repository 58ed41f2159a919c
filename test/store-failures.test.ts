/**
 * A store that stops taking writes mid-ingest (the file size limit reached, the file system made
 * read-only): a clear message, a non-zero exit, the database intact, and the next run with room
 * gives exactly the report of an uninterrupted one.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDb } from '../src/cli/commands/db.js';
import { chainHash, headHash } from '../src/ingest/identity.js';
import { compileProcessor, OccurrenceNumbering } from '../src/ingest/process.js';
import { SourceBatches } from '../src/ingest/source-batches.js';
import { loadPacks } from '../src/rules.js';
import { openDb } from '../src/store/db.js';
import { acquireIngestLock, releaseIngestLock } from '../src/store/ingest-lock.js';
import { IngestWriter } from '../src/store/ingest-writes.js';
import type { Report } from '../reports/model.js';
import { ingestInto, reportOf, ROOT, stable, tempDir } from './helpers.js';
import { novaLogGenerator } from './log-generator.js';

const BIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');

/** Everything but the list of sources and when it was made. */
const comparable = (r: Report): unknown => {
  const s = stable(r) as { inputs: Record<string, unknown> };
  return { ...s, inputs: { ...s.inputs, sources: null } };
};

function logs(dir: string): string[] {
  const gen = novaLogGenerator(111, 0.1);
  const files = ['nova-api.log.1', 'nova-api.log'].map((n) => join(dir, n));
  writeFileSync(files[0]!, gen.next(12_000));
  writeFileSync(files[1]!, gen.next(12_000));
  return files;
}

async function uninterrupted(files: string[]): Promise<Report> {
  const db = join(tempDir(), 'whole.db');
  await ingestInto(db, files);
  return reportOf(db);
}

const ingestArgs = (db: string, files: string[]): string[] => [
  BIN,
  'ingest',
  '--db',
  db,
  '--timezone',
  'UTC',
  ...files,
];
const ENV = { ...process.env, TZ: 'UTC', APICENSUS_BATCH_BYTES: String(128 << 10) };

describe('a store that stops taking writes', () => {
  it(`file size limit reached (ulimit -f): exit 1 naming the database, db check passes, \
the next run completes it`, async () => {
    const dir = tempDir();
    const files = logs(dir);
    const db = join(dir, 'a.db');
    // 2 MiB per file: the database and its WAL outgrow it after a few batches.
    const script = `ulimit -f 2048; exec "${process.execPath}" ${ingestArgs(db, files)
      .map((a) => `"${a}"`)
      .join(' ')}`;
    const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', env: ENV });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(
      /^apicensus: Cannot write the database .*a\.db: .*Nothing of the batch being written was kept/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    const check = checkDb(db);
    expect(check.integrity).toEqual(['ok']);
    expect(check.sources.some((s) => s.offset > 0)).toBe(true);
    const again = spawnSync(process.execPath, ingestArgs(db, files), { encoding: 'utf8', env: ENV });
    expect(again.status, again.stderr).toBe(0);
    expect(comparable(reportOf(db))).toEqual(comparable(await uninterrupted(files)));
  });

  // A file system cannot be remounted read-only under an open writer (EBUSY), so the read-only
  // store is SQLite's own: the connection is switched to query_only between two batches.
  it(`the store turned read-only between batches: a clear error, the batch rolled back, \
the next run completes it`, async () => {
    const dir = tempDir();
    const files = logs(dir);
    const file = join(dir, 'a.db');
    const db = openDb(file);
    await acquireIngestLock(db, 'test', 0);
    const writer = new IngestWriter(db, { windowMs: 5000, actionOrder: new Map(), effectApis: new Set() });
    const processor = compileProcessor({
      format: 'nova',
      defaultYear: 2024,
      timezone: 'UTC',
      novaTimezone: 'UTC',
      frontends: [],
      filePath: files[0]!,
      packs: loadPacks(),
    });
    const text = readFileSync(files[0]!);
    const half = text.indexOf(10, text.length / 2) + 1;
    const batches = new SourceBatches({
      writer,
      lockOwner: 'test',
      source: {
        id: null,
        create: {
          headHash: headHash(text.subarray(0, 4096)),
          headLen: 4096,
          format: 'nova',
          path: files[0]!,
          compressed: false,
        },
        path: files[0]!,
        size: null,
      },
      offset: 0,
      lines: 0,
      batchBytes: 1 << 30,
      numbering: new OccurrenceNumbering(),
    });
    batches.apply(processor(text.subarray(0, half), 1), half, chainHash(text.subarray(0, half)));
    batches.commit('reading');
    batches.apply(processor(text.subarray(half), 1), text.length - half, chainHash(text.subarray(half)));
    db.pragma('query_only = ON');
    expect(() => batches.commit('complete')).toThrow(
      /Cannot write the database .*a\.db: the database can no longer be written/,
    );
    expect(writer.inBatch).toBe(false);
    db.pragma('query_only = OFF');
    releaseIngestLock(db, 'test');
    db.close();
    expect(checkDb(file).integrity).toEqual(['ok']);
    expect(checkDb(file).sources[0]!.offset).toBe(half);
    const again = spawnSync(process.execPath, ingestArgs(file, files), { encoding: 'utf8', env: ENV });
    expect(again.status, again.stderr).toBe(0);
    expect(comparable(reportOf(file))).toEqual(comparable(await uninterrupted(files)));
  });
});
