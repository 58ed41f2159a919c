/**
 * The one module that opens SQLite: writers get pragmas and migrations (and
 * the export identity moved in, store/identity.ts); readers get a read-only
 * snapshot that never writes or migrates (readDb); both get clear errors for
 * a file that is not an apicensus database. Everything else receives a Db.
 */
import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { hash52 } from '../keys.js';
import { shapeKey } from '../observation-shape.js';
import { adoptKeyFile, keyFileOf } from './identity.js';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

export interface MigrationResult {
  name: string;
  status: 'applied' | 'already';
}

export interface OpenOptions {
  readonly?: boolean;
  /** How long a writer waits for another writer's lock, in ms. */
  busyTimeoutMs?: number;
  /** Read-only: open a database at an older schema too (`db check` reports it instead of failing). */
  olderSchema?: boolean;
}

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

// better-sqlite3 12.x reads SQLITE_USE_URI when its addon loads (src/addon.cpp): the read-only
// fallback below opens `file:…?immutable=1`, which needs URI names. Plain paths are unaffected
// (a relative one starting with "file:" is given as ./file:…, see sqlitePath).
process.env.SQLITE_USE_URI = '1';

const sqlitePath = (file: string): string => (file.startsWith('file:') ? `./${file}` : file);

/** How the database file looked when an immutable reader opened it (see openReadOnly). */
interface FileState {
  file: string;
  ino: number;
  size: number;
  mtimeMs: number;
}
const immutableReads = new WeakMap<Db, FileState>();

