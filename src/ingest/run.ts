/**
 * `apicensus ingest`: files → content → whole lines → ChunkResults → store.
 *
 * Identity of a file is its content: the hash of its first 4 KiB, and the
 * offset (with a hash of the 4 KiB before it) read so far. The same content
 * under another name, compressed or not, resumes where the first reading
 * stopped, so it adds nothing; a file that grew adds only its new lines.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { Readable } from 'node:stream';
import split2 from 'split2';
import streamChain from 'stream-chain';
import { parser as jsonParser } from 'stream-json';
import { streamArray } from 'stream-json/streamers/stream-array.js';
import { ExitCode, UserError } from '../errors.js';
import { loadPacks, type RulePack } from '../rules.js';
import { getMeta, openDb, setMeta, type Db } from '../store/db.js';
import { callsPerApi } from '../store/queries.js';
import {
  acquireIngestLock,
  IngestWriter,
  releaseIngestLock,
  type NewSource,
  type SourceRow,
} from '../store/ingest-writes.js';
import { machineZone, validateZone } from '../timezone.js';
import { journalExportAware } from '../sources/journal/export-content.js';
import { BlockBuffers } from './blocks.js';
import { openContent } from './content.js';
import { detectFormat } from './detect.js';
import { expandInputs } from './inputs.js';
import { ParsePool, defaultJobs } from './pool.js';
import { OBS_NUM, OBS_NUMS } from '../observation-shape.js';
import {
  compileProcessor,
  OccurrenceNumbering,
  resolveFormat,
  type ChunkResult,
  type MalformedExample,
  type ProcessorSpec,
} from './process.js';

export interface IngestOptions {
  db: string;
  inputs: string[];
  /** Force a format instead of detecting it. */
  format?: string;
  /** Zone of front-end timestamps without an offset (default: the machine's). */
  timezone?: string;
  /** Zone of nova's oslo.log text timestamps (default UTC). */
  novaTimezone?: string;
  frontends?: string[];
  /** Extra rule pack files. */
  rules?: string[];
  joinWindowSeconds?: number;
  /** Year for timestamps that carry none (default: the file's modification year). */
  year?: number;
  /**
   * A last line without a newline: 'auto' counts it when the file is
   * compressed, stdin, or unmodified for a minute, and otherwise leaves it for
   * the next run (it is still being written); 'count' and 'leave' force.
   */
  partialLastLine?: 'auto' | 'count' | 'leave';
  /** Wait this long for another ingest's lock, seconds. */
  waitSeconds?: number;
  /** Commit a batch (rows + checkpoint) every this many bytes. */
  batchBytes?: number;
  /** Parse in this many worker threads (default: the cores available; 0 parses on the main thread). */
  jobs?: number;
  /**
   * The plain reference path the fast one is checked against (test/fast-path.test.ts):
   * split2 cuts lines, each is parsed on its own on the main thread, every line goes
   * through every parser. New sources only.
   */
  reference?: boolean;
  stdin?: Readable;
  onProgress?: (p: { path: string; bytes: number; seconds: number }) => void;
  onNotice?: (message: string) => void;
}

export type FileStatus = 'ingested' | 'resumed' | 'unchanged' | 'empty' | 'skipped' | 'incomplete' | 'failed';

export interface FileResult {
  path: string;
  status: FileStatus;
  format: string | null;
  sourceId: number | null;
  compressed: boolean;
  /** Content bytes read this run (after decompression, excluding what was skipped as already read). */
  bytes: number;
  lines: number;
  requests: number;
  newRequests: number;
  observations: number;
  opaque: number;
  malformed: number;
  malformedExamples: MalformedExample[];
  notes: string[];
  error?: string;
}

export interface IngestSummary {
  files: FileResult[];
  seconds: number;
  bytes: number;
  lines: number;
  requests: number;
  newRequests: number;
  observations: number;
  malformed: number;
  /** Calls of interest now in the store, per api. */
  callsByApi: Record<string, number>;
  exitCode: number;
}

const HEAD_BYTES = 4096;
const PREBUFFER_BYTES = 1 << 20;
/**
 * A batch commits every this many bytes of log. Each commit writes every page the batch
 * touched (an index touched all over, as the request-key index was before migration 009, is
 * written whole): bench/, 1.1 GB nova log, commits 0.9 s at 8 MiB, 0.5 s at 32 MiB. Chunks
 * are applied as they come, so this costs no memory.
 */
