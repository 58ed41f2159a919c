/**
 * What an ingest from a source that is not a file needs around it, as `ingest` (src/ingest/run.ts)
 * sets it up for files: the database, the rule packs it classifies with, the zones, the ingest
 * lock and its heartbeat, one IngestWriter; and a batch helper that writes a source's chunks
 * and its checkpoint in one transaction.
 */
import { randomBytes } from 'node:crypto';
import { packsFor } from '../ingest/run.js';
import type { ChunkResult } from '../ingest/process.js';
import type { RulePack } from '../rules.js';
import { getMeta, openDb, setMeta, type Db } from '../store/db.js';
import {
  acquireIngestLock,
  IngestWriter,
  releaseIngestLock,
  type BatchOutcome,
  type Checkpoint,
  type NewSource,
} from '../store/ingest-writes.js';
import { machineZone, validateZone } from '../timezone.js';

export interface SessionOptions {
  db: string;
  rules?: string[];
  /** Zone of front-end timestamps without an offset (default: the machine's). */
  timezone?: string;
  /** Zone of nova's oslo.log text timestamps (default UTC). */
  novaTimezone?: string;
  frontends?: string[];
  joinWindowSeconds?: number;
  waitSeconds?: number;
  onNotice?: (message: string) => void;
}

export interface Session {
  db: Db;
  writer: IngestWriter;
  owner: string;
  packs: RulePack[];
  timezone: string;
  novaTimezone: string;
  frontends: string[];
}

const HEARTBEAT_MS = 60_000;

/** Open the database, take the ingest lock, run `fn`, and release everything whatever happens. */
export async function withIngestSession<T>(o: SessionOptions, fn: (s: Session) => Promise<T>): Promise<T> {
  const timezone = validateZone(o.timezone ?? machineZone());
  const novaTimezone = validateZone(o.novaTimezone ?? 'UTC');
  const db = openDb(o.db);
  const owner = `${process.pid}-${Date.now()}-${randomBytes(3).toString('hex')}`;
  try {
    const packs = packsFor(db, o.rules ?? []);
    const windowMs = Math.round((o.joinWindowSeconds ?? 5) * 1000);
    const stored = getMeta(db, 'join_window_ms');
    if (stored !== null && Number(stored) !== windowMs && o.joinWindowSeconds !== undefined)
      o.onNotice?.(
        `join window changed from ${Number(stored) / 1000} s to ${windowMs / 1000} s; calls ingested earlier keep their joins until relinked`,
      );
    setMeta(db, 'join_window_ms', String(windowMs));
    setMeta(db, 'timezone', timezone);
    setMeta(db, 'nova_timezone', novaTimezone);
    await acquireIngestLock(db, owner, (o.waitSeconds ?? 600) * 1000, (l) =>
      o.onNotice?.(`waiting for another ingest (pid ${l.pid} on ${l.host}, started ${l.started_at}) to finish…`),
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

/** What a source's batches added, over a run. */
export interface SourceTally {
  lines: number;
  requests: number;
  newRequests: number;
  observations: number;
  malformed: number;
}

/**
 * The batches of one source: chunks applied as they come inside an open batch (opened on the
 * first), committed with the source's checkpoint. `beforeCommit` runs inside the transaction
 * (rows that must commit with the batch: a window's totals, a journal's cursor).
 */
export class SourceBatches {
  sourceId: number | null;
  readonly tally: SourceTally = { lines: 0, requests: 0, newRequests: 0, observations: 0, malformed: 0 };
  /** Requests of the chunks in the open batch. */
  batchRequests = 0;
  private readonly create: NewSource;
  /** The source's row as committed (a batch that created it and rolled back leaves none). */
  private committedId: number | null;

  constructor(
    private readonly s: Session,
    source: { id: number | null; create: NewSource },
    private readonly onBegin?: (sourceId: number) => void,
  ) {
    this.sourceId = source.id;
    this.committedId = source.id;
    this.create = source.create;
  }

  private begin(): void {
    this.sourceId = this.s.writer.begin({ id: this.sourceId, create: this.create, path: this.create.path });
    this.batchRequests = 0;
    this.onBegin?.(this.sourceId);
  }

  readonly apply = (c: ChunkResult): void => {
    if (!this.s.writer.inBatch) this.begin();
    this.s.writer.addChunk(c);
    this.batchRequests += c.requests;
    this.tally.lines += c.lines;
    this.tally.requests += c.requests;
    this.tally.malformed += c.malformed;
  };

  commit(cp: Checkpoint, beforeCommit?: (sourceId: number) => void): BatchOutcome {
    if (!this.s.writer.inBatch) this.begin();
    beforeCommit?.(this.sourceId!);
    const { sourceId, outcome } = this.s.writer.commit(cp, this.s.owner);
    this.sourceId = sourceId;
    this.committedId = sourceId;
    this.tally.newRequests += outcome.newRequests;
    this.tally.observations += outcome.newObservations;
    return outcome;
  }

  abort(): void {
    if (this.s.writer.inBatch) this.s.writer.abort();
    this.sourceId = this.committedId;
  }
}
