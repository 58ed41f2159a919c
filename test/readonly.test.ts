/**
 * Reading commands open the store read-only and never migrate it: a user who
 * can read the database but not write it (root's 0644 file in a 0755 folder)
 * gets the report, and a database at an older schema is left as it is, with
 * a message saying who must migrate it.
 *
 * The reader is another user: as root, the CLI runs as nobody (setpriv);
 * as anyone else, the folder and the file are made read-only.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../reports/model.js';
import { checkDb, migrateDb } from '../src/cli/commands/db.js';
import { runReport } from '../src/cli/commands/report.js';
import { runExport } from '../src/cli/commands/share.js';
import { LATEST_VERSION } from '../src/store/db.js';
import { ingestInto, ROOT, SAMPLES, stable, tempDir } from './helpers.js';

const BIN = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
const ROOT_USER = process.getuid?.() === 0;
const CAN_TEST = existsSync(BIN) && (!ROOT_USER || SETPRIV !== undefined);

const locked: string[] = [];
afterEach(() => {
  for (const d of locked.splice(0)) chmodSync(d, 0o755);
});

/** The database's folder and file as a reader finds them: readable, not writable by it. */
function asReadOnly(dir: string, db: string): void {
  chmodSync(dir, ROOT_USER ? 0o755 : 0o555);
  chmodSync(db, 0o644);
  if (!ROOT_USER) chmodSync(db, 0o444);
  locked.push(dir);
}

/** Run the CLI as a user who cannot write the folder or the database. */
function reader(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const cmd = ROOT_USER
    ? [SETPRIV!, '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, BIN, ...args]
    : [process.execPath, BIN, ...args];
  const r = spawnSync(cmd[0]!, cmd.slice(1), { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** What a WAL database leaves once its last writer closed: no -wal or -shm (removed if a reader left them). */
function settled(db: string): void {
  for (const f of [`${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
}

async function ownersDatabase(): Promise<{ dir: string; db: string }> {
  const dir = tempDir();
  const db = join(dir, 'census.db');
  await ingestInto(db, [join(SAMPLES, 'nova'), join(SAMPLES, 'frontends')]);
  return { dir, db };
}

describe.skipIf(!CAN_TEST)('a user who can read the database but not write it', () => {
  it('gets the report its owner gets, and writes nothing: no -shm, no -wal, the file untouched', async () => {
    const { dir, db } = await ownersDatabase();
    asReadOnly(dir, db);
    const before = { files: readdirSync(dir).sort(), mtime: statSync(db).mtimeMs, bytes: readFileSync(db) };
    expect(before.files).toEqual(['census.db']);
    const r = reader(['report', '--db', db, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(before.files);
    expect(statSync(db).mtimeMs).toBe(before.mtime);
    expect(readFileSync(db).equals(before.bytes)).toBe(true);
    const owners = runReport({ db, api: [], format: 'json', rules: [] }).report;
    expect(stable(JSON.parse(r.stdout) as Report)).toEqual(stable(owners));
  });

  it('db check and inventory list work too', async () => {
    const { dir, db } = await ownersDatabase();
    asReadOnly(dir, db);
    const check = reader(['db', 'check', '--db', db, '--format', 'json']);
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({
      ok: true,
      integrity: ['ok'],
      schema: { version: LATEST_VERSION },
    });
    const list = reader(['inventory', 'list', '--db', db]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('The inventory is empty.');
  });

  it('exports once its owner’s first export stored the identity; before, it says who must export first', async () => {
    const { dir, db } = await ownersDatabase();
    asReadOnly(dir, db);
    const first = reader(['export', '--db', db]);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(
      new RegExp(
        'holds no deployment identity yet: the first export stores one in it, ' +
          String.raw`and this user cannot write it\. ` +
          'Run `apicensus export` once as a user who can write the database',
      ),
    );
    const owners = JSON.parse(runExport({ db, api: [], rules: [], explain: false })) as { deployment: { id: string } };
    settled(db);
    const again = reader(['export', '--db', db]);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { deployment: { id: string } }).deployment.id).toBe(owners.deployment.id);
  });
});

describe('reading commands never migrate', () => {
  /** The owner's database as apicensus before schema 13 left it: 013's and 014's tables dropped. */
  async function olderDatabase(): Promise<string> {
    const { db } = await ownersDatabase();
    const h = new Database(db);
    h.exec(
      'DROP TABLE pushed_totals; DROP TABLE search_windows; DROP TABLE search_checkpoints; ' +
        'DROP TABLE journal_cursors; DROP TABLE hour_edges;',
    );
    h.pragma('user_version = 12');
    h.close();
    return db;
  }

  it(`a database at an older schema: report and export say to run ingest \
or db migrate as a user who can write it, and change nothing`, async () => {
    const db = await olderDatabase();
    const bytes = readFileSync(db);
    const advice = new RegExp(
      String.raw`has schema 12; this apicensus reads schema \d+\. Run ` +
        '`apicensus ingest` \\(or `apicensus db migrate --db .*census\\.db`\\) as a user who can write it',
    );
    expect(() => runReport({ db, api: [], format: 'json', rules: [] })).toThrow(advice);
    expect(() => runExport({ db, api: [], rules: [], explain: false })).toThrow(advice);
    settled(db);
    expect(readFileSync(db).equals(bytes)).toBe(true);
    const check = checkDb(db);
    expect(check).toMatchObject({ ok: false, schema: { version: 12, latest: LATEST_VERSION } });
    settled(db);
    expect(readFileSync(db).equals(bytes)).toBe(true);
  });

  it('db migrate brings it to the latest schema, and the report reads it', async () => {
    const db = await olderDatabase();
    expect(migrateDb(db)).toMatchObject({ from: 12, to: LATEST_VERSION });
    expect(runReport({ db, api: [], format: 'json', rules: [] }).report.apis[0]!.calls).toBe(33);
  });
});