const DEFAULT_BATCH_BYTES = 32 << 20;
const PARTIAL_LINE_QUIET_MS = 60_000;
/**
 * By default, inputs smaller than this in all are parsed on the main thread alone: a worker's
 * start-up and the optimising of its code cost more than it saves (bench/: nova-api log on 2
 * cores, 137 MB 1.34 s alone vs 1.42 s with a worker, 330 MB 2.40 vs 2.2 s, 600 MB 3.47 vs 2.9 s).
 */
const DEFAULT_WORKERS_ABOVE_BYTES = 192 << 20;
/** Lines go to a worker in blocks of this size: large enough that messaging costs nothing, small enough to bound memory (bench/). */
const BLOCK_BYTES = 1 << 20;
/** Blocks in flight per worker: keeps every worker busy while one result is applied. */
const IN_FLIGHT_PER_WORKER = 2;
/** Blocks this thread parses ahead of a worker's result that is not back yet (their results wait, in order). */
const PARSED_AHEAD = 4;
/** How often a running ingest refreshes its lock's heartbeat (a holder silent for 10 minutes is taken over). */
const HEARTBEAT_MS = 60_000;
/** An open batch waits this long for more input before it is committed (ms). */
const BATCH_WAIT_MS = 1000;
/** A "line" longer than this is not a log line; it is counted malformed and skipped. */
const MAX_LINE_BYTES = 1 << 20;

/** stream-chain's typings cannot follow a generator into the JSON parser; the pipeline yields array items. */
const chain = streamChain as unknown as (stages: unknown[]) => AsyncIterable<{ key: number; value: unknown }>;

export const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex').slice(0, 32);

/** What `p` gives, or undefined when it has not settled within `ms`. */
async function settledWithin<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The last `HEAD_BYTES` of `tail` followed by `next`, copied so big chunks are not retained. */
function keepTail(tail: Buffer, next: Buffer): Buffer {
  if (next.length >= HEAD_BYTES) return Buffer.from(next.subarray(next.length - HEAD_BYTES));
  const both = Buffer.concat([tail, next]);
  return both.length > HEAD_BYTES ? Buffer.from(both.subarray(both.length - HEAD_BYTES)) : both;
}

/**
 * Packs for this database: bundled ones, user packs an earlier ingest was
 * given (kept in meta so report classifies the same way), and --rules now.
 * Later ones replace earlier ones of the same api name.
 */
export function packsFor(db: Db, ruleFiles: readonly string[], remember = true): RulePack[] {
  const byApi = new Map(loadPacks().map((p) => [p.api, p]));
  const stored = db.prepare("SELECT value FROM meta WHERE key LIKE 'pack:%' ORDER BY key").all() as { value: string }[];
  for (const s of stored) {
    const p = JSON.parse(s.value) as RulePack;
    byApi.set(p.api, p);
  }
  for (const p of loadPacks(ruleFiles).filter((p) => p.file !== undefined && ruleFiles.includes(p.file))) {
    byApi.set(p.api, p);
    if (remember) setMeta(db, `pack:${p.api}`, JSON.stringify(p));
  }
  return [...byApi.values()];
}

