/**
 * The one module that opens SQLite: pragmas, migrations, and clear errors for
 * a file that is not an apicensus database. Everything else receives a Db.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { UserError } from '../errors.js';
import { hash52 } from '../keys.js';
import { shapeKey } from '../observation-shape.js';
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
}

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

export function openDb(file: string, opts: OpenOptions = {}): Db {
  if (opts.readonly && file !== ':memory:' && !existsSync(file)) {
    throw new UserError(
      `No database at ${file}. Run \`apicensus ingest <logs>\` first, or point --db (or APICENSUS_DB) at an existing one.`,
    );
  }
  let db: Db;
  try {
    db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.readonly ?? false });
    db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 30_000}`);
    if (!opts.readonly) {
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
    }
    db.pragma('foreign_keys = ON');
    // The keys ingest computes, for migrations that derive them from stored rows (008).
    db.function('hash52', { deterministic: true }, (s: unknown) => hash52(String(s)));
    db.function('shape_key', { deterministic: true, varargs: true }, (...values: unknown[]) =>
      shapeKey(values as (string | number | null)[]),
    );
  } catch (e) {
    throw new UserError(
      `Cannot open database ${file}: ${(e as Error).message}. Is it an apicensus database? Use another --db path.`,
      1,
      { cause: e },
    );
  }
  try {
    if (!opts.readonly) migrate(db);
    else checkVersion(db, file);
  } catch (e) {
    db.close();
    if (e instanceof UserError) throw e;
    throw new UserError(`Database ${file} is not a usable apicensus database: ${(e as Error).message}`, 1, {
      cause: e,
    });
  }
  return db;
}

function checkVersion(db: Db, file: string): void {
  const v = db.pragma('user_version', { simple: true }) as number;
  if (v > LATEST_VERSION) {
    throw new UserError(
      `Database ${file} was written by a newer apicensus (schema ${v}, this one knows ${LATEST_VERSION}). Upgrade apicensus.`,
    );
  }
  if (v < LATEST_VERSION) {
    throw new UserError(
      `Database ${file} has schema ${v}; run \`apicensus db check\` or any ingest to migrate it to ${LATEST_VERSION}.`,
    );
  }
}

export function migrate(db: Db): MigrationResult[] {
  const version = (): number => db.pragma('user_version', { simple: true }) as number;
  const newer = (v: number): UserError =>
    new UserError(
      `This database was written by a newer apicensus (schema ${v}, this one knows ${LATEST_VERSION}). Upgrade apicensus.`,
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
              'This SQLite file is not an apicensus database (it has tables but no apicensus schema). Use another --db path.',
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