const fileState = (file: string): FileState => {
  const st = statSync(file);
  return { file, ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
};

export function openDb(file: string, opts: OpenOptions = {}): Db {
  if (opts.readonly && file !== ':memory:' && !existsSync(file)) {
    throw new UserError(
      `No database at ${file}. Run \`apicensus ingest <logs>\` first, ` +
        'or point --db (or APICENSUS_DB) at an existing one.',
    );
  }
  const db = opts.readonly ? openReadOnly(file, opts) : openWritable(file, opts);
  try {
    if (!opts.readonly) {
      migrate(db);
      if (file !== ':memory:') adoptKeyFile(db, keyFileOf(file));
    } else checkVersion(db, file, opts.olderSchema ?? false);
  } catch (e) {
    db.close();
    if (e instanceof UserError) throw e;
    throw new UserError(`Database ${file} is not a usable apicensus database: ${(e as Error).message}`, 1, {
      cause: e,
    });
  }
  return db;
}

function cannotOpen(file: string, e: unknown): UserError {
  if (/^SQLITE_READONLY/.test((e as { code?: string }).code ?? ''))
    return new UserError(
      `Cannot write database ${file} (${(e as Error).message}): run this as a user who can write it and its folder.`,
      1,
      { cause: e },
    );
  return new UserError(
    `Cannot open database ${file}: ${(e as Error).message}. Is it an apicensus database? Use another --db path.`,
    1,
    { cause: e },
  );
}

function withFunctions(db: Db, busyTimeoutMs: number | undefined): Db {
  db.pragma(`busy_timeout = ${busyTimeoutMs ?? 30_000}`);
  db.pragma('foreign_keys = ON');
  // The keys ingest computes, for migrations that derive them from stored rows (008).
  db.function('hash52', { deterministic: true }, (s: unknown) => hash52(String(s)));
  db.function('shape_key', { deterministic: true, varargs: true }, (...values: unknown[]) =>
    shapeKey(values as (string | number | null)[]),
  );
  return db;
}

function openWritable(file: string, opts: OpenOptions): Db {
  try {
    const db = new Database(sqlitePath(file));
    // 16 KiB pages for a new database (an existing one keeps its own): a quarter of the
    // write and read calls of 4 KiB ones for the same WAL frames and checkpoints (bench/:
    // 1.1 GB nova log, ~50,000 → ~13,000 calls, 3.38 → 3.15 s best of 4).
    db.pragma('page_size = 16384');
    // WAL: readers (report, backup) never block the ingest writer. NORMAL sync is
    // durable across a killed process, which is what a cron job needs.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // 8 MiB of page cache (default 2): index pages of observations and hour keys stay hot during ingest.
    db.pragma('cache_size = -8000');
    return withFunctions(db, opts.busyTimeoutMs);
  } catch (e) {
    throw cannotOpen(file, e);
  }
}

/** SQLite's answers when a WAL database's -shm cannot be created (a folder the user cannot write). */
const NO_SHM = new Set(['SQLITE_READONLY_DIRECTORY', 'SQLITE_READONLY_CANTINIT', 'SQLITE_CANTOPEN']);

/**
 * A reader never writes, never migrates. A WAL database needs its -shm file; when no writer is
 * running and the user cannot create it (root's 0644 database in a 0755 folder), the file is
 * read as immutable: safe because, without a -wal file, the database file holds every commit,
 * and readDb checks that no checkpoint changed the file during the read.
 */
function openReadOnly(file: string, opts: OpenOptions): Db {
  let db: Db | undefined;
  try {
    db = withFunctions(new Database(sqlitePath(file), { readonly: true, fileMustExist: true }), opts.busyTimeoutMs);
    db.pragma('user_version', { simple: true }); // the first read opens the -shm file
    return db;
  } catch (e) {
    db?.close();
    if (file === ':memory:' || !NO_SHM.has((e as { code?: string }).code ?? '')) throw cannotOpen(file, e);
  }
  const wal = `${file}-wal`;
  if (existsSync(wal) && statSync(wal).size > 0)
    throw new UserError(
      `Database ${file} has commits in ${wal} that a user who cannot write ${dirname(resolve(file))} cannot read: ` +
        `run \`apicensus db migrate --db ${file}\` (or any ingest) as a user who can write it, then try again.`,
    );
  try {
    const before = fileState(file);
    const uri = `file:${encodeURI(resolve(file)).replace(/[?#]/g, encodeURIComponent)}?immutable=1`;
    db = withFunctions(new Database(uri, { readonly: true, fileMustExist: true }), opts.busyTimeoutMs);
    immutableReads.set(db, before);
    return db;
  } catch (e) {
    throw cannotOpen(file, e);
  }
}

/** True when a database opened read-only as immutable changed on disk since it was opened. */
export function changedSinceOpened(db: Db): boolean {
  const before = immutableReads.get(db);
  if (!before) return false;
  const now = fileState(before.file);
  return now.ino !== before.ino || now.size !== before.size || now.mtimeMs !== before.mtimeMs;
}

/**
 * What reading commands use: open read-only, read in one transaction (one consistent snapshot
 * while an ingest commits), close. Read again when the file changed under an immutable reader.
 */
export function readDb<T>(file: string, read: (db: Db) => T, opts: Omit<OpenOptions, 'readonly'> = {}): T {
  for (let attempt = 1; ; attempt++) {
    const db = openDb(file, { ...opts, readonly: true });
    let result: T;
    let changed: boolean;
    try {
      result = db.transaction(() => read(db))();
      changed = changedSinceOpened(db);
    } finally {
      db.close();
    }
    if (!changed) return result;
    if (attempt === 3)
      throw new UserError(`Database ${file} kept changing while it was read (an ingest is running): try again later.`);
  }
}

function checkVersion(db: Db, file: string, olderSchema: boolean): void {
  const v = db.pragma('user_version', { simple: true }) as number;
  if (v > LATEST_VERSION) {
    throw new UserError(
      `Database ${file} was written by a newer apicensus (schema ${v}, this one knows ${LATEST_VERSION}). Upgrade ` +
        'apicensus.',
    );
  }
  if (v === 0) {
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
    if (tables.n > 0)
      throw new UserError(
        `${file} is not an apicensus database (it has tables but no apicensus schema). Use another --db path.`,
      );
  }
  if (v < LATEST_VERSION && !olderSchema) {
    throw new UserError(
      `Database ${file} has schema ${v}; this apicensus reads schema ${LATEST_VERSION}. Run \`apicensus ingest\` (or ` +
        `\`apicensus db migrate --db ${file}\`) as a user who can write it, then try again.`,
    );
  }
}

export function migrate(db: Db): MigrationResult[] {
  const version = (): number => db.pragma('user_version', { simple: true }) as number;
  const newer = (v: number): UserError =>
    new UserError(
      `This database was written by a newer apicensus (schema ${v}, this one knows ${LATEST_VERSION}). Upgrade ` +
        'apicensus.',
    );
  const before = version();
  if (before > LATEST_VERSION) throw newer(before);
  if (before === LATEST_VERSION) return MIGRATIONS.map((m) => ({ name: m.name, status: 'already' as const }));
  // Another process (a second ingest started at the same moment) may be migrating the same
  // file: each step reads the version again inside its write transaction.
  return MIGRATIONS.map((m) => {
    const applied = db
      .transaction(() => {
        const current = version();
        if (current > LATEST_VERSION) throw newer(current);
        if (current === 0) {
          // A non-empty database without our version is someone else's file: refuse to touch it.
          const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as {
            n: number;
          };
          if (tables.n > 0)
            throw new UserError(
              'This SQLite file is not an apicensus database (it has tables ' +
                'but no apicensus schema). Use another --db path.',
            );
        }
        if (m.version <= current) return false;
        db.exec(m.sql);
        db.pragma(`user_version = ${m.version}`);
        return true;
      })
      .immediate();
    return { name: m.name, status: applied ? ('applied' as const) : ('already' as const) };
  });
}

export function getMeta(db: Db, key: string): string | null {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

export function setMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
    key,
    value,
  );
}