export async function ingest(opts: IngestOptions): Promise<IngestSummary> {
  const started = process.hrtime.bigint();
  const timezone = validateZone(opts.timezone ?? machineZone());
  const novaTimezone = validateZone(opts.novaTimezone ?? 'UTC');
  if (opts.format) resolveFormatOrThrow(opts.format);
  const { files, missing } = expandInputs(opts.inputs);
  const jobs = opts.jobs ?? defaultJobs();
  // Workers when asked for, or by default when the inputs are large enough to repay their start-up
  // (stdin, of unknown size, gets them once it proves longer than the first read).
  const large =
    files.reduce((n, f) => n + contentEstimate(f.path), 0) >
    (opts.jobs !== undefined ? 2 * PREBUFFER_BYTES : DEFAULT_WORKERS_ABOVE_BYTES);
  const useWorkers = !opts.reference && (large || files.some((f) => f.path === '-'));
  // Enough buffers for the blocks in flight, the one being handed on, the one read ahead and the one after it.
  const blocks = new BlockBuffers(BLOCK_BYTES, jobs * IN_FLIGHT_PER_WORKER + 3);
  let pool: ParsePool | null | undefined;
  const getPool = (): ParsePool | null =>
    !useWorkers ? null : pool === undefined ? (pool = ParsePool.create(jobs, blocks)) : pool;
  const db = openDb(opts.db);
  const owner = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const results: FileResult[] = missing.map((m) => failed(m.path, `cannot read ${m.path}: ${m.reason}`));
  try {
    // Workers start now, while packs load and the lock is taken (bench/: their start-up, ~0.1 s,
    // otherwise comes after the first read).
    if (useWorkers && large) getPool();
    const packs = packsFor(db, opts.rules ?? []);
    const windowMs = Math.round((opts.joinWindowSeconds ?? 5) * 1000);
    const storedWindow = getMeta(db, 'join_window_ms');
    if (storedWindow !== null && Number(storedWindow) !== windowMs && opts.joinWindowSeconds !== undefined) {
      opts.onNotice?.(
        `join window changed from ${Number(storedWindow) / 1000} s to ${windowMs / 1000} s; calls ingested earlier keep their joins until relinked`,
      );
    }
    setMeta(db, 'join_window_ms', String(windowMs));
    setMeta(db, 'timezone', timezone);
    setMeta(db, 'nova_timezone', novaTimezone);
    await acquireIngestLock(db, owner, (opts.waitSeconds ?? 600) * 1000, (l) =>
      opts.onNotice?.(`waiting for another ingest (pid ${l.pid} on ${l.host}, started ${l.started_at}) to finish…`),
    );
    const writer = new IngestWriter(db, {
      windowMs,
      actionOrder: new Map(packs.map((p) => [p.api, p.actions.map((a) => a.name)])),
      effectApis: new Set(packs.filter((p) => p.effects.length > 0).map((p) => p.api)),
    });
    // Batches write the heartbeat too; this covers slow reads between them (a lost lock shows at the next batch).
    const beat = setInterval(() => {
      try {
        writer.heartbeat(owner);
      } catch {
        // busy: the next beat or batch writes it
      }
    }, HEARTBEAT_MS);
    beat.unref();
    try {
      for (const f of files) {
        try {
          results.push(
            await ingestFile(f.path, f.fromDirectory, {
              opts,
              writer,
              owner,
              packs,
              timezone,
              novaTimezone,
              ignoreKnown: false,
              pool: getPool,
              blocks,
            }),
          );
        } catch (e) {
          // A batch left open by the failure holds nothing committed: roll it back.
          if (writer.inBatch) writer.abort();
          if (e instanceof UserError && /ingest lock/.test(e.message)) throw e;
          results.push(failed(f.path, `${f.path}: ${(e as Error).message}`));
        }
      }
    } finally {
      clearInterval(beat);
      releaseIngestLock(db, owner);
    }
    const callsByApi = callsPerApi(db);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const sum = (k: 'bytes' | 'lines' | 'requests' | 'newRequests' | 'observations' | 'malformed'): number =>
      results.reduce((a, r) => a + r[k], 0);
    return {
      files: results,
      seconds,
      bytes: sum('bytes'),
      lines: sum('lines'),
      requests: sum('requests'),
      newRequests: sum('newRequests'),
      observations: sum('observations'),
      malformed: sum('malformed'),
      callsByApi,
      exitCode: results.some((r) => r.status === 'failed') ? ExitCode.failed : ExitCode.ok,
    };
  } finally {
    if (pool) await pool.close();
    db.close();
  }
}

