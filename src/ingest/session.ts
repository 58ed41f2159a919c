/**
 * An ingest session: what every ingest holds while it writes, whatever it reads (files, a search
 * server's days, journald): the database, the rule packs it classifies with, the zones and join
 * window it records, the ingest lock with its heartbeat, and one IngestWriter. Opened and closed
 * in one place, so every reader waits for, takes over and releases the lock the same way.
 */
import { packsFor } from '../packs.js';
import type { RulePack } from '../rules.js';
import { getMeta, openDb, setMeta, type Db } from '../store/db.js';
import { acquireIngestLock, releaseIngestLock } from '../store/ingest-lock.js';
import { IngestWriter } from '../store/ingest-writes.js';
import { sourceZones } from '../timezone.js';

export interface SessionOptions {
  db: string;
  /** Extra rule pack files (remembered by the database). */
  rules?: string[];
  /** Zone of front-end timestamps without an offset (default: the machine's). */
  timezone?: string;
  /** Zone of nova's oslo.log text timestamps (default: the machine's). */
  novaTimezone?: string;
  frontends?: string[];
  joinWindowSeconds?: number;
  /** Wait this long for another ingest's lock, seconds. */
  waitSeconds?: number;
  /** A stop asked for while waiting for the lock ends the wait. */
  signal?: AbortSignal;
  onNotice?: (message: string) => void;
}

export interface Session {
  db: Db;
  writer: IngestWriter;
  /** Who holds the ingest lock: written with every batch's commit. */
  owner: string;
  packs: RulePack[];
  timezone: string;
  novaTimezone: string;
  frontends: string[];
}

/** How often a running ingest refreshes its lock's heartbeat (batches write it too). */
const HEARTBEAT_MS = 60_000;

/**
 * Open the database, take the ingest lock, run `fn`, and release everything whatever happens.
 * `beforeLock` runs once the database is open and before the lock is waited for (an ingest of
 * large files starts its workers there: their start-up overlaps the wait).
 */
export async function withIngestSession<T>(
  o: SessionOptions,
  fn: (s: Session) => Promise<T>,
  beforeLock?: () => void,
): Promise<T> {
  const { timezone, novaTimezone, meta: zoneMeta } = sourceZones(o);
  const db = openDb(o.db);
  const owner = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    beforeLock?.();
    const packs = packsFor(db, o.rules ?? []);
    const windowMs = joinWindow(db, o);
    for (const [key, value] of zoneMeta) setMeta(db, key, value);
    await acquireIngestLock(
      db,
      owner,
      (o.waitSeconds ?? 600) * 1000,
      (l) => o.onNotice?.(`waiting for another ingest (pid ${l.pid} on ${l.host}, started ${l.started_at}) to finish…`),
      (l) => o.onNotice?.(`taking over the lock left by pid ${l.pid} on ${l.host} (no longer running)`),
      o.signal,
    );
    const writer = new IngestWriter(db, {
      windowMs,
      actionOrder: new Map(packs.map((p) => [p.api, p.actions.map((a) => a.name)])),
      effectApis: new Set(packs.filter((p) => p.effects.length > 0).map((p) => p.api)),
    });
    const beat = setInterval(() => {
      try {
        writer.heartbeat(owner);
      } catch {
        // busy: the next beat or batch writes it
      }
    }, HEARTBEAT_MS);
    beat.unref();
    try {
      return await fn({ db, writer, owner, packs, timezone, novaTimezone, frontends: o.frontends ?? [] });
    } finally {
      clearInterval(beat);
      if (writer.inBatch) writer.abort();
      releaseIngestLock(db, owner);
    }
  } finally {
    db.close();
  }
}

/** The join window, remembered in the store; a change is said (calls joined before keep their joins). */
function joinWindow(db: Db, o: SessionOptions): number {
  const windowMs = Math.round((o.joinWindowSeconds ?? 5) * 1000);
  const stored = getMeta(db, 'join_window_ms');
  if (stored !== null && Number(stored) !== windowMs && o.joinWindowSeconds !== undefined) {
    o.onNotice?.(
      `join window changed from ${Number(stored) / 1000} s to ${windowMs / 1000} s; ` +
        'calls ingested earlier keep their joins until relinked',
    );
  }
  setMeta(db, 'join_window_ms', String(windowMs));
  return windowMs;
}
