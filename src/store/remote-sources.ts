/**
 * What the store keeps about sources that are not files (migration 013): search-server windows
 * (one UTC day of an index pattern on a cluster) with their pushed-down hour totals and the
 * per-cluster checkpoint, and journald cursors. Statements that belong to a batch run inside
 * IngestWriter's open transaction (begin() to commit()), so they commit with its rows.
 */
import type { Db } from './db.js';

export type WindowStatus = 'complete' | 'closed' | 'missing' | 'failed';

export interface WindowKey {
  product: string;
  cluster: string;
  url: string;
  pattern: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
}

export interface WindowRow {
  id: number;
  product: string;
  cluster: string;
  url: string;
  pattern: string;
  day: string;
  source_id: number | null;
  status: WindowStatus;
  reason: string | null;
  read_from: number | null;
  read_to: number | null;
  documents: number | null;
  candidates: number | null;
  fetched: number | null;
  read_at: number;
}

/** Requests a window's aggregation counted in one hour, for one layer, service and front end. */
export interface PushedTotal {
  layer: string;
  service: string;
  frontend: string;
  /** Hours since the epoch (UTC). */
  hour: number;
  requests: number;
}

export interface WindowRead {
  status: WindowStatus;
  reason: string | null;
  sourceId: number | null;
  readFrom: number;
  readTo: number;
  documents: number | null;
  candidates: number | null;
  fetched: number | null;
}

const HOUR_MS = 3_600_000;

export class SearchWindows {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      find: db.prepare<[string, string, string], WindowRow>(
        'SELECT * FROM search_windows WHERE cluster = ? AND pattern = ? AND day = ?',
      ),
      upsert: db.prepare(
        `INSERT INTO search_windows (product, cluster, url, pattern, day, source_id, status, reason, read_from, \
read_to, documents, candidates, fetched, read_at)
         VALUES (@product, @cluster, @url, @pattern, @day, @sourceId, @status, @reason, @readFrom, @readTo, \
@documents, @candidates, @fetched, @readAt)
         ON CONFLICT (cluster, pattern, day) DO UPDATE SET product = excluded.product, url = excluded.url,
           source_id = coalesce(excluded.source_id, source_id), status = excluded.status, reason = excluded.reason,
           read_from = excluded.read_from, read_to = excluded.read_to, documents = excluded.documents,
           candidates = excluded.candidates, fetched = excluded.fetched, read_at = excluded.read_at`,
      ),
      clearHours: db.prepare('DELETE FROM pushed_totals WHERE window_id = ? AND hour >= ? AND hour < ?'),
      total: db.prepare(
        'INSERT INTO pushed_totals (window_id, layer, service, frontend, hour, requests) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      checkpoint: db.prepare<[string, string], { day: string }>(
        'SELECT day FROM search_checkpoints WHERE cluster = ? AND pattern = ?',
      ),
      setCheckpoint: db.prepare(
        `INSERT INTO search_checkpoints (cluster, pattern, day) VALUES (?, ?, ?)
         ON CONFLICT (cluster, pattern) DO UPDATE SET day = excluded.day`,
      ),
    };
  }

  find(cluster: string, pattern: string, day: string): WindowRow | undefined {
    return this.stmts.find.get(cluster, pattern, day);
  }

  /**
   * Record what a read of a window found. For a complete read, `totals` replace the window's
   * pushed totals of the hours read ([readFrom, readTo)): a re-read never adds to them.
   * Call inside the batch transaction that holds the window's lines (or any transaction).
   */
  record(key: WindowKey, read: WindowRead, totals: readonly PushedTotal[] = []): number {
    this.stmts.upsert.run({
      ...key,
      sourceId: read.sourceId,
      status: read.status,
      reason: read.reason,
      readFrom: read.readFrom,
      readTo: read.readTo,
      documents: read.documents,
      candidates: read.candidates,
      fetched: read.fetched,
      readAt: Date.now(),
    });
    const id = this.find(key.cluster, key.pattern, key.day)!.id;
    if (read.status === 'complete') {
      this.stmts.clearHours.run(id, Math.floor(read.readFrom / HOUR_MS), Math.ceil(read.readTo / HOUR_MS));
      for (const t of totals)
        if (t.requests > 0) this.stmts.total.run(id, t.layer, t.service, t.frontend, t.hour, t.requests);
    }
    return id;
  }

  /** The last day read whole (and in the past) of a cluster's index pattern, or null. */
  checkpoint(cluster: string, pattern: string): string | null {
    return this.stmts.checkpoint.get(cluster, pattern)?.day ?? null;
  }

  setCheckpoint(cluster: string, pattern: string, day: string): void {
    this.stmts.setCheckpoint.run(cluster, pattern, day);
  }
}

export interface JournalCursorRow {
  journal: string;
  source_id: number;
  cursor: string;
  entries: number;
}

export class JournalCursors {
  private readonly get_;
  private readonly put;

  constructor(db: Db) {
    this.get_ = db.prepare<[string], JournalCursorRow>(
      'SELECT journal, source_id, cursor, entries FROM journal_cursors WHERE journal = ?',
    );
    this.put = db.prepare(
      `INSERT INTO journal_cursors (journal, source_id, cursor, entries, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (journal) DO UPDATE SET source_id = excluded.source_id, cursor = excluded.cursor,
         entries = excluded.entries, updated_at = excluded.updated_at`,
    );
  }

  get(journal: string): JournalCursorRow | undefined {
    return this.get_.get(journal);
  }

  /** Call inside the batch transaction holding the entries up to `cursor`. */
  save(journal: string, sourceId: number, cursor: string, entries: number): void {
    this.put.run(journal, sourceId, cursor, entries, new Date().toISOString());
  }
}