/** Bytes of a file (0 for stdin or what cannot be read: it fails later, with its message). */
function sizeOf(path: string): number {
  if (path === '-') return 0;
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** About how many bytes of log a file holds: a .gz file's content taken as six times its size (logs compress 5-10×). */
const contentEstimate = (path: string): number => sizeOf(path) * (path.endsWith('.gz') ? 6 : 1);

function resolveFormatOrThrow(name: string): void {
  try {
    resolveFormat(name);
  } catch {
    throw new UserError(`Unknown --format "${name}". Run \`apicensus formats\` to list them.`, ExitCode.usage);
  }
}

function failed(path: string, error: string): FileResult {
  return { ...emptyResult(path), status: 'failed', error };
}

function emptyResult(path: string): FileResult {
  return {
    path,
    status: 'ingested',
    format: null,
    sourceId: null,
    compressed: false,
    bytes: 0,
    lines: 0,
    requests: 0,
    newRequests: 0,
    observations: 0,
    opaque: 0,
    malformed: 0,
    malformedExamples: [],
    notes: [],
  };
}

interface FileContext {
  opts: IngestOptions;
  writer: IngestWriter;
  owner: string;
  packs: RulePack[];
  timezone: string;
  novaTimezone: string;
  /** Read as new content even if its first bytes match a known source (they matched a different file). */
  ignoreKnown: boolean;
  /** Parse workers, created on the first file big enough to need them. */
  pool: () => ParsePool | null;
  /** Buffers files are read into (the reference path reads as a stream). */
  blocks: BlockBuffers;
}

async function ingestFile(path: string, fromDirectory: boolean, fc: FileContext): Promise<FileResult> {
  const { opts, writer } = fc;
  const res = emptyResult(path);
  // A file exactly as it was when last read to its end (same device, inode, size and time)
  // holds nothing new: skip it without reading. Any difference and the content decides.
  // The state saved is this stat, taken before reading (not openContent's, taken after the
  // first read): a file that grows while it is read differs from it, so is read again.
  const st = path === '-' ? null : statSync(path);
  const known0 = st && !fc.ignoreKnown && !opts.reference ? writer.fileState(path) : undefined;
  if (
    st &&
    known0 &&
    known0.dev === st.dev &&
    known0.ino === st.ino &&
    known0.size === st.size &&
    known0.mtime_ms === st.mtimeMs
  ) {
    writer.touch(known0.source_id, path);
    return {
      ...res,
      status: 'unchanged',
      format: known0.format,
      sourceId: known0.source_id,
      notes: ['unchanged since it was last read to its end (same inode, size and time)'],
    };
  }
  const remember = (sourceId: number | null, format: string | null, complete: boolean): void => {
    if (st === null) return;
    writer.saveFileState(
      path,
      complete && sourceId !== null && format !== null
        ? { path, dev: st.dev, ino: st.ino, size: st.size, mtime_ms: st.mtimeMs, source_id: sourceId, format }
        : null,
    );
  };
  const opened = await openContent(path, opts.stdin, opts.reference ? undefined : fc.blocks);
  const info = opened.info;
  // journald's export format is read as the JSON lines journalctl -o json prints (issue 20).
  const chunks = await journalExportAware(opened.chunks, opts.reference ? undefined : fc.blocks);
  res.compressed = info.compressed;

  // Read the first bytes: identity (head hash) and detection sample.
  const pre: Buffer[] = [];
  let preLen = 0;
  let ended = false;
  while (preLen < PREBUFFER_BYTES) {
    const r = await chunks.next();
    if (r.done) {
      ended = true;
      break;
    }
    pre.push(r.value);
    preLen += r.value.length;
  }
  const preBuf = Buffer.concat(pre);
  for (const p of pre) fc.blocks.done(p);
  if (preBuf.length === 0) {
    res.status = info.truncated ? 'incomplete' : 'empty';
    if (info.truncated)
      res.notes.push('the gzip file ends before its first bytes (still being compressed?): will retry next run');
    return res;
  }
  const head = preBuf.subarray(0, HEAD_BYTES);
  const candidates = fc.ignoreKnown ? [] : writer.findByHead(head, sha);
  // Several sources share these first bytes (a file that differed later became a
  // source of its own): resume the one this content continues, proven by its tail.
  const known: SourceRow | undefined =
    candidates.length > 1 && path !== '-'
      ? await continuedSource(path, candidates)
      : candidates.sort((a, b) => b.offset - a.offset)[0];
  const headUpdate = known && known.head_len < head.length ? { hash: sha(head), len: head.length } : undefined;

  let format = opts.format ?? known?.format;
  // A JSON array document: '[' then a JSON value — not uWSGI's `[pid: …` nor a `[Fri Mar …]` date.
  const jsonArray = /^\s*\[\s*(?:[{["\]\d-]|true|false|null)/.test(
    preBuf.toString('latin1', 0, Math.min(preBuf.length, 256)),
  );
  if (!format) {
    const sample = jsonArray ? await sampleArrayLines(preBuf) : preBuf.toString('utf8').split('\n');
    if (!ended && !jsonArray) sample.pop(); // the last line of the sample may be cut
    const year = opts.year ?? new Date(info.mtimeMs ?? Date.now()).getUTCFullYear();
    const d = detectFormat(sample, year);
    if (!d.ok) {
      res.status = fromDirectory ? 'skipped' : 'failed';
      res.error = `${path}: cannot tell the log format: ${d.message}`;
      if (fromDirectory) res.notes.push(`skipped: ${d.message}`);
      return res;
    }
    format = d.format;
  }
  res.format = format;
  res.sourceId = known?.id ?? null;
  const year = opts.year ?? new Date(info.mtimeMs ?? Date.now()).getUTCFullYear();
  const spec: ProcessorSpec = {
    format,
    defaultYear: year,
    timezone: fc.timezone,
    novaTimezone: fc.novaTimezone,
    frontends: opts.frontends ?? [],
    filePath: path === '-' ? null : path,
    packs: fc.packs,
  };
  const processor = compileProcessor(opts.reference ? { ...spec, plain: true } : spec);
  // Workers only pay off past the first read: a small file parses inline.
  const pool = ended || jsonArray || opts.reference ? null : fc.pool();
  const specId = pool ? pool.spec(spec) : -1;
  const numbering = new OccurrenceNumbering();

  const newSource = { headHash: sha(head), headLen: head.length, format, path, compressed: info.compressed };
  let sourceId: number | null = known?.id ?? null;
  let committedOffset = known?.offset ?? 0;
  let committedLines = known?.lines ?? 0;
  let batchBytes = 0;
  let batchLines = 0;
  let tail: Buffer = Buffer.alloc(0);
  const limit = opts.batchBytes ?? DEFAULT_BATCH_BYTES;
  const t0 = Date.now();
  let lastProgress = t0;

  const source = (): { id: number | null; create: NewSource; path: string; head?: { hash: string; len: number } } => ({
    id: sourceId,
    create: newSource,
    path,
    ...(headUpdate && sourceId === known?.id ? { head: headUpdate } : {}),
  });
  const commit = (): void => {
    if (!writer.inBatch && batchBytes === 0) return;
    if (!writer.inBatch) sourceId = writer.begin(source());
    const offset = committedOffset + batchBytes;
    const lines = committedLines + batchLines;
    const { sourceId: id, outcome } = writer.commit({ offset, lines, tailHash: sha(tail) }, fc.owner);
    sourceId = id;
    res.sourceId = id;
    res.newRequests += outcome.newRequests;
    res.observations += outcome.newObservations;
    committedOffset = offset;
    committedLines = lines;
    batchBytes = 0;
    batchLines = 0;
  };

  /** Apply one block's result in file order: absolute line numbers, occurrence numbers, batch. */
  const apply = (r: ChunkResult, bytes: number, blockTail: Buffer): void => {
    const base = committedLines + batchLines;
    if (base > 0) {
      const nums = r.observations.nums;
      for (let at = OBS_NUM.line; at < nums.length; at += OBS_NUMS) nums[at]! += base;
      for (const e of r.effects) e.line += base;
      for (const m of r.malformedExamples) m.line += base;
    }
    numbering.apply(r);
    if (!writer.inBatch) {
      sourceId = writer.begin(source());
      res.sourceId = sourceId;
    }
    writer.addChunk(r);
    batchBytes += bytes;
    batchLines += r.lines;
    res.bytes += bytes;
    res.lines += r.lines;
    res.requests += r.requests;
    res.opaque += r.opaque;
    res.malformed += r.malformed;
    for (const m of r.malformedExamples) if (res.malformedExamples.length < 5) res.malformedExamples.push(m);
    tail = keepTail(tail, blockTail);
    if (batchBytes >= limit) commit();
    const now = Date.now();
    if (opts.onProgress && now - lastProgress > 1000) {
      lastProgress = now;
      opts.onProgress({ path, bytes: res.bytes, seconds: (now - t0) / 1000 });
    }
  };

  /** Blocks submitted and not applied yet, in file order. */
  const queue: {
    result: ChunkResult | Promise<ChunkResult>;
    ready: boolean;
    bytes: number;
    tail: Buffer;
    longLine: boolean;
  }[] = [];
  const enqueue = (
    result: ChunkResult | Promise<ChunkResult>,
    bytes: number,
    tail: Buffer,
    longLine: boolean,
  ): void => {
    const q = { result, ready: !(result instanceof Promise), bytes, tail, longLine };
    if (result instanceof Promise)
      result.then(
        () => (q.ready = true),
        () => (q.ready = true),
      );
    queue.push(q);
  };
  /** Apply the results that are ready, in order, and wait for more while more than `keep` are queued. */
  const drain = async (keep: number): Promise<void> => {
    while (queue.length > keep || (queue.length > 0 && queue[0]!.ready)) {
      const q = queue.shift()!;
      const r = await q.result;
      if (q.longLine)
        res.notes.push(
          `a line longer than ${MAX_LINE_BYTES} bytes at line ${committedLines + batchLines + 1} was skipped`,
        );
      apply(r, q.bytes, q.tail);
    }
  };
  const submit = async (block: Buffer): Promise<void> => {
    const blockTail = Buffer.from(block.subarray(Math.max(0, block.length - HEAD_BYTES)));
    const bytes = block.length; // before the pool moves the block's memory to a worker
    if (pool) {
      // Every worker busy: this thread parses the block rather than wait for a result
      // (bench/: 1.1 GB nova log, one worker and this thread 3.7 s and 160 MB, two workers
      // and this thread only applying 3.9 s and 200 MB; this thread parsed ~30 % of the blocks).
      const inline = pool.saturated(IN_FLIGHT_PER_WORKER);
      enqueue(inline ? processor(block, 1) : pool.parse(specId, block), bytes, blockTail, false);
      // A worker's result not back yet: read and parse more here before waiting for it.
      await drain(pool.size * IN_FLIGHT_PER_WORKER + PARSED_AHEAD);
    } else {
      enqueue(processor(block, 1), bytes, blockTail, false);
      await drain(0);
    }
  };
  /** A line too long to be a log line: counted as read and malformed, its bytes skipped. */
  const skipLongLine = (bytes: number): void => {
    enqueue({ ...processor('', 1), lines: 1, malformed: 1 }, bytes, Buffer.alloc(0), true);
  };

  // Whole lines gather into blocks of BLOCK_BYTES (at most a batch) before they are parsed.
  const blockLimit = Math.min(BLOCK_BYTES, limit);
  let gathered: Buffer[] = [];
  let gatheredBytes = 0;
  const flushGathered = async (): Promise<void> => {
    if (gatheredBytes === 0) return;
    // One copy into a block buffer (a worker reads it in place), or into memory a worker is moved.
    const buffer = gatheredBytes <= fc.blocks.size ? fc.blocks.take() : Buffer.allocUnsafeSlow(gatheredBytes);
    const block = buffer.subarray(0, gatheredBytes);
    let at = 0;
    for (const g of gathered) at += g.copy(block, at);
    gathered = [];
    gatheredBytes = 0;
    try {
      await submit(block);
    } finally {
      fc.blocks.done(buffer);
    }
  };
  /** Whole lines, in blocks of about `blockLimit` bytes even when one read brings more. */
  const processLines = async (block: Buffer): Promise<void> => {
    // A block buffer holding whole lines goes to a worker as it is (content.ts reads so),
    // after what was gathered before it.
    if (block.length <= blockLimit && fc.blocks.indexOf(block) >= 0) {
      await flushGathered();
      await submit(block);
      return;
    }
    let start = 0;
    while (gatheredBytes + block.length - start > blockLimit) {
      const cut = block.lastIndexOf(10, start + blockLimit - gatheredBytes - 1);
      if (cut < start) {
        if (gatheredBytes > 0) {
          await flushGathered();
          continue;
        }
        break; // one line longer than a block: it goes whole
      }
      gathered.push(block.subarray(start, cut + 1));
      gatheredBytes += cut + 1 - start;
      start = cut + 1;
      await flushGathered();
    }
    if (start < block.length) {
      // Kept past this chunk: a block buffer's bytes are read over once the chunk is done.
      const piece = start === 0 ? block : block.subarray(start);
      gathered.push(piece.buffer instanceof SharedArrayBuffer ? Buffer.from(piece) : piece);
      gatheredBytes += block.length - start;
    }
  };

  async function* all(): AsyncGenerator<Buffer> {
    if (preBuf.length > 0) yield preBuf;
    if (ended) return;
    // Read ahead: the next read runs while this chunk is parsed and applied (bench/: the
    // 1.1 GB nova log waited ~1 s for reads, each started only after the last was applied).
    let next: Promise<IteratorResult<Buffer>> | null = chunks.next();
    try {
      for (;;) {
        // Input that stops coming (stdin, a pipe) must not keep the batch's write transaction open.
        let r = writer.inBatch ? await settledWithin(next, BATCH_WAIT_MS) : await next;
        if (r === undefined) {
          commit();
          r = await next;
        }
        if (r.done) {
          next = null;
          return;
        }
        next = chunks.next();
        yield r.value;
      }
    } finally {
      // Stopped early: the chunk read ahead is nobody's (its block buffer goes back), and
      // the reader closes its file (what `yield*` did).
      if (next !== null) {
        const r = await next.catch(() => null);
        if (r && !r.done) fc.blocks.done(r.value);
      }
      await chunks.return(undefined);
    }
  }

  if (jsonArray) {
    if (known && committedOffset > 0) {
      res.status = 'unchanged';
      writer.touch(known.id, path, headUpdate);
      remember(known.id, format, true);
      return res;
    }
    // A JSON array document is read whole: each element becomes one JSON line.
    let n = 0;
    let lines: string[] = [];
    let total = 0;
    const countBytes = async function* (): AsyncGenerator<Buffer> {
      for await (const b of all()) {
        total += b.length;
        tail = keepTail(tail, b);
        yield b;
      }
    };
    const flush = (): void => {
      if (lines.length === 0) return;
      const text = lines.join('\n');
      lines = [];
      apply(processor(text, 1), 0, Buffer.alloc(0));
    };
    const pipeline = chain([Readable.from(countBytes()), jsonParser(), streamArray()]);
    try {
      for await (const item of pipeline) {
        n = item.key + 1;
        lines.push(JSON.stringify(item.value));
        if (lines.length >= 10_000) flush();
      }
    } catch (e) {
      throw new UserError(`${path}: not a valid JSON array document after element ${n}: ${(e as Error).message}`);
    }
    flush();
    res.bytes = total;
    batchBytes = total; // the whole document: it is read again whole, never resumed
    commit();
    res.status = 'ingested';
    remember(res.sourceId, format, true);
    return res;
  }

  if (opts.reference) {
    if (committedOffset > 0) throw new Error('the reference path reads new sources only');
    for await (const line of Readable.from(all()).pipe(split2())) await submit(Buffer.from(`${line as string}\n`));
    await drain(0);
    commit();
    res.status = 'ingested';
    return res;
  }

  // Skip what was read before, proving on the way that it is the same content.
  let pos = 0;
  const resumeAt = committedOffset;
  let skipTail: Buffer = Buffer.alloc(0);
  let verified = resumeAt === 0;
  let carry: Buffer = Buffer.alloc(0);
  let skippingLongLine = false;
  let partialLeft = false;
  for await (const chunk of all()) {
    // A block buffer goes back to the reader when its lines are handed on (a worker holds it on its own).
    try {
      let b = chunk;
      if (!verified) {
        if (pos + b.length < resumeAt) {
          skipTail = keepTail(skipTail, b);
          pos += b.length;
          continue;
        }
        const cut = resumeAt - pos;
        skipTail = keepTail(skipTail, b.subarray(0, cut));
        pos = resumeAt;
        b = b.subarray(cut);
        verified = true;
        if (known && sha(skipTail) !== known.tail_hash) {
          // Same first bytes, different content further on: a different file.
          if (path === '-') {
            res.notes.push(
              'stdin shares its first bytes with an earlier source but differs later; reading on from the same offset',
            );
          } else {
            const again = await ingestFile(path, fromDirectory, {
              ...fc,
              ignoreKnown: true,
              opts: { ...opts, format },
            });
            again.notes.unshift(
              `shares its first 4 KiB with source #${known.id} but differs later: read as a new source`,
            );
            return again;
          }
        }
        tail = skipTail;
        // Replay the whole lines just before the offset (results dropped) so identical
        // lines of the same second go on being numbered as in one uninterrupted read.
        const from = resumeAt <= skipTail.length ? 0 : skipTail.indexOf(10) + 1;
        if (from > 0 || resumeAt <= skipTail.length) numbering.apply(processor(skipTail.subarray(from), 1));
      }
      pos += b.length;
      // Whole lines go to the processor; the rest waits for the next chunk.
      const nl = b.lastIndexOf(10);
      if (nl < 0) {
        if (skippingLongLine) continue;
        carry = carry.length === 0 ? Buffer.from(b) : Buffer.concat([carry, b]);
        if (carry.length > MAX_LINE_BYTES) {
          await flushGathered();
          skipLongLine(carry.length);
          skippingLongLine = true;
          carry = Buffer.alloc(0);
        }
        continue;
      }
      if (skippingLongLine) {
        // Drop the rest of the over-long line (its bytes count toward the offset).
        await flushGathered();
        enqueue(
          { ...processor('', 1), lines: 0 },
          nl + 1,
          Buffer.from(b.subarray(Math.max(0, nl + 1 - HEAD_BYTES), nl + 1)),
          false,
        );
        skippingLongLine = false;
        b = b.subarray(nl + 1);
        const rest = b.lastIndexOf(10);
        if (rest < 0) {
          carry = Buffer.from(b);
          continue;
        }
        await processLines(b.subarray(0, rest + 1));
        carry = Buffer.from(b.subarray(rest + 1));
        continue;
      }
      const block = carry.length === 0 ? b.subarray(0, nl + 1) : Buffer.concat([carry, b.subarray(0, nl + 1)]);
      await processLines(block);
      carry = Buffer.from(b.subarray(nl + 1));
    } finally {
      fc.blocks.done(chunk);
    }
  }

  if (!verified) {
    // The content ends before what was already read: it is a prefix of a known source.
    // A gzip cut short (still being compressed) is incomplete even so: its rest may hold new lines.
    res.status = info.truncated ? 'incomplete' : 'unchanged';
    if (info.truncated)
      res.notes.push(
        'the gzip stream ends early (still being compressed?) before the part not read yet: will retry next run',
      );
    if (known) writer.touch(known.id, path, headUpdate);
    remember(known?.id ?? null, format, !info.truncated);
    return res;
  }
  if (info.truncated) {
    res.status = 'incomplete';
    res.notes.push(
      'the gzip stream ends early (still being compressed?): read up to the cut, the rest will be read next run',
    );
  } else if (carry.length > 0 && !skippingLongLine) {
    const mode = opts.partialLastLine ?? 'auto';
    const settled =
      info.compressed || path === '-' || (info.mtimeMs !== null && Date.now() - info.mtimeMs > PARTIAL_LINE_QUIET_MS);
    if (mode === 'count' || (mode === 'auto' && settled)) await processLines(carry);
    else {
      res.notes.push(`the last line has no newline yet (${carry.length} bytes): left for the next run`);
      partialLeft = true;
    }
  }
  await flushGathered();
  await drain(0);
  commit();
  if (res.status !== 'incomplete') res.status = res.bytes === 0 ? 'unchanged' : resumeAt > 0 ? 'resumed' : 'ingested';
  if (res.status === 'unchanged' && known) writer.touch(known.id, path, headUpdate);
  remember(res.sourceId, format, res.status !== 'incomplete' && !partialLeft);
  return res;
}

/**
 * Of several sources with the same first bytes, the one this content
 * continues: the furthest whose tail hash matches the content at its offset;
 * else one the content ends before (it is a prefix of it: nothing new); else
 * none (a new source). Reads the content once more; only forks get here.
 */
async function continuedSource(path: string, candidates: readonly SourceRow[]): Promise<SourceRow | undefined> {
  const byOffset = [...candidates].sort((a, b) => a.offset - b.offset);
  const chunks = await journalExportAware((await openContent(path)).chunks);
  let pos = 0;
  let tail: Buffer = Buffer.alloc(0);
  let next = 0;
  let proven: SourceRow | undefined;
  for await (const b of chunks) {
    for (; next < byOffset.length && byOffset[next]!.offset <= pos + b.length; next++) {
      const c = byOffset[next]!;
      if (sha(keepTail(tail, b.subarray(0, c.offset - pos))) === c.tail_hash) proven = c;
    }
    tail = keepTail(tail, b);
    pos += b.length;
  }
  if (proven) return proven;
  const furthest = byOffset[byOffset.length - 1]!;
  return furthest.offset > pos ? furthest : undefined;
}

/** The first elements of a JSON array document as JSON lines, for detection. */
async function sampleArrayLines(pre: Buffer): Promise<string[]> {
  const lines: string[] = [];
  const pipeline = chain([Readable.from([pre]), jsonParser(), streamArray()]);
  try {
    for await (const item of pipeline) {
      lines.push(JSON.stringify(item.value));
      if (lines.length >= 200) break;
    }
  } catch {
    // The sample is cut in the middle of an element: what was read is enough.
  }
  return lines;
}
