/**
 * Everything ingest writes, as prepared statements and one synchronous
 * transaction per batch: the rows of a batch and the checkpoint that covers
 * them commit together, so a killed ingest resumes exactly where the store
 * says it stopped.
 */
import { hostname } from 'node:os';
import { UserError } from '../errors.js';
import type { ChunkResult } from '../ingest/process.js';
import { OBS_NUM, OBS_NUMS } from '../observation-shape.js';
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
    // Checkpoint the WAL into the database every 64 MB instead of every 4 MB: each checkpoint
    // copies pages and syncs twice (bench/: 1.1 GB nova log, commits 0.87 → 0.59 s). The WAL is
    // checkpointed when the database closes. In pages of the database's size (16 KiB for a new one).
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.pragma(`wal_autocheckpoint = ${Math.max(1000, Math.round((64 << 20) / pageSize))}`);
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
      malformedCount: db.prepare<[number], { n: number }>(
        'SELECT count(*) AS n FROM malformed_lines WHERE source_id = ?',
      ),
      malformed: db.prepare(
        'INSERT OR IGNORE INTO malformed_lines (source_id, line, reason, text) VALUES (?, ?, ?, ?)',
      ),
      total: db.prepare(
        `INSERT INTO hourly_totals (layer, service, hour, requests) VALUES (?, ?, ?, ?)
         ON CONFLICT (layer, service, hour) DO UPDATE SET requests = requests + excluded.requests`,
      ),
      opaque: db.prepare(
        `INSERT INTO opaque_hours (layer, frontend, hour, connections) VALUES (?, ?, ?, ?)
         ON CONFLICT (layer, frontend, hour) DO UPDATE SET connections = connections + excluded.connections`,
      ),
      frontend: db.prepare(
        `INSERT INTO frontends (layer, name, service, decided_by, evidence, requests) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (layer, name, service, decided_by, evidence) DO UPDATE SET requests = requests + excluded.requests`,
      ),
      setAside: db.prepare(
        `INSERT INTO frontend_set_aside (layer, name, service, decided_by, evidence, api, requests) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (layer, name, service, decided_by, evidence, api) DO UPDATE SET requests = requests + excluded.requests`,
      ),
      heartbeat: db.prepare('UPDATE ingest_lock SET heartbeat = ? WHERE id = 1 AND owner = ?'),
      fileState: db.prepare<[string], FileState>(
        'SELECT path, dev, ino, size, mtime_ms, source_id, format FROM file_states WHERE path = ?',
      ),
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
      this.stmts.insertSource.run({
        headHash: s.headHash,
        headLen: s.headLen,
        format: s.format,
        path: s.path,
        compressed: s.compressed ? 1 : 0,
        at: now(),
      }).lastInsertRowid,
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

  /** The batch being written: its transaction is open from begin() to commit(). */
  private batch: Batch | null = null;

  get inBatch(): boolean {
    return this.batch !== null;
  }

  /**
   * Open a batch: one write transaction that the chunks applied next and the
   * checkpoint that covers them commit in. `create` makes the source row on its
   * first batch. Chunks are applied as they come (bench/: holding a batch's
   * results until the commit promoted them all to the old generation, and V8
   * marked and compacted the applying thread's heap every few blocks).
   */
  begin(source: { id: number | null; create: NewSource; path: string; head?: { hash: string; len: number } }): number {
    if (this.batch) throw new Error('a batch is already open');
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const sourceId = source.id ?? this.createSource(source.create);
      if (source.head) this.stmts.updateHead.run(source.head.hash, source.head.len, sourceId);
      this.stmts.name.run(sourceId, source.path, now());
      this.batch = {
        sourceId,
        path: source.path,
        startedAt: Date.now(),
        outcome: { newRequests: 0, newObservations: 0, newOpaque: 0 },
        totals: new Map(),
        opaque: new Map(),
        frontends: new Map(),
        requests: 0,
        opaqueLines: 0,
        malformed: 0,
        firstTime: null,
        lastTime: null,
        novaApiSeen: 0,
        malformedKept: this.stmts.malformedCount.get(sourceId)!.n,
      };
      return sourceId;
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  /** When the open batch began (ms), or null: a caller commits a batch that has waited long for input. */
  get batchStartedAt(): number | null {
    return this.batch?.startedAt ?? null;
  }

  /** Apply one parsed chunk inside the open batch. */
  addChunk(c: ChunkResult): void {
    const b = this.batch;
    if (!b) throw new Error('no open batch');
    try {
      b.requests += c.requests;
      b.opaqueLines += c.opaque;
      b.malformed += c.malformed;
      if (c.novaApiSeen) b.novaApiSeen = 1;
      if (c.firstTime !== null && (b.firstTime === null || c.firstTime < b.firstTime)) b.firstTime = c.firstTime;
      if (c.lastTime !== null && (b.lastTime === null || c.lastTime > b.lastTime)) b.lastTime = c.lastTime;
      for (const m of c.malformedExamples) {
        if (b.malformedKept >= MALFORMED_KEPT) break;
        this.stmts.malformed.run(b.sourceId, m.line, m.reason, m.text);
        b.malformedKept++;
      }
      // Which requests were new: a line of a call of interest is stored exactly when its request is.
      const fresh = c.observations.count > 0 ? new Uint8Array(c.keys.length) : null;
      const perLabelHour = this.countNewKeys(c, fresh);
      for (const [k, n] of perLabelHour) {
        const labelId = Math.floor(k / 1e7);
        const hour = k - labelId * 1e7 - 1;
        const [layer, service, third, fourth, evidence, setAside] = c.labels[labelId]!.split('\t') as [
          string,
          string,
          string,
          string?,
          string?,
          string?,
        ];
        if (service === '' && third === 'opaque') {
          b.outcome.newOpaque += n;
          const key = `${layer}\t${fourth ?? ''}\t${hour}`;
          b.opaque.set(key, (b.opaque.get(key) ?? 0) + n);
          continue;
        }
        b.outcome.newRequests += n;
        const key = `${layer}\t${service}\t${hour}`;
        b.totals.set(key, (b.totals.get(key) ?? 0) + n);
        // Front-end requests carry what decided their service (and the API of a compute route set aside).
        if (fourth) {
          const f = `${layer}\t${third}\t${service}\t${fourth}\t${evidence ?? ''}\t${setAside ?? ''}`;
          b.frontends.set(f, (b.frontends.get(f) ?? 0) + n);
        }
      }
      const obs = c.observations;
      if (obs.count > 0) {
        const shapes = this.linker.resolveShapes(c.shapes);
        for (let k = 0; k < obs.count; k++) {
          const at = k * OBS_NUMS;
          if (fresh![obs.nums[at + OBS_NUM.keyIndex]!] !== 1) continue;
          this.linker.addObservation(obs, k, shapes[obs.nums[at + OBS_NUM.shape]!]!, b.sourceId);
          b.outcome.newObservations++;
        }
      }
      for (const e of c.effects) this.linker.addEffect({ ...e, sourceId: b.sourceId });
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  /**
   * Add a chunk's request keys to the hour keys, marking the new ones in `fresh`; new keys per
   * (label, hour), as `labelId * 1e7 + hour + 1` (numeric map keys: labels are expanded once per
   * chunk by the caller, not once per request). Requests come in long runs of one label and
   * hour: a run is counted, then added. A function of its own, the loop every request goes
   * through is optimised on its own (bench/: inside addChunk, V8 recompiled the whole method
   * seven times in one ingest of the 1.1 GB nova log, ~310 ms of compiling; now ~200 ms for
   * both; the wall time did not move measurably).
   */
  private countNewKeys(c: ChunkResult, fresh: Uint8Array | null): Map<number, number> {
    const perLabelHour = new Map<number, number>();
    let runKey = -1;
    let run = 0;
    for (let i = 0; i < c.keys.length; i++) {
      const labelId = c.labelIndex[i]!;
      const hour = c.hours[i]!;
      if (!this.hourKeys.add(c.labelLayers[labelId]!, hour, c.keys[i]!)) continue;
      if (fresh) fresh[i] = 1;
      const k = labelId * 1e7 + hour + 1;
      if (k !== runKey) {
        if (run > 0) perLabelHour.set(runKey, (perLabelHour.get(runKey) ?? 0) + run);
        runKey = k;
        run = 0;
      }
      run++;
    }
    if (run > 0) perLabelHour.set(runKey, (perLabelHour.get(runKey) ?? 0) + run);
    return perLabelHour;
  }

  /** Move the source's checkpoint and commit the open batch. */
  commit(cp: Checkpoint, lockOwner: string): { sourceId: number; outcome: BatchOutcome } {
    const b = this.batch;
    if (!b) throw new Error('no open batch');
    try {
      this.hourKeys.flush();
      for (const [k, n] of b.totals) {
        const [layer, service, hour] = k.split('\t');
        this.stmts.total.run(layer, service, Number(hour), n);
      }
      for (const [k, n] of b.opaque) {
        const [layer, frontend, hour] = k.split('\t');
        this.stmts.opaque.run(layer, frontend, Number(hour), n);
      }
      for (const [k, n] of b.frontends) {
        const [layer, name, service, decidedBy, evidence, setAside] = k.split('\t');
        this.stmts.frontend.run(layer, name, service, decidedBy, evidence, n);
        if (setAside) this.stmts.setAside.run(layer, name, service, decidedBy, evidence, setAside, n);
      }
      this.linker.finish();
      this.stmts.checkpoint.run({
        id: b.sourceId,
        offset: cp.offset,
        lines: cp.lines,
        tailHash: cp.tailHash,
        path: b.path,
        at: now(),
        requests: b.requests,
        newRequests: b.outcome.newRequests,
        opaque: b.opaqueLines,
        malformed: b.malformed,
        observations: b.outcome.newObservations,
        firstTime: b.firstTime,
        lastTime: b.lastTime,
        novaApiSeen: b.novaApiSeen,
      });
      if (this.stmts.heartbeat.run(Date.now(), lockOwner).changes !== 1) {
        throw new UserError(
          'Lost the ingest lock on the database (another process took it over). Nothing of this batch was written; run ingest again.',
        );
      }
      this.db.exec('COMMIT');
    } catch (e) {
      this.abort();
      throw e;
    }
    this.batch = null;
    this.hourKeys.trim();
    return { sourceId: b.sourceId, outcome: b.outcome };
  }

  /**
   * Roll the open batch back (a failure, or a read that stopped): the key sets and group
   * notes hold what it added, so they are dropped and reloaded on demand.
   */
  abort(): void {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.batch = null;
    this.hourKeys.discard();
    this.linker.forget();
  }
}

interface Batch {
  sourceId: number;
  path: string;
  startedAt: number;
  outcome: BatchOutcome;
  totals: Map<string, number>;
  opaque: Map<string, number>;
  frontends: Map<string, number>;
  requests: number;
  opaqueLines: number;
  malformed: number;
  firstTime: number | null;
  lastTime: number | null;
  novaApiSeen: number;
  malformedKept: number;
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
export async function acquireIngestLock(
  db: Db,
  owner: string,
  waitMs: number,
  onWait?: (l: LockInfo) => void,
): Promise<void> {
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
