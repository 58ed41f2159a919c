/** `apicensus db check` and `apicensus db backup FILE`: look after the store. */
import { existsSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { num } from '../../../reports/format.js';
import { UserError } from '../../errors.js';
import { LATEST_VERSION, openDb } from '../../store/db.js';
import { setExitCode, withDb } from '../common.js';

export interface DbCheck {
  ok: boolean;
  integrity: string[];
  schema: { version: number; latest: number };
  sources: { id: number; path: string; format: string; offset: number; lines: number; present: boolean }[];
  counts: Record<string, number>;
  ingestRunning: { pid: number; host: string; startedAt: string } | null;
}

export function checkDb(file: string): DbCheck {
  const db = openDb(file, { readonly: true });
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    const fk = db.pragma('foreign_key_check') as unknown[];
    if (fk.length > 0) integrity.push(`${fk.length} rows break foreign keys`);
    const version = db.pragma('user_version', { simple: true }) as number;
    const sources = (
      db.prepare('SELECT id, path, format, offset, lines FROM sources ORDER BY id').all() as DbCheck['sources']
    ).map((s) => ({
      ...s,
      // A search server's day or a journal is not a file: nothing to find at its "path".
      present: s.path === '-' || ['opensearch', 'elasticsearch', 'journal'].includes(s.format) || existsSync(s.path),
    }));
    const counts: Record<string, number> = {};
    for (const t of ['sources', 'observations', 'calls', 'effects', 'hourly_totals', 'hour_keys', 'inventory_facts']) {
      counts[t] = (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    }
    const lock = db.prepare('SELECT pid, host, started_at AS startedAt FROM ingest_lock WHERE id = 1').get() as
      DbCheck['ingestRunning'] | undefined;
    const ok = integrity.length === 1 && integrity[0] === 'ok' && version === LATEST_VERSION;
    return { ok, integrity, schema: { version, latest: LATEST_VERSION }, sources, counts, ingestRunning: lock ?? null };
  } finally {
    db.close();
  }
}

export function renderCheck(c: DbCheck): string {
  const out = [
    `integrity: ${c.integrity.join('; ')}`,
    `schema: ${c.schema.version} (this apicensus: ${c.schema.latest})`,
    `rows: ${Object.entries(c.counts)
      .map(([k, v]) => `${k} ${num(v)}`)
      .join(', ')}`,
    `ingest running: ${c.ingestRunning ? `pid ${c.ingestRunning.pid} on ${c.ingestRunning.host} since ${c.ingestRunning.startedAt}` : 'no'}`,
    `sources (${c.sources.length}):`,
    ...c.sources.map(
      (s) =>
        `  #${s.id} ${s.format} ${num(s.lines)} lines, ${num(s.offset)} bytes read — ${s.path}${s.present ? '' : ' (no longer at this path: rotated or removed; its content stays counted)'}`,
    ),
    c.ok ? 'OK' : 'PROBLEMS FOUND',
  ];
  return out.join('\n') + '\n';
}

/** SQLite's online backup: consistent while an ingest writes. */
export async function backupDb(file: string, to: string): Promise<{ pages: number }> {
  if (existsSync(to)) throw new UserError(`${to} exists; choose a new file name for the backup.`);
  const db = openDb(file, { readonly: true });
  try {
    const r = await db.backup(to);
    return { pages: r.totalPages };
  } catch (e) {
    throw new UserError(`Backup to ${to} failed: ${(e as Error).message}`);
  } finally {
    db.close();
  }
}

export const dbCommand: CommandModule = {
  command: 'db <command>',
  describe: 'Check the database or back it up while in use',
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
      .demandCommand(1, 'Name a db command: check or backup.'),
  handler: () => {},
};
