/**
 * Everything ingest writes, as prepared statements and one synchronous
 * transaction per batch: the rows of a batch and the checkpoint that covers
 * them commit together, so a killed ingest resumes exactly where the store
 * says it stopped.
 */
import { hostname } from 'node:os';
import { UserError } from '../errors.js';
import type { ChunkResult } from '../ingest/process.js';
import type { Db } from './db.js';
import { HourKeys } from './hour-keys.js';
import { CallLinker, type LinkOptions } from './link.js';

export interface SourceRow {
  id: number;
  head_hash: string;
  head_len: number;
  offset: number;
  tail_hash: string;
  lines: number;
  format: string;
  path: string;
  compressed: number;
}

export interface FileState {
  path: string;
  dev: number;
  ino: number;
  size: number;
  mtime_ms: number;
  source_id: number;
  format: string;
}

export interface Checkpoint {
  offset: number;
  lines: number;
  tailHash: string;
}

export interface NewSource {
  headHash: string;
  headLen: number;
  format: string;
  path: string;
  compressed: boolean;
}

export interface BatchOutcome {
  newRequests: number;
  newObservations: number;
  newOpaque: number;
}

/** Keep at most this many malformed examples per source. */
const MALFORMED_KEPT = 10;

const now = (): string => new Date().toISOString();

export class IngestWriter {
  readonly hourKeys: HourKeys;
  private readonly linker: CallLinker;
  private readonly stmts;

  constructor(
    private readonly db: Db,
    private readonly link: LinkOptions,
  ) {
    this.hourKeys = new HourKeys(db);
    this.linker = new CallLinker(db, link);
    this.stmts = {
      byHead: db.prepare<[string], SourceRow>('SELECT * FROM sources WHERE head_hash = ? ORDER BY id'),
      shortHeads: db.prepare<[number], SourceRow>('SELECT * FROM sources WHERE head_len < ? ORDER BY id'),
      insertSource: db.prepare(
        `INSERT INTO sources (head_hash, head_len, format, path, compressed, created_at, updated_at)
         VALUES (@headHash, @headLen, @format, @path, @compressed, @at, @at)`,
      ),
      updateHead: db.prepare('UPDATE sources SET head_hash = ?, head_len = ? WHERE id = ?'),
      checkpoint: db.prepare(
        `UPDATE sources SET offset = @offset, lines = @lines, tail_hash = @tailHash, path = @path, updated_at = @at,
           requests = requests + @requests, new_requests = new_requests + @newRequests, opaque = opaque + @opaque,
           malformed = malformed + @malformed, observations = observations + @observations,
           first_time = min(coalesce(first_time, @firstTime), coalesce(@firstTime, first_time)),
           last_time = max(coalesce(last_time, @lastTime), coalesce(@lastTime, last_time)),
           nova_api_seen = max(nova_api_seen, @novaApiSeen)
         WHERE id = @id`,
      ),
      name: db.prepare(
        'INSERT INTO source_names (source_id, path, last_seen) VALUES (?, ?, ?) ON CONFLICT (source_id, path) DO UPDATE SET last_seen = excluded.last_seen',
      ),
      malformedCount: db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM malformed_lines WHERE source_id = ?'),
      malformed: db.prepare('INSERT OR IGNORE INTO malformed_lines (source_id, line, reason, text) VALUES (?, ?, ?, ?)'),
      total: db.prepare(
        `INSERT INTO hourly_totals (layer, service, hour, requests) VALUES (?, ?, ?, ?)
         ON CONFLICT (layer, service, hour) DO UPDATE SET requests = requests + excluded.requests`,
      ),
      opaque: db.prepare(
        `INSERT INTO opaque_hours (layer, frontend, hour, connections) VALUES (?, ?, ?, ?)
         ON CONFLICT (layer, frontend, hour) DO UPDATE SET connections = connections + excluded.connections`,
      ),
      frontend: db.prepare(
        `INSERT INTO frontends (layer, name, service, requests) VALUES (?, ?, ?, ?)
         ON CONFLICT (layer, name, service) DO UPDATE SET requests = requests + excluded.requests`,
      ),
      heartbeat: db.prepare('UPDATE ingest_lock SET heartbeat = ? WHERE id = 1 AND owner = ?'),
      fileState: db.prepare<[string], FileState>('SELECT path, dev, ino, size, mtime_ms, source_id, format FROM file_states WHERE path = ?'),
      saveFileState: db.prepare(
        `INSERT INTO file_states (path, dev, ino, size, mtime_ms, source_id, format) VALUES (@path, @dev, @ino, @size, @mtime_ms, @source_id, @format)
         ON CONFLICT (path) DO UPDATE SET dev = excluded.dev, ino = excluded.ino, size = excluded.size, mtime_ms = excluded.mtime_ms,
           source_id = excluded.source_id, format = excluded.format`,
      ),
      forgetFileState: db.prepare('DELETE FROM file_states WHERE path = ?'),
    };
  }

