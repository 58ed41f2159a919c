/**
 * Everything ingest writes, as prepared statements and one synchronous
 * transaction per batch: the rows of a batch and the checkpoint that covers
 * them commit together, so a killed ingest resumes exactly where the store
 * says it stopped.
 */
import { parseLabel, type ChunkResult } from '../chunk-result.js';
import { UserError } from '../errors.js';
import { OBS_NUM, OBS_NUMS } from '../observation-shape.js';
import type { Db } from './db.js';
import { HourKeys, type HourEntry } from './hour-keys.js';
import { CallLinker, type LinkOptions } from './link.js';
import { SourceStore, type ChainLink, type NewSource, type SourceState } from './sources.js';

export type { FileState, NewSource, SourceRow, KnownSourceRow, SourceState, ChainLink } from './sources.js';

/** Where a source's reading stands at a commit: the rows of the batch commit with it. */
export interface Checkpoint {
  offset: number;
  lines: number;
  /** Chain links of the content this batch covers (identity.ts). */
  links: readonly ChainLink[];
  state: SourceState;
  problem?: string | null;
  /** Where the numbering of identical id-less requests stands at `offset` (null for sources that have none). */
  numbering?: string | null;
}

/** The source a batch writes to: made on its first batch when `id` is null. */
export interface BatchSource {
  id: number | null;
  create: NewSource;
  path: string;
  head?: { hash: string; len: number };
  /** The file's size when reading began (null for .gz and stdin). */
  size: number | null;
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
  readonly sources: SourceStore;
  private readonly linker: CallLinker;
  private readonly stmts;

  constructor(
    readonly db: Db,
    private readonly link: LinkOptions,
  ) {
    // Checkpoint the WAL into the database every 64 MB instead of every 4 MB: each checkpoint
    // copies pages and syncs twice (bench/: 1.1 GB nova log, commits 0.87 → 0.59 s). The WAL is
    // checkpointed when the database closes. In pages of the database's size (16 KiB for a new one).
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.pragma(`wal_autocheckpoint = ${Math.max(1000, Math.round((64 << 20) / pageSize))}`);
    // SQLite's default 2 MiB of page cache for ingest, not the 8 MiB readers get: the pages it
    // writes are appended, and the index pages it reads stay hot (bench/: 1.1 GB logs, peak RSS
    // −5 to −18 MB, the same CPU).
    db.pragma('cache_size = -2000');
    this.hourKeys = new HourKeys(db);
    this.linker = new CallLinker(db, link);
    this.sources = new SourceStore(db);
    this.stmts = {
      // A source read on may be read in another format now (a file that grew lines of a second one).
      reading: db.prepare("UPDATE sources SET state = 'reading', size = coalesce(?, size), format = ? WHERE id = ?"),
      checkpoint: db.prepare(
        `UPDATE sources SET offset = @offset, lines = @lines, path = @path, updated_at = @at,
           requests = requests + @requests, new_requests = new_requests + @newRequests, opaque = opaque + @opaque,
           malformed = malformed + @malformed, observations = observations + @observations,
           undated = undated + @undated, skipped = skipped + @skipped, state = @state, problem = @problem,
           numbering = @numbering,
           first_time = min(coalesce(first_time, @firstTime), coalesce(@firstTime, first_time)),
           last_time = max(coalesce(last_time, @lastTime), coalesce(@lastTime, last_time)),
           nova_api_seen = max(nova_api_seen, @novaApiSeen)
         WHERE id = @id`,
      ),
      link: db.prepare('INSERT OR REPLACE INTO source_chain (source_id, end_offset, hash) VALUES (?, ?, ?)'),
      malformedCount: db.prepare<[number], { n: number }>(
        'SELECT count(*) AS n FROM malformed_lines WHERE source_id = ?',
      ),
      malformed: db.prepare(
        'INSERT OR IGNORE INTO malformed_lines (source_id, line, reason, text, api) VALUES (?, ?, ?, ?, ?)',
      ),
      malformedApi: db.prepare(
        `INSERT INTO malformed_apis (source_id, api, lines) VALUES (?, ?, ?)
         ON CONFLICT (source_id, api) DO UPDATE SET lines = lines + excluded.lines`,
      ),
      total: db.prepare(
        `INSERT INTO hourly_totals (layer, service, hour, requests) VALUES (?, ?, ?, ?)
         ON CONFLICT (layer, service, hour) DO UPDATE SET requests = requests + excluded.requests`,
      ),
      opaque: db.prepare(
        `INSERT INTO opaque_hours (layer, frontend, hour, connections) VALUES (?, ?, ?, ?)
         ON CONFLICT (layer, frontend, hour) DO UPDATE SET connections = connections + excluded.connections`,
      ),
      edge: db.prepare(
        `INSERT INTO hour_edges (layer, service, frontend, hour, first_ms, last_ms) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (hour, layer, service, frontend) DO UPDATE SET first_ms = min(first_ms, excluded.first_ms), ` +
          'last_ms = max(last_ms, excluded.last_ms)',
      ),
      frontend: db.prepare(
        `INSERT INTO frontends (layer, name, service, decided_by, evidence, requests) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (layer, name, service, decided_by, evidence) ` +
          `DO UPDATE SET requests = requests + excluded.requests`,
      ),
      setAside: db.prepare(
        `INSERT INTO frontend_set_aside (layer, name, service, decided_by, evidence, api, requests) ` +
          `VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (layer, name, service, decided_by, evidence, api) ` +
          `DO UPDATE SET requests = requests + excluded.requests`,
      ),
      heartbeat: db.prepare('UPDATE ingest_lock SET heartbeat = ? WHERE id = 1 AND owner = ?'),
    };
  }

