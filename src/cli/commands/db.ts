/** `apicensus db check`, `db backup FILE` and `db migrate`: look after the store. */
import { existsSync, rmSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { num } from '../../../reports/format.js';
import { UserError } from '../../errors.js';
import { changedSinceOpened, LATEST_VERSION, openDb, readDb } from '../../store/db.js';
import { adoptKeyFile, keyFileOf, storedIdentity } from '../../store/identity.js';
import { lockStatus } from '../../store/ingest-lock.js';
import { setExitCode, withDb } from '../common.js';

export interface DbCheck {
  ok: boolean;
  integrity: string[];
  schema: { version: number; latest: number };
  sources: {
    id: number;
    path: string;
    format: string;
    offset: number;
    lines: number;
    state: string;
    present: boolean;
  }[];
  counts: Record<string, number>;
  ingestRunning: { pid: number; host: string; startedAt: string } | null;
  /** A lock left by an ingest that no longer runs (killed): the next ingest takes it over. */
  staleLock: { pid: number; host: string; startedAt: string } | null;
}

export function checkDb(file: string): DbCheck {
  return readDb(
    file,
    (db) => {
      const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
      const fk = db.pragma('foreign_key_check') as unknown[];
      if (fk.length > 0) integrity.push(`${fk.length} rows break foreign keys`);
      const version = db.pragma('user_version', { simple: true }) as number;
      const schema = { version, latest: LATEST_VERSION };
      // An older schema's tables are not this apicensus's: say so, count nothing.
      if (version < LATEST_VERSION)
        return { ok: false, integrity, schema, sources: [], counts: {}, ingestRunning: null, staleLock: null };
      const sources = (
        db.prepare('SELECT id, path, format, offset, lines, state FROM sources ORDER BY id').all() as DbCheck['sources']
      ).map((s) => ({
        ...s,
        // A search server's day or a journal is not a file: nothing to find at its "path".
        present: s.path === '-' || ['opensearch', 'elasticsearch', 'journal'].includes(s.format) || existsSync(s.path),
      }));
      const counts: Record<string, number> = {};
      for (const t of [
        'sources',
        'observations',
        'calls',
        'effects',
        'hourly_totals',
        'hour_keys',
        'inventory_facts',
      ]) {
        counts[t] = (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
      }
      const lock = lockStatus(db);
      const holder = lock ? { pid: lock.holder.pid, host: lock.holder.host, startedAt: lock.holder.started_at } : null;
      const ok = integrity.length === 1 && integrity[0] === 'ok';
      return {
        ok,
        integrity,
        schema,
        sources,
        counts,
        ingestRunning: lock?.alive ? holder : null,
        staleLock: lock && !lock.alive ? holder : null,
      };
    },
    { olderSchema: true },
  );
}

export function renderCheck(c: DbCheck): string {
  const out = [
    `integrity: ${c.integrity.join('; ')}`,
    `schema: ${c.schema.version} (this apicensus: ${c.schema.latest})${
      c.schema.version < c.schema.latest
        ? ' — run `apicensus db migrate` (or any ingest) as a user who can write the database'
        : ''
    }`,
    `rows: ${Object.entries(c.counts)
      .map(([k, v]) => `${k} ${num(v)}`)
      .join(', ')}`,
    `ingest running: ${
      c.ingestRunning
        ? `pid ${c.ingestRunning.pid} on ${c.ingestRunning.host} since ${c.ingestRunning.startedAt}`
        : 'no'
    }`,
    ...(c.staleLock
      ? [
          `stale lock: left by pid ${c.staleLock.pid} on ${c.staleLock.host} (started ${c.staleLock.startedAt}), ` +
            'which no longer runs; the next ingest takes it over',
        ]
      : []),
    `sources (${c.sources.length}):`,
    ...c.sources.map(
      (s) =>
        `  #${s.id} ${s.format} ${num(s.lines)} lines, ${num(s.offset)} bytes read` +
        `${s.state === 'complete' ? '' : ` (${partialState(s.state)})`} — ${s.path}` +
        `${s.present ? '' : ' (no longer at this path: rotated or removed; its content stays counted)'}`,
    ),
    c.ok ? 'OK' : 'PROBLEMS FOUND',
  ];
  return out.join('\n') + '\n';
}

function partialState(state: string): string {
  if (state === 'reading') return 'read in part: its ingest stopped or still runs';
  if (state === 'interrupted') return 'read in part: its ingest was interrupted';
  if (state === 'incomplete') return 'a .gz still being written';
  return state;
}

/** SQLite's online backup: consistent while an ingest writes. The copy keeps the cloud's export identity. */
export async function backupDb(file: string, to: string): Promise<{ pages: number }> {
  if (existsSync(to)) throw new UserError(`${to} exists; choose a new file name for the backup.`);
  const db = openDb(file, { readonly: true });
  let pages: number;
  try {
    pages = (await db.backup(to)).totalPages;
    if (changedSinceOpened(db)) {
      rmSync(to, { force: true });
      throw new UserError(`${file} changed during the backup (an ingest is running): try again.`);
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`Backup to ${to} failed: ${(e as Error).message}`);
  } finally {
    db.close();
  }
  // An identity still in <db>.export-key (no writer has opened the database since) goes into the copy too.
  const copy = openDb(to);
  try {
    adoptKeyFile(copy, keyFileOf(file), false);
  } finally {
    copy.close();
  }
  return { pages };
}

/** `db migrate`: bring the database to this apicensus's schema (what any ingest does first). */
export function migrateDb(file: string): { from: number; to: number; identity: string } {
  if (!existsSync(file)) throw new UserError(`No database at ${file}.`);
  const from = readDb(file, (db) => db.pragma('user_version', { simple: true }) as number, { olderSchema: true });
  const db = openDb(file);
  try {
    const id = storedIdentity(db);
    return {
      from,
      to: db.pragma('user_version', { simple: true }) as number,
      identity: id ? `kept in the database (${id.origin}, ${id.createdAt})` : 'none yet (the first export creates it)',
    };
  } finally {
    db.close();
  }
}

export const dbCommand: CommandModule = {
  command: 'db <command>',
  describe: 'Check the database, back it up while in use, or migrate it',
  builder: (y: Argv) =>
    y
      .command({
        command: 'check',
        describe: 'Integrity, schema version, sources and whether an ingest is running; exit 1 on problems',
        builder: (b: Argv) =>
          withDb(b).option('format', { choices: ['text', 'json'] as const, default: 'text' as const }),
        handler: (args) => {
          const c = checkDb(args.db as string);
          process.stdout.write(args.format === 'json' ? JSON.stringify(c, null, 2) + '\n' : renderCheck(c));
          if (!c.ok) setExitCode(1);
        },
      })
      .command({
        command: 'backup <file>',
        describe: 'Copy the database to FILE with SQLite online backup (safe while an ingest runs)',
        builder: (b: Argv) => withDb(b).positional('file', { type: 'string', demandOption: true }),
        handler: async (args) => {
          const r = await backupDb(args.db as string, args.file as string);
          process.stdout.write(`Backed up ${args.db as string} to ${args.file as string} (${num(r.pages)} pages).\n`);
        },
      })
      .command({
        command: 'migrate',
        describe: "Bring the database to this apicensus's schema (any ingest does it too); reading commands never do",
        builder: (b: Argv) => withDb(b),
        handler: (args) => {
          const r = migrateDb(args.db as string);
          process.stdout.write(
            `${args.db as string}: schema ${r.from === r.to ? `${r.to}, already current` : `${r.from} → ${r.to}`}; ` +
              `export identity: ${r.identity}.\n`,
          );
        },
      })
      .demandCommand(1, 'Name a db command: check, backup or migrate.'),
  handler: () => {},
};
