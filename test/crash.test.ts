/**
 * A killed ingest loses nothing and counts nothing twice: the built CLI,
 * committing a batch every 64 KiB (APICENSUS_BATCH_BYTES), is killed with
 * SIGKILL at seeded random points — by time (start-up, migrations, the lock)
 * or after the store shows a seeded amount of progress (between and during
 * batch transactions) — once or twice, then a normal ingest finishes.
 * The report must equal the uninterrupted run's every time.
 */
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../reports/model.js';
import { checkDb } from '../src/cli/commands/db.js';
import { apacheAccessLog, novaLogGenerator, rng } from './log-generator.js';
import { reportOf, ROOT } from './helpers.js';

const BIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');
/** Runs in CI; APICENSUS_CRASH_RUNS=200 for a longer one. */
const RUNS = Number(process.env.APICENSUS_CRASH_RUNS ?? 25);
const BATCH_BYTES = 64 * 1024;

/** Folders of this file (helpers' tempDir is emptied after each test, and these tests run concurrently). */
const root = mkdtempSync(join(tmpdir(), 'apicensus-crash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const logs = join(root, 'logs');
let inputs: string[] = [];
/** Content bytes of all inputs (decompressed): what sources' offsets add up to when everything is read. */
let totalBytes = 0;
let reference: Report;
let referenceMs = 0;

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** `apicensus ingest` on the inputs; `kill` resolves when to SIGKILL it (given whether it still runs). */
function ingest(db: string, kill?: (running: () => boolean) => Promise<void>): Promise<Exit & { ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, [BIN, 'ingest', '--quiet', '--db', db, '--timezone', 'UTC', ...inputs], {
    env: { ...process.env, TZ: 'UTC', APICENSUS_BATCH_BYTES: String(BATCH_BYTES) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  let done = false;
  void kill?.(() => !done).then(() => {
    if (!done) child.kill('SIGKILL');
  });
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      done = true;
      resolve({ code, signal, stderr, ms: Date.now() - started });
    }),
  );
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Content bytes committed so far (sum of sources' offsets), or -1 while the store is not there yet. */
function progress(db: string): number {
  const d = openReadonly(db);
  if (!d) return -1;
  try {
    return committed(d);
  } finally {
    d.close();
  }
}

function openReadonly(db: string): Database.Database | null {
  if (!existsSync(db)) return null;
  try {
    return new Database(db, { readonly: true, fileMustExist: true });
  } catch {
    return null;
  }
}

function committed(d: Database.Database): number {
  try {
    return (d.prepare('SELECT coalesce(sum(offset), 0) AS n FROM sources').get() as { n: number }).n;
  } catch {
    return -1; // being created or migrated
  }
}

/**
 * Resolves once the store shows `target` content bytes committed
 * (polling one read-only connection), or the ingest ended.
 */
async function committedAtLeast(db: string, target: number, running: () => boolean): Promise<void> {
  let d: Database.Database | null = null;
  try {
    while (running()) {
      d ??= openReadonly(db);
      if (d && committed(d) >= target) return;
      await sleep(10);
    }
  } finally {
    d?.close();
  }
}

/** SQLite's own check of a store a killed process left behind. */
function integrity(db: string): string {
  if (!existsSync(db)) return 'ok';
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    return (d.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ');
  } finally {
    d.close();
  }
}

/** Everything but when the report was made. */
const comparable = (r: Report): unknown => ({ ...r, generatedAt: null });

beforeAll(async () => {
  expect(existsSync(BIN), `${BIN} is missing: npm test builds it (npm run build)`).toBe(true);
  // A node's web server access log, and its nova-api logs (rotated
  // and compressed, rotated, live): about 2 MB of content.
  mkdirSync(logs);
  const gen = novaLogGenerator(42, 0.05);
  const parts: [string, string, boolean][] = [
    ['nova-api-access.log', apacheAccessLog(43, 2500, 0.05), false],
    ['nova-api.log.2.gz', gen.next(1200), true],
    ['nova-api.log.1', gen.next(1200), false],
    ['nova-api.log', gen.next(2000), false],
  ];
  for (const [name, text, gz] of parts) {
    writeFileSync(join(logs, name), gz ? gzipSync(Buffer.from(text)) : text);
    totalBytes += Buffer.byteLength(text);
  }
  inputs = parts.map(([name]) => join(logs, name));
  const db = join(root, 'reference.db');
  const r = await ingest(db);
  expect(r.code, r.stderr).toBe(0);
  referenceMs = r.ms;
  reference = reportOf(db);
  expect(progress(db)).toBe(totalBytes);
  expect(reference.inputs.requestsByLayer).toEqual({ nova: 4400, web: 2500 });
});

describe('ingest killed with SIGKILL at random points, then finished, equals one uninterrupted ingest', () => {
  /** Kills that landed after some batches committed and before the end, over all runs. */
  let midIngest = 0;

  for (let run = 0; run < RUNS; run++) {
    it.concurrent(`run ${run}`, async () => {
      const r = rng(7000 + run);
      const dir = mkdtempSync(join(root, `run${run}-`));
      const db = join(dir, 'apicensus.db');
      const kills = 1 + Math.floor(r() * 2);
      for (let k = 0; k < kills; k++) {
        const before = Math.max(progress(db), 0);
        const byTime = r() < 1 / 3;
        // By time: anywhere from start-up to the end. By progress: once a seeded share of
        // what is left has committed, plus up to 20 ms (inside the next batch's work).
        const delay = r() * referenceMs;
        const target = before + r() * 0.9 * (totalBytes - before);
        const extra = r() * 20;
        const exit = await ingest(db, async (running) => {
          if (byTime) return sleep(delay);
          await committedAtLeast(db, target, running);
          await sleep(extra);
        });
        const after = Math.max(progress(db), 0);
        if (exit.signal === null) {
          expect(exit.code, exit.stderr).toBe(0); // it finished before the kill
          break;
        }
        expect(exit.signal).toBe('SIGKILL');
        if (after > 0 && after < totalBytes) midIngest++;
        expect(integrity(db)).toBe('ok');
      }
      const last = await ingest(db);
      expect(last.code, last.stderr).toBe(0);
      expect(progress(db)).toBe(totalBytes);
      expect(comparable(reportOf(db))).toEqual(comparable(reference));
      const check = checkDb(db);
      expect(check.ok).toBe(true);
      expect(check.ingestRunning).toBeNull();
      rmSync(dir, { recursive: true, force: true });
    });
  }

  it('most kills landed in the middle of an ingest (the loop tests what it claims)', () => {
    expect(midIngest).toBeGreaterThanOrEqual(RUNS / 2);
  });
});