  /** Sources whose first bytes match: same hash over the same length, or a shorter stored head that is a prefix of ours. */
  findByHead(head: Buffer, hashOf: (b: Buffer) => string): SourceRow[] {
    const full = hashOf(head);
    const found = this.stmts.byHead.all(full).filter((s) => s.head_len === head.length);
    for (const s of this.stmts.shortHeads.all(head.length)) {
      if (s.head_len > 0 && hashOf(head.subarray(0, s.head_len)) === s.head_hash) found.push(s);
    }
    return found;
  }

  createSource(s: NewSource): number {
    return Number(
      this.stmts.insertSource.run({ headHash: s.headHash, headLen: s.headLen, format: s.format, path: s.path, compressed: s.compressed ? 1 : 0, at: now() })
        .lastInsertRowid,
    );
  }

  /** Keep the ingest lock's heartbeat fresh between batches; false when the lock is no longer ours. */
  heartbeat(lockOwner: string): boolean {
    return this.stmts.heartbeat.run(Date.now(), lockOwner).changes === 1;
  }

  /** How a file looked when it was last read to its end, if it was. */
  fileState(path: string): FileState | undefined {
    return this.stmts.fileState.get(path);
  }

  /** Remember how a file looked before it was read to its end; forget it when it was not. */
  saveFileState(path: string, st: FileState | null): void {
    if (st === null) this.stmts.forgetFileState.run(path);
    else this.stmts.saveFileState.run(st);
  }

  /** Record that a source was seen under a name, with no new content. */
  touch(sourceId: number, path: string, head?: { hash: string; len: number }): void {
    this.db.transaction(() => {
      this.stmts.name.run(sourceId, path, now());
      if (head) this.stmts.updateHead.run(head.hash, head.len, sourceId);
    })();
  }

  /**
   * Apply parsed chunks and move the source's checkpoint, in one transaction.
   * `create` makes the source row inside the same transaction on its first batch.
   */
  applyBatch(
    source: { id: number | null; create: NewSource; path: string; head?: { hash: string; len: number } },
    chunks: readonly ChunkResult[],
    cp: Checkpoint,
    lockOwner: string,
  ): { sourceId: number; outcome: BatchOutcome } {
    const run = this.db.transaction(() => {
      const sourceId = source.id ?? this.createSource(source.create);
      if (source.head) this.stmts.updateHead.run(source.head.hash, source.head.len, sourceId);
      this.stmts.name.run(sourceId, source.path, now());
      const outcome: BatchOutcome = { newRequests: 0, newObservations: 0, newOpaque: 0 };
      const totals = new Map<string, number>();
      const opaque = new Map<string, number>();
      const frontends = new Map<string, number>();
      let requests = 0;
      let opaqueLines = 0;
      let malformed = 0;
      let firstTime: number | null = null;
      let lastTime: number | null = null;
      let novaApiSeen = 0;
      let kept = this.stmts.malformedCount.get(sourceId)!.n;
      for (const c of chunks) {
        requests += c.requests;
        opaqueLines += c.opaque;
        malformed += c.malformed;
        if (c.novaApiSeen) novaApiSeen = 1;
        if (c.firstTime !== null && (firstTime === null || c.firstTime < firstTime)) firstTime = c.firstTime;
        if (c.lastTime !== null && (lastTime === null || c.lastTime > lastTime)) lastTime = c.lastTime;
        for (const m of c.malformedExamples) {
          if (kept >= MALFORMED_KEPT) break;
          this.stmts.malformed.run(sourceId, m.line, m.reason, m.text);
          kept++;
        }
        // Count new keys per (label, hour) with numeric map keys; labels are expanded once
        // per chunk below, not once per request (the loop runs for every request ingested).
        const perLabelHour = new Map<number, number>();
        for (let i = 0; i < c.keys.length; i++) {
          const labelId = c.labelIndex[i]!;
          const hour = c.hours[i]!;
          if (!this.hourKeys.add(c.labelLayers[labelId]!, hour, c.keys[i]!)) continue;
          const k = labelId * 1e7 + hour + 1;
          perLabelHour.set(k, (perLabelHour.get(k) ?? 0) + 1);
        }
        for (const [k, n] of perLabelHour) {
          const labelId = Math.floor(k / 1e7);
          const hour = k - labelId * 1e7 - 1;
          const [layer, service, third, fourth] = c.labels[labelId]!.split('\t') as [string, string, string, string?];
          if (service === '' && third === 'opaque') {
            outcome.newOpaque += n;
            const key = `${layer}\t${fourth ?? ''}\t${hour}`;
            opaque.set(key, (opaque.get(key) ?? 0) + n);
            continue;
          }
          outcome.newRequests += n;
          const key = `${layer}\t${service}\t${hour}`;
          totals.set(key, (totals.get(key) ?? 0) + n);
          if (third) {
            const f = `${layer}\t${third}\t${service}`;
            frontends.set(f, (frontends.get(f) ?? 0) + n);
          }
        }
        for (const o of c.observations) if (this.linker.addObservation({ ...o, sourceId })) outcome.newObservations++;
        for (const e of c.effects) this.linker.addEffect({ ...e, sourceId });
      }
      this.hourKeys.flush();
      for (const [k, n] of totals) {
        const [layer, service, hour] = k.split('\t');
        this.stmts.total.run(layer, service, Number(hour), n);
      }
      for (const [k, n] of opaque) {
        const [layer, frontend, hour] = k.split('\t');
        this.stmts.opaque.run(layer, frontend, Number(hour), n);
      }
      for (const [k, n] of frontends) {
        const [layer, name, service] = k.split('\t');
        this.stmts.frontend.run(layer, name, service, n);
      }
      this.linker.finish();
      this.stmts.checkpoint.run({
        id: sourceId,
        offset: cp.offset,
        lines: cp.lines,
        tailHash: cp.tailHash,
        path: source.path,
        at: now(),
        requests,
        newRequests: outcome.newRequests,
        opaque: opaqueLines,
        malformed,
        observations: outcome.newObservations,
        firstTime,
        lastTime,
        novaApiSeen,
      });
      if (this.stmts.heartbeat.run(Date.now(), lockOwner).changes !== 1) {
        throw new UserError('Lost the ingest lock on the database (another process took it over). Nothing of this batch was written; run ingest again.');
      }
      return { sourceId, outcome };
    });
    try {
      const r = run.immediate();
      this.hourKeys.trim();
      return r;
    } catch (e) {
      // The key sets and group notes hold what a batch that did not commit added: drop them, reload on demand.
      this.hourKeys.discard();
      this.linker.forget();
      throw e;
    }
  }
}

