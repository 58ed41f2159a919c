/**
 * Two ingests at once on one database (a logrotate hook and the hourly timer
 * firing together): both finish, the second waiting for the first's lock, and
 * the store holds what one ingest gives; one that gives up (--wait) says who
 * holds the lock and leaves the store intact; `db backup` taken while an
 * ingest writes is a valid store. The built CLI, spawned as cron would.
 */
import Database from 'better-sqlite3';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../reports/model.js';
import { ingestInto, reportOf, ROOT, stable, tempDir } from './helpers.js';
import { novaLogGenerator } from './log-generator.js';

const BIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');

interface Run {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

function start(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, TZ: 'UTC', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

const ingestArgs = (db: string, files: string[], ...extra: string[]): string[] => [
  'ingest',
  '--db',
  db,
  '--timezone',
  'UTC',
  ...extra,
  ...files,
];

/** Polls `cond` every 20 ms; fails with `what` after 30 s (a guard against hanging, not a speed check). */
async function until(what: string, cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The pid holding the database's ingest lock, or null. */
function lockHolder(db: string): number | null {
  if (!existsSync(db)) return null;
  try {
    const d = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return (d.prepare('SELECT pid FROM ingest_lock WHERE id = 1').get() as { pid: number } | undefined)?.pid ?? null;
    } finally {
      d.close();
    }
  } catch {
    return null; // being created
  }
}

/** Logs of one node: `n` files of `size` requests each, every request once. */
function writeLogs(dir: string, seed: number, names: string[], size: number): { files: string[]; text: string } {
  const gen = novaLogGenerator(seed);
  let text = '';
  const files = names.map((name) => {
    const t = gen.next(size);
    text += t;
    writeFileSync(join(dir, name), t);
    return join(dir, name);
  });
  return { files, text };
}

/** Everything but the list of sources (stdin and file names differ). */
function comparable(r: Report): unknown {
  const s = stable(r) as { inputs: Record<string, unknown> };
  const { sources: _n, ...inputs } = s.inputs;
  return { ...s, inputs };
}

async function referenceOf(files: string[]): Promise<Report> {
  const db = join(tempDir(), 'ref.db');
  await ingestInto(db, files);
  return reportOf(db);
}

/** `apicensus db check`: exit code and text. */
async function dbCheck(db: string): Promise<{ code: number | null; stdout: string }> {
  return start(['db', 'check', '--db', db]).done;
}

describe('two ingests on one database', () => {
  beforeAll(() => expect(existsSync(BIN), `${BIN} is missing: npm test builds it (npm run build)`).toBe(true));

  it(`started at the same moment on a new database, with the same files: \
both finish and every request counts once`, async () => {
    const dir = tempDir();
    const { files } = writeLogs(dir, 1, ['nova-api.log.1', 'nova-api.log'], 1500);
    const ref = await referenceOf(files);
    for (let round = 0; round < 3; round++) {
      const db = join(dir, `same-${round}.db`);
      const env = { APICENSUS_BATCH_BYTES: '65536' };
      const [a, b] = await Promise.all([
        start(ingestArgs(db, files), env).done,
        start(ingestArgs(db, files), env).done,
      ]);
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      const got = reportOf(db);
      expect(comparable(got)).toEqual(comparable(ref));
      expect(got.inputs.linesRead).toBe(ref.inputs.linesRead); // the second read nothing again
      const check = await dbCheck(db);
      expect(check.code).toBe(0);
      expect(check.stdout).toMatch(/ingest running: no\n[\s\S]*\nOK\n$/);
    }
  });

  it(`started at the same moment with different files: both finish, \
the store equals one ingest of all of them`, async () => {
    const dir = tempDir();
    const a = writeLogs(dir, 2, ['ctl1-nova-api.log'], 2000);
    const b = writeLogs(dir, 3, ['ctl2-nova-api.log'], 2000);
    const db = join(dir, 'a.db');
    const env = { APICENSUS_BATCH_BYTES: '65536' };
    const runs = await Promise.all([
      start(ingestArgs(db, a.files), env).done,
      start(ingestArgs(db, b.files), env).done,
    ]);
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(comparable(reportOf(db))).toEqual(comparable(await referenceOf([...a.files, ...b.files])));
  });

  it('the second waits for the lock while the first is still reading, then adds its own files', async () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const first = writeLogs(dir, 4, ['stdin-copy.log'], 1500);
    const second = writeLogs(dir, 5, ['nova-api.log'], 1500);
    // The first reads stdin: it holds the lock until its input ends.
    const a = start(ingestArgs(db, ['-']));
    a.child.stdin.write(first.text.slice(0, first.text.length / 2));
    await until('the first ingest to take the lock', () => lockHolder(db) === a.child.pid);
    const b = start(ingestArgs(db, second.files));
    await until('the second ingest to say it waits', () => /waiting for another ingest/.test(b.stderr()));
    expect(b.stderr()).toContain(
      `apicensus: waiting for another ingest (pid ${a.child.pid} on ${hostname()}, started `,
    );
    a.child.stdin.end(first.text.slice(first.text.length / 2));
    const [ra, rb] = await Promise.all([a.done, b.done]);
    expect(ra.code, ra.stderr).toBe(0);
    expect(rb.code, rb.stderr).toBe(0);
    expect(ra.stdout).toMatch(/^ {2}-: ingested, nova: [\d,]+ lines, 1,500 requests \(1,500 new\)/m);
    expect(rb.stdout).toMatch(/nova-api\.log: ingested, nova: [\d,]+ lines, 1,500 requests \(1,500 new\)/);
    expect(comparable(reportOf(db))).toEqual(comparable(await referenceOf([...first.files, ...second.files])));
  });

  it('one that gives up (--wait 1) exits 1 naming the other process, and the store stays whole', async () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const first = writeLogs(dir, 6, ['stdin-copy.log'], 1000);
    const second = writeLogs(dir, 7, ['nova-api.log'], 500);
    const a = start(ingestArgs(db, ['-'], '--quiet'), { APICENSUS_BATCH_BYTES: '16384' });
    a.child.stdin.write(first.text.slice(0, first.text.length / 2));
    await until('the first ingest to take the lock', () => lockHolder(db) === a.child.pid);
    const b = await start(ingestArgs(db, second.files, '--wait', '1')).done;
    expect(b.code).toBe(1);
    const holder = `pid ${a.child.pid} on ${hostname()}, started \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z`;
    expect(b.stderr).toMatch(
      new RegExp(
        `^apicensus: waiting for another ingest \\(${holder}\\) to finish…\\n` +
          `apicensus: Another ingest \\(${holder}\\) is writing to this database; ` +
          `waited 1 s\\. Try again when it has finished, or raise --wait\\.\\n$`,
      ),
    );
    expect(b.stdout).toBe('');
    // Still running: the store checks out, and says who writes.
    const during = await dbCheck(db);
    expect(during.code).toBe(0);
    expect(during.stdout).toContain(`ingest running: pid ${a.child.pid} on ${hostname()}`);
    a.child.stdin.end(first.text.slice(first.text.length / 2));
    expect((await a.done).code).toBe(0);
    const after = await dbCheck(db);
    expect(after.code).toBe(0);
    expect(after.stdout).toMatch(/ingest running: no\n[\s\S]*\nOK\n$/);
    // Only the first one's requests: the one that gave up wrote nothing.
    expect(comparable(reportOf(db))).toEqual(comparable(await referenceOf(first.files)));
    // Run again, it adds its files.
    expect((await start(ingestArgs(db, second.files, '--quiet')).done).code).toBe(0);
    expect(comparable(reportOf(db))).toEqual(comparable(await referenceOf([...first.files, ...second.files])));
  });

  it(`a lock left by a killed ingest whose pid now belongs to \
another process is taken over once its heartbeat is stale`, async () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const { files } = writeLogs(dir, 8, ['nova-api.log'], 300);
    await ingestInto(db, []); // creates the store
    // After a reboot or an OOM kill, the pid in the row is alive again: another program (this test) has it.
    const ago = Date.now() - 60 * 60_000;
    const d = new Database(db);
    d.prepare('INSERT INTO ingest_lock (id, owner, host, pid, started_at, heartbeat) VALUES (1, ?, ?, ?, ?, ?)').run(
      'old-owner',
      hostname(),
      process.pid,
      new Date(ago).toISOString(),
      ago,
    );
    d.close();
    const r = await start(ingestArgs(db, files, '--wait', '2', '--quiet')).done;
    expect(r.code, r.stderr).toBe(0);
    expect(lockHolder(db)).toBeNull();
    expect(comparable(reportOf(db))).toEqual(comparable(await referenceOf(files)));
  });