  /** Keep the ingest lock's heartbeat fresh between batches; false when the lock is no longer ours. */
  heartbeat(lockOwner: string): boolean {
    return this.stmts.heartbeat.run(Date.now(), lockOwner).changes === 1;
  }

  /** The batch being written: its transaction is open from begin() to commit(). */
  private batch: Batch | null = null;

  get inBatch(): boolean {
    return this.batch !== null;
  }

  /**
   * Open a batch: one write transaction that the chunks applied next and the checkpoint that
   * covers them commit in. The source is made on its first batch and marked as being read, so
   * a killed ingest leaves it 'reading' (the report says it was read only in part). Chunks are
   * applied as they come (bench/: holding a batch's results until the commit promoted them all
   * to the old generation, and V8 marked and compacted the applying thread's heap every few blocks).
   */
  begin(source: BatchSource): number {
    if (this.batch) throw new Error('a batch is already open');
    try {
      this.db.exec('BEGIN IMMEDIATE');
      const sourceId = source.id ?? this.sources.create(source.create);
      this.sources.seenAs(sourceId, source.path, source.head);
      this.stmts.reading.run(source.size, source.create.format, sourceId);
      this.batch = newBatch(sourceId, source.path, this.stmts.malformedCount.get(sourceId)!.n);
      return sourceId;
    } catch (e) {
      throw this.failed(e);
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
      addCounts(b, c);
      addEdges(b, c);
      for (const m of c.malformedExamples) {
        // The first few, and a few more that name an API (unreadable calls of interest are shown as such).
        if (b.malformedKept >= (m.api === null ? MALFORMED_KEPT : 2 * MALFORMED_KEPT)) continue;
        this.stmts.malformed.run(b.sourceId, m.line, m.reason, m.text, m.api);
        b.malformedKept++;
      }
      // Which requests were new: a line of a call of interest is stored exactly when its request is.
      const fresh = c.observations.count > 0 ? new Uint8Array(c.keys.length) : null;
      this.addNewKeyCounts(b, c, this.countNewKeys(c, fresh));
      const obs = c.observations;
      if (obs.count > 0) {
        const shapes = this.linker.resolveShapes(c.shapes);
        for (let k = 0; k < obs.count; k++) {
          const at = k * OBS_NUMS;
          const shape = shapes[obs.nums[at + OBS_NUM.shape]!]!;
          if (fresh![obs.nums[at + OBS_NUM.keyIndex]!] !== 1) {
            this.linker.enrichObservation(obs, k, shape);
            continue;
          }
          this.linker.addObservation(obs, k, shape, b.sourceId);
          b.outcome.newObservations++;
        }
      }
      for (const e of c.effects) this.linker.addEffect({ ...e, sourceId: b.sourceId });
    } catch (e) {
      throw this.failed(e);
    }
  }