// ---------------------------------------------------------------- the ingest lock

export interface LockInfo {
  owner: string;
  host: string;
  pid: number;
  started_at: string;
  heartbeat: number;
}

/** A lock whose holder has not written for this long is stale (a killed process, here or on another host). */
const STALE_MS = 10 * 60_000;

function holderAlive(l: LockInfo): boolean {
  // A live ingest writes its heartbeat at least every minute (see heartbeat()). Without that,
  // a pid reused after a crash or a reboot would keep every later ingest waiting forever.
  if (Date.now() - l.heartbeat >= STALE_MS) return false;
  if (l.host === hostname()) {
    try {
      process.kill(l.pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  }
  return true;
}

/**
 * Take the database's ingest lock, waiting up to waitMs for another ingest to
 * finish. A lock left by a killed process is taken over.
 */
export async function acquireIngestLock(db: Db, owner: string, waitMs: number, onWait?: (l: LockInfo) => void): Promise<void> {
  const get = db.prepare<[], LockInfo>('SELECT owner, host, pid, started_at, heartbeat FROM ingest_lock WHERE id = 1');
  const take = db.prepare(
    `INSERT INTO ingest_lock (id, owner, host, pid, started_at, heartbeat) VALUES (1, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, host = excluded.host, pid = excluded.pid,
       started_at = excluded.started_at, heartbeat = excluded.heartbeat`,
  );
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    const holder = db
      .transaction(() => {
        const l = get.get();
        if (l && l.owner !== owner && holderAlive(l)) return l;
        take.run(owner, hostname(), process.pid, now(), Date.now());
        return null;
      })
      .immediate();
    if (holder === null) return;
    if (!told) {
      onWait?.(holder);
      told = true;
    }
    if (Date.now() >= deadline) {
      throw new UserError(
        `Another ingest (pid ${holder.pid} on ${holder.host}, started ${holder.started_at}) is writing to this database; waited ${Math.round(waitMs / 1000)} s. ` +
          'Try again when it has finished, or raise --wait.',
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function releaseIngestLock(db: Db, owner: string): void {
  db.prepare('DELETE FROM ingest_lock WHERE id = 1 AND owner = ?').run(owner);
}