  it('a db backup taken while an ingest writes is a valid database that db check passes', async () => {
    const dir = tempDir();
    const db = join(dir, 'a.db');
    const { files, text } = writeLogs(dir, 9, ['stdin-copy.log'], 4000);
    const a = start(ingestArgs(db, ['-'], '--quiet'), { APICENSUS_BATCH_BYTES: '16384' });
    const lines = text.split(/(?<=\n)/);
    const pieces = 4;
    const backups: string[] = [];
    for (let i = 0; i < pieces; i++) {
      const piece = lines.slice((i * lines.length) / pieces, ((i + 1) * lines.length) / pieces).join('');
      // Feed a piece and back up at once, while the ingest works through it.
      if (i < pieces - 1) a.child.stdin.write(piece);
      else a.child.stdin.end(piece);
      await until('the ingest to hold the lock', () => i === pieces - 1 || lockHolder(db) === a.child.pid);
      const to = join(dir, `backup-${i}.db`);
      const b = await start(['db', 'backup', to, '--db', db]).done;
      expect(b.code, b.stderr).toBe(0);
      expect(b.stdout).toMatch(/^Backed up .* \([\d,]+ pages\)\.\n$/);
      backups.push(to);
    }
    expect((await a.done).code).toBe(0);
    const total = reportOf(db).inputs.requests;
    let previous = 0;
    for (const [i, to] of backups.entries()) {
      const check = await dbCheck(to);
      expect(check.code, check.stdout).toBe(0);
      expect(check.stdout).toMatch(/^integrity: ok\n[\s\S]*\nOK\n$/);
      // A consistent snapshot of a store being written: whole batches, growing, and before
      // the last piece was even written, short of everything.
      const requests = reportOf(to).inputs.requests;
      expect(requests).toBeGreaterThanOrEqual(previous);
      if (i < pieces - 1) expect(requests).toBeLessThan(total);
      else expect(requests).toBeLessThanOrEqual(total);
      previous = requests;
    }
    expect(comparable(reportOf(db))).toEqual(comparable(await referenceOf(files)));
  });
});
