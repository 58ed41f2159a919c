/**
 * `apicensus ingest FILE…`: inputs → files → (read-file.ts: content → identity → framing →
 * dispatch → batches) → store, inside one ingest session (session.ts: the database, its lock,
 * the rule packs). This module holds what the files of one ingest share: the workers and block
 * buffers, the loop over inputs, a stop when asked, and the summary.
 */
import { statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { ExitCode, UserError } from '../errors.js';
import { callsPerApi } from '../store/queries.js';
import { BlockBuffers } from './blocks.js';
import { IN_FLIGHT_PER_WORKER } from './dispatch.js';
import { emptyCounts, emptyFileResult, failedFile, type FileResult, type ReadCounts } from './file-result.js';
import { expandInputs } from './inputs.js';
import { ParsePool, defaultJobs } from './pool.js';
import { resolveFormat } from './process.js';
import { BLOCK_BYTES, ingestFile, type FileContext } from './read-file.js';
import { withIngestSession, type Session } from './session.js';

export type { FileResult, FileStatus } from './file-result.js';

export interface IngestOptions {
  db: string;
  inputs: string[];
  /** Force a format instead of detecting it. */
  format?: string;
  /** Zone of front-end timestamps without an offset (default: the machine's). */
  timezone?: string;
  /** Zone of nova's oslo.log text timestamps (default: the machine's, as for every source; see CLOCK_RULE). */
  novaTimezone?: string;
  frontends?: string[];
  /** Extra rule pack files. */
  rules?: string[];
  joinWindowSeconds?: number;
  /** Year for timestamps that carry none (default: the file's modification year). */
  year?: number;
  /**
   * A last line without a newline: 'auto' counts it when the file is compressed, stdin, or
   * unmodified for a minute, and otherwise leaves it for the next run (it is still being
   * written); 'count' and 'leave' force.
   */
  partialLastLine?: 'auto' | 'count' | 'leave';
  /** Wait this long for another ingest's lock, seconds. */
  waitSeconds?: number;
  /** Commit a batch (rows + checkpoint) every this many bytes. */
  batchBytes?: number;
  /**
   * Parse in this many worker threads (default: one fewer than the cores, for large inputs; 0 parses on this thread).
   */
  jobs?: number;
  /**
   * The plain reference path the fast one is checked against (test/fast-path.test.ts,
   * test/fuzz.test.ts): every line a frame of its own, parsed on this thread through every
   * parser, every file read as a new source.
   */
  reference?: boolean;
  stdin?: Readable;
  /** Stop when this is aborted (SIGINT, SIGTERM): what was read is committed, the file is marked interrupted. */
  signal?: AbortSignal;
  /** At most once a second per file: content bytes read this run and, when known, how many it reads in all. */
  onProgress?: (p: { path: string; bytes: number; total: number | null; seconds: number }) => void;
  onNotice?: (message: string) => void;
}

export interface IngestSummary extends ReadCounts {
  files: FileResult[];
  /** Directory entries that are not files to read (dangling links), with the reason. */
  passedOver: { path: string; reason: string }[];
  seconds: number;
  /** Calls of interest now in the store, per api. */
  callsByApi: Record<string, number>;
  /** Set when a stop was asked for (the signal's reason, e.g. 'SIGINT'). */
  interrupted: string | null;
  exitCode: number;
}

/**
 * A batch commits every this many bytes of log. Each commit writes every page the batch
 * touched (bench/, 1.1 GB nova log: commits 0.9 s at 8 MiB, 0.5 s at 32 MiB). Chunks are
 * applied as they come, so this costs no memory.
 */
const DEFAULT_BATCH_BYTES = 32 << 20;
/**
 * By default, inputs smaller than this in all are parsed on this thread alone: a worker's
 * start-up and the optimising of its code cost more than it saves (bench/: nova-api log on 2
 * cores, 137 MB 1.34 s alone vs 1.42 s with a worker, 330 MB 2.40 vs 2.2 s, 600 MB 3.47 vs 2.9 s).
 */
const DEFAULT_WORKERS_ABOVE_BYTES = 192 << 20;
/** stdin is read with workers once it proves longer than the first read. */
const PREBUFFER_BYTES = 1 << 20;

export async function ingest(opts: IngestOptions): Promise<IngestSummary> {
  const started = process.hrtime.bigint();
  if (opts.format) resolveFormatOrThrow(opts.format);
  const { files, missing, passedOver } = expandInputs(opts.inputs);
  const jobs = opts.jobs ?? defaultJobs();
  const workers = workersFor(files, opts);
  // Enough buffers for the blocks in flight, the one being handed on, the one read ahead and the one after it.
  const blocks = new BlockBuffers(BLOCK_BYTES, jobs * IN_FLIGHT_PER_WORKER + 3);
  let pool: ParsePool | null | undefined;
  const getPool = (): ParsePool | null =>
    workers === 'none' ? null : pool === undefined ? (pool = ParsePool.create(jobs, blocks)) : pool;
  const results: FileResult[] = missing.map((m) => failedFile(m.path, `cannot read ${m.path}: ${m.reason}`));
  try {
    return await withIngestSession(
      opts,
      async (s) => {
        const fc = fileContext(s, opts, getPool, blocks);
        for (const f of files) results.push(await readOne(f.path, f.fromDirectory, fc));
        return summarise(results, passedOver, callsPerApi(s.db), started, opts.signal);
      },
      // Workers start while packs load and the lock is taken (bench/: their start-up, ~0.1 s,
      // otherwise comes after the first read).
      () => void (workers === 'now' && getPool()),
    );
  } finally {
    if (pool) await pool.close();
  }
}

function fileContext(s: Session, opts: IngestOptions, pool: () => ParsePool | null, blocks: BlockBuffers): FileContext {
  return {
    writer: s.writer,
    lockOwner: s.owner,
    packs: s.packs,
    timezone: s.timezone,
    novaTimezone: s.novaTimezone,
    format: opts.format,
    frontends: s.frontends,
    year: opts.year,
    partialLastLine: opts.partialLastLine ?? 'auto',
    batchBytes: opts.batchBytes ?? DEFAULT_BATCH_BYTES,
    reference: opts.reference ?? false,
    stdin: opts.stdin,
    pool,
    blocks,
    signal: opts.signal,
    onProgress: opts.onProgress,
  };
}

/** One file; a failure is that file's (its open batch rolled back), unless the store itself cannot be written. */
async function readOne(path: string, fromDirectory: boolean, fc: FileContext): Promise<FileResult> {
  if (fc.signal?.aborted)
    return { ...emptyFileResult(path), status: 'interrupted', notes: ['not read: stopped before it'] };
  try {
    return await ingestFile(path, fromDirectory, fc);
  } catch (e) {
    if (fc.writer.inBatch) fc.writer.abort();
    // The lock lost, the disk full, the database read-only: nothing more can be written.
    if (
      e instanceof UserError &&
      e.exitCode === ExitCode.failed &&
      /ingest lock|Cannot write the database/.test(e.message)
    )
      throw e;
    const reason = e instanceof UserError ? e.message : `${path}: ${(e as Error).message}`;
    if (path !== '-') fc.writer.sources.recordProblem(path, 'unreadable', reason);
    return failedFile(path, reason);
  }
}

function summarise(
  files: FileResult[],
  passedOver: { path: string; reason: string }[],
  callsByApi: Record<string, number>,
  started: bigint,
  signal: AbortSignal | undefined,
): IngestSummary {
  const counts = emptyCounts();
  for (const f of files) for (const k of Object.keys(counts) as (keyof ReadCounts)[]) counts[k] += f[k];
  const interrupted = signal?.aborted ? String(signal.reason ?? 'a stop') : null;
  const failed = files.some((r) => r.status === 'failed' || r.status === 'corrupt');
  return {
    files,
    passedOver,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
    ...counts,
    callsByApi,
    interrupted,
    exitCode: interrupted !== null ? interruptedExit(interrupted) : failed ? ExitCode.failed : ExitCode.ok,
  };
}

/** 128 + the signal's number, as a shell reports a process a signal stopped (130 for SIGINT, 143 for SIGTERM). */
const interruptedExit = (reason: string): number => (reason === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted);

/** Workers now (large inputs, or asked for), later (stdin: once it proves long), or none. */
function workersFor(files: readonly { path: string }[], opts: IngestOptions): 'now' | 'later' | 'none' {
  if (opts.reference) return 'none';
  const threshold = opts.jobs !== undefined ? 2 * PREBUFFER_BYTES : DEFAULT_WORKERS_ABOVE_BYTES;
  if (files.reduce((n, f) => n + contentEstimate(f.path), 0) > threshold) return 'now';
  return files.some((f) => f.path === '-') ? 'later' : 'none';
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