  /** New requests per (label, hour) into the batch's totals, front ends and opaque connections. */
  private addNewKeyCounts(b: Batch, c: ChunkResult, perLabelHour: Map<number, number>): void {
    for (const [k, n] of perLabelHour) {
      const labelId = Math.floor(k / 1e7);
      const hour = k - labelId * 1e7 - 1;
      const { layer, service, opaque, frontend, decidedBy, evidence, setAsideApi } = parseLabel(c.labels[labelId]!);
      if (opaque) {
        b.outcome.newOpaque += n;
        addTo(b.opaque, `${layer}\t${frontend}\t${hour}`, n);
        continue;
      }
      b.outcome.newRequests += n;
      addTo(b.totals, `${layer}\t${service}\t${hour}`, n);
      // Front-end requests carry what decided their service (and the API of a compute route set aside).
      if (decidedBy)
        addTo(b.frontends, `${layer}\t${frontend}\t${service}\t${decidedBy}\t${evidence}\t${setAsideApi}`, n);
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
    // New keys per label in the hour being read, added to the map when the hour changes: a
    // front end's labels alternate from line to line, so runs of one label are short; the hour's
    // key set is looked up once per run of one layer and hour (bench/: 1.1 GB HAProxy log, 4.5 M
    // keys, this loop 1.2 s → 0.5-0.7 s in profiles of the whole ingest on a busy machine).
    const counts = new Float64Array(c.labels.length);
    const { keys, hours, labelIndex, labelLayers } = c;
    let hour = NaN;
    let layer = '';
    let entry: HourEntry | null = null;
    for (let i = 0; i < keys.length; i++) {
      const h = hours[i]!;
      const labelId = labelIndex[i]!;
      const l = labelLayers[labelId]!;
      if (h !== hour || l !== layer || entry === null) {
        if (h !== hour && hour === hour) addLabelCounts(perLabelHour, counts, hour);
        hour = h;
        layer = l;
        entry = this.hourKeys.entry(l, h);
      }
      if (!entry.add(keys[i]!)) continue;
      if (fresh) fresh[i] = 1;
      counts[labelId]!++;
    }
    if (hour === hour) addLabelCounts(perLabelHour, counts, hour);
    return perLabelHour;
  }

  /** Move the source's checkpoint and commit the open batch. */
  commit(cp: Checkpoint, lockOwner: string): { sourceId: number; outcome: BatchOutcome } {
    const b = this.batch;
    if (!b) throw new Error('no open batch');
    try {
      this.hourKeys.flush();
      this.writeTotals(b);
      this.linker.finish();
      for (const l of cp.links) this.stmts.link.run(b.sourceId, l.end, l.hash);
      this.stmts.checkpoint.run({
        id: b.sourceId,
        offset: cp.offset,
        lines: cp.lines,
        path: b.path,
        at: now(),
        requests: b.requests,
        newRequests: b.outcome.newRequests,
        opaque: b.opaqueLines,
        malformed: b.malformed,
        observations: b.outcome.newObservations,
        undated: b.undated,
        skipped: b.skipped,
        state: cp.state,
        problem: cp.problem ?? null,
        numbering: cp.numbering ?? null,
        firstTime: b.firstTime,
        lastTime: b.lastTime,
        novaApiSeen: b.novaApiSeen,
      });
      if (this.stmts.heartbeat.run(Date.now(), lockOwner).changes !== 1) {
        throw new UserError(
          'Lost the ingest lock on the database (another process took it over). ' +
            'Nothing of this batch was written; run ingest again.',
        );
      }
      this.db.exec('COMMIT');
    } catch (e) {
      throw this.failed(e);
    }
    this.batch = null;
    this.hourKeys.trim();
    return { sourceId: b.sourceId, outcome: b.outcome };
  }

  private writeTotals(b: Batch): void {
    for (const [k, n] of b.totals) {
      const [layer, service, hour] = k.split('\t');
      this.stmts.total.run(layer, service, Number(hour), n);
    }
    for (const [k, n] of b.opaque) {
      const [layer, frontend, hour] = k.split('\t');
      this.stmts.opaque.run(layer, frontend, Number(hour), n);
    }
    for (const [k, [first, last]] of b.edges) {
      const [layer, service, frontend, hour] = k.split('\t');
      this.stmts.edge.run(layer, service, frontend, Number(hour), first, last);
    }
    for (const [k, n] of b.frontends) {
      const [layer, name, service, decidedBy, evidence, setAside] = k.split('\t');
      this.stmts.frontend.run(layer, name, service, decidedBy, evidence, n);
      if (setAside) this.stmts.setAside.run(layer, name, service, decidedBy, evidence, setAside, n);
    }
    for (const [api, n] of b.malformedApis) this.stmts.malformedApi.run(b.sourceId, api, n);
  }

  /**
   * Roll the open batch back (a failure, or a read that stopped): the key sets and group
   * notes hold what it added, so they are dropped and reloaded on demand.
   */
  abort(): void {
    try {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
    } finally {
      this.batch = null;
      this.hourKeys.discard();
      this.linker.forget();
    }
  }

  /** The batch is rolled back; a store that cannot be written (disk full, read-only) is said so plainly. */
  private failed(e: unknown): unknown {
    try {
      this.abort();
    } catch {
      // The rollback failed too (the file is gone, say): SQLite rolls back when the database is next opened.
    }
    return storeWriteError(e, this.db.name);
  }
}

/** A write the store refused, as the user should hear of it; other errors as they are. */
export function storeWriteError(e: unknown, file: string): unknown {
  const code = (e as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return e;
  const why =
    code === 'SQLITE_FULL'
      ? 'the disk (or the file size limit) is full'
      : code.startsWith('SQLITE_READONLY')
        ? 'the database can no longer be written (read-only file or file system)'
        : code.startsWith('SQLITE_IOERR') || code === 'SQLITE_CANTOPEN'
          ? 'the file system refused a write'
          : null;
  if (why === null) return e;
  return new UserError(
    `Cannot write the database ${file}: ${why} (${code}: ${(e as Error).message}). ` +
      'Nothing of the batch being written was kept; what was committed before stays. ' +
      'Make room (or make it writable) and run ingest again: it continues where this stopped.',
    1,
    { cause: e },
  );
}

interface Batch {
  sourceId: number;
  path: string;
  startedAt: number;
  outcome: BatchOutcome;
  totals: Map<string, number>;
  opaque: Map<string, number>;
  /** First and last time per `layer\tservice\tfrontend\thour` (hour_edges). */
  edges: Map<string, [number, number]>;
  frontends: Map<string, number>;
  malformedApis: Map<string, number>;
  requests: number;
  undated: number;
  skipped: number;
  opaqueLines: number;
  malformed: number;
  firstTime: number | null;
  lastTime: number | null;
  novaApiSeen: number;
  malformedKept: number;
}

function newBatch(sourceId: number, path: string, malformedKept: number): Batch {
  return {
    sourceId,
    path,
    startedAt: Date.now(),
    outcome: { newRequests: 0, newObservations: 0, newOpaque: 0 },
    totals: new Map(),
    opaque: new Map(),
    edges: new Map(),
    frontends: new Map(),
    malformedApis: new Map(),
    requests: 0,
    undated: 0,
    skipped: 0,
    opaqueLines: 0,
    malformed: 0,
    firstTime: null,
    lastTime: null,
    novaApiSeen: 0,
    malformedKept,
  };
}

/** A chunk's counts into the batch's. */
function addCounts(b: Batch, c: ChunkResult): void {
  b.requests += c.requests;
  b.undated += c.undated;
  b.skipped += c.skipped;
  b.opaqueLines += c.opaque;
  b.malformed += c.malformed;
  for (const [api, n] of Object.entries(c.malformedApis)) addTo(b.malformedApis, api, n);
  if (c.novaApiSeen) b.novaApiSeen = 1;
  if (c.firstTime !== null && (b.firstTime === null || c.firstTime < b.firstTime)) b.firstTime = c.firstTime;
  if (c.lastTime !== null && (b.lastTime === null || c.lastTime > b.lastTime)) b.lastTime = c.lastTime;
}

const addTo = (m: Map<string, number>, k: string, n: number): void => void m.set(k, (m.get(k) ?? 0) + n);

/**
 * A chunk's first and last times per label and hour into the batch's, per layer, service and
 * frontend (requests: their service, frontend ''; TCP-mode connections: service '', their frontend).
 */
function addEdges(b: Batch, c: ChunkResult): void {
  const e = c.edges;
  if (e.length === 0) return;
  const prefixes: (string | undefined)[] = [];
  for (let i = 0; i < e.length; i += 4) {
    const labelId = e[i]!;
    let prefix = prefixes[labelId];
    if (prefix === undefined) {
      const { layer, service, opaque, frontend } = parseLabel(c.labels[labelId]!);
      prefix = prefixes[labelId] = `${layer}\t${service}\t${opaque ? frontend : ''}\t`;
    }
    const k = prefix + e[i + 1]!;
    const first = e[i + 2]!;
    const last = e[i + 3]!;
    const known = b.edges.get(k);
    if (known === undefined) b.edges.set(k, [first, last]);
    else {
      if (first < known[0]) known[0] = first;
      if (last > known[1]) known[1] = last;
    }
  }
}

/** Counts per label of one hour into the per (label, hour) map (`labelId * 1e7 + hour + 1`), and zeroed. */
function addLabelCounts(perLabelHour: Map<number, number>, counts: Float64Array, hour: number): void {
  for (let labelId = 0; labelId < counts.length; labelId++) {
    const n = counts[labelId]!;
    if (n === 0) continue;
    const k = labelId * 1e7 + hour + 1;
    perLabelHour.set(k, (perLabelHour.get(k) ?? 0) + n);
    counts[labelId] = 0;
  }
}
