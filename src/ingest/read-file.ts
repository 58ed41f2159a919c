/**
 * One input through the stages: open its content, read its head, decide its format, prove which
 * known source it is (identity.ts), then frame (framing.ts), dispatch (dispatch.ts) and apply in
 * batches (source-batches.ts) everything past what was read before. Decided once per file:
 * format, processor, framer, workers.
 */
import { statSync, type Stats } from 'node:fs';
import type { Readable } from 'node:stream';
import type { RulePack } from '../rules.js';
import type { IngestWriter, KnownSourceRow, SourceState } from '../store/ingest-writes.js';
import type { BlockBuffers } from './blocks.js';
import { detectFormat } from './detect.js';
import { BlockFramer, LineFramer, type Frame, type Framer } from './framing.js';
import { ChainProof, chainHash, HEAD_BYTES, headHash, type ProofOutcome } from './identity.js';
import { isJsonArray, jsonArrayFrames, sampleArrayLines } from './json-array.js';
import { Dispatcher } from './dispatch.js';
import type { ParsePool } from './pool.js';
import { compileProcessor, OccurrenceNumbering, overLongLine, type ProcessorSpec } from './process.js';
import { ContentReader } from './reader.js';
import { SourceBatches } from './source-batches.js';
import { emptyFileResult, type FileResult } from './file-result.js';

/** What every file of one ingest shares. */
export interface FileContext {
  writer: IngestWriter;
  lockOwner: string;
  packs: RulePack[];
  timezone: string;
  novaTimezone: string;
  format: string | undefined;
  frontends: string[];
  year: number | undefined;
  partialLastLine: 'auto' | 'count' | 'leave';
  batchBytes: number;
  /** The plain reference path: every line its own frame, parsed here, every file read as new. */
  reference: boolean;
  stdin: Readable | undefined;
  /** Parse workers, made when the first file big enough needs them. */
  pool: () => ParsePool | null;
  blocks: BlockBuffers;
  signal: AbortSignal | undefined;
  onProgress: ((p: { path: string; bytes: number; total: number | null; seconds: number }) => void) | undefined;
}

/** The first read: identity's head and detection's sample. */
const PREBUFFER_BYTES = 1 << 20;
/**
 * Lines gather into blocks of this size: large enough that
 * messaging costs nothing, small enough to bound memory (bench/).
 */
export const BLOCK_BYTES = 1 << 20;
/** A "line" longer than this is not a log line: counted and skipped (framing.ts). */
export const MAX_LINE_BYTES = 1 << 20;
/** How much of an over-long line is kept to tell what it was. */
const LONG_HEAD_BYTES = 64 << 10;
/** A last line without newline counts once its file has been quiet this long. */
const PARTIAL_LINE_QUIET_MS = 60_000;
/** A .gz that ends early or is damaged is still being written while modified within this time, else corrupt. */
export const GZ_GRACE_MS = 5 * 60_000;
/** An open batch waits this long for more input before it is committed (ms). */
const BATCH_WAIT_MS = 1000;

export async function ingestFile(path: string, fromDirectory: boolean, fc: FileContext): Promise<FileResult> {
  const st = path === '-' ? null : statSync(path);
  const same = unchangedSinceLastRead(path, st, fc);
  if (same) return same;
  const open = (): Promise<ContentReader> => ContentReader.open(path, fc.stdin, fc.reference ? undefined : fc.blocks);
  let reader = await open();
  try {
    const res = emptyFileResult(path);
    res.compressed = reader.info.compressed;
    const pre = await readPrebuffer(reader);
    if (pre.bytes.length === 0) return emptyContent(res, reader, path, fc);
    const head = pre.bytes.subarray(0, HEAD_BYTES);
    const candidates = path === '-' || fc.reference ? [] : fc.writer.sources.findByHead(head, headHash);
    const jsonArray = isJsonArray(pre.bytes);
    const format = await chooseFormat(pre, jsonArray, candidates, reader, fc);
    if (typeof format !== 'string') return { ...res, ...format(fromDirectory) };
    res.format = format;
    reader.unshift(pre.bytes);
    const plan = await proveIdentity(reader, candidates, jsonArray, fc.signal);
    if (plan.kind === 'new' && candidates.length > 0)
      res.notes.push(
        `shares its first 4 KiB with source #${candidates[0]!.id} but differs later: read as a new source`,
      );
    if (!isReadPlan(plan)) return settledByProof(res, plan, reader, st, fc);
    if (plan.reopen) {
      await reader.close();
      reader = await open();
      await skipTo(reader, plan.offset);
    }
    const file: OpenFile = { path, st, reader, res, format, head, jsonArray, short: pre.ended };
    return await readOn(file, plan, fc);
  } finally {
    await reader.close();
  }
}

/** A file exactly as it was when last read to its end (same device, inode, size and time) holds nothing new. */
function unchangedSinceLastRead(path: string, st: Stats | null, fc: FileContext): FileResult | null {
  if (st === null || fc.reference) return null;
  const known = fc.writer.sources.fileState(path);
  if (!known || known.dev !== st.dev || known.ino !== st.ino || known.size !== st.size || known.mtime_ms !== st.mtimeMs)
    return null;
  fc.writer.sources.touch(known.source_id, path);
  return {
    ...emptyFileResult(path),
    status: 'unchanged',
    format: known.format,
    sourceId: known.source_id,
    notes: ['unchanged since it was last read to its end (same inode, size and time)'],
  };
}

async function readPrebuffer(reader: ContentReader): Promise<{ bytes: Buffer; ended: boolean }> {
  const parts: Buffer[] = [];
  let length = 0;
  while (length < PREBUFFER_BYTES) {
    const chunk = await reader.next();
    if (chunk === null || chunk === undefined) return { bytes: Buffer.concat(parts), ended: true };
    parts.push(Buffer.from(chunk));
    length += chunk.length;
    reader.release(chunk);
  }
  return { bytes: Buffer.concat(parts), ended: false };
}

/** A content with no byte: an empty file, or a .gz cut or damaged before its first line. */
function emptyContent(res: FileResult, reader: ContentReader, path: string, fc: FileContext): FileResult {
  if (!reader.info.truncated && reader.info.damage === null) return { ...res, status: 'empty' };
  const cut = gzipCut(reader, 'nothing before it');
  if (cut.state === 'corrupt' && path !== '-') fc.writer.sources.recordProblem(path, 'corrupt', cut.note);
  return { ...res, status: cut.state, notes: [cut.note] };
}

/**
 * The format: forced, or detected from the first lines, as the content is now (a file that grew
 * may hold lines of a second format its first read did not: audit events appended to nova's
 * log). When the first lines cannot tell but every candidate source was read as one format,
 * that one. A function instead of a name when the format cannot be told.
 */
async function chooseFormat(
  pre: { bytes: Buffer; ended: boolean },
  jsonArray: boolean,
  candidates: readonly KnownSourceRow[],
  reader: ContentReader,
  fc: FileContext,
): Promise<string | ((fromDirectory: boolean) => Partial<FileResult>)> {
  if (fc.format) return fc.format;
  const sample = jsonArray ? await sampleArrayLines(pre.bytes) : pre.bytes.toString('utf8').split('\n');
  if (!pre.ended && !jsonArray) sample.pop(); // the last line of the sample may be cut
  const d = detectFormat(sample, fc.year ?? new Date(reader.info.mtimeMs ?? Date.now()).getUTCFullYear());
  if (d.ok) return d.format;
  const formats = new Set(candidates.map((c) => c.format));
  if (formats.size === 1) return [...formats][0]!;
  return (fromDirectory) =>
    fromDirectory
      ? { status: 'skipped', notes: [`skipped: ${d.message}`] }
      : { status: 'failed', error: `${reader.path}: cannot tell the log format: ${d.message}` };
}

/** Where reading goes on: a source continued at its offset, or a new one from the first byte. */
interface ReadPlan {
  kind: 'continue' | 'new';
  source: KnownSourceRow | null;
  offset: number;
  /** The reader went past `offset` proving it: open it again. */
  reopen: boolean;
}

type Plan =
  | ReadPlan
  | { kind: 'prefix'; source: KnownSourceRow }
  /** A .gz cut or damaged before the proof could end: nothing new can be read from it yet. */
  | { kind: 'cut'; source: KnownSourceRow }
  | { kind: 'interrupted' };

const isReadPlan = (p: Plan): p is ReadPlan => p.kind === 'new' || p.kind === 'continue';

/**
 * Read the content from its first byte against the candidates' chains until the proof is
 * settled. A JSON array document is read whole or not at all: one that grew is a new source.
 */
async function proveIdentity(
  reader: ContentReader,
  candidates: KnownSourceRow[],
  jsonArray: boolean,
  signal: AbortSignal | undefined,
): Promise<Plan> {
  if (candidates.length === 0) return { kind: 'new', source: null, offset: 0, reopen: false };
  const proof = new ChainProof(candidates);
  let ended = false;
  while (!proof.settled) {
    if (signal?.aborted) return { kind: 'interrupted' };
    const chunk = await reader.next();
    if (chunk === null || chunk === undefined) {
      ended = true;
      break;
    }
    const used = proof.feed(chunk);
    reader.unshift(Buffer.from(chunk.subarray(used)));
    reader.release(chunk);
  }
  const outcome: ProofOutcome<KnownSourceRow> = proof.outcome(ended);
  if (outcome.kind === 'prefix') return outcome;
  const unrefuted = proof.unrefuted;
  if (outcome.kind === 'new' && unrefuted && (reader.info.truncated || reader.info.damage !== null))
    return { kind: 'cut', source: unrefuted };
  if (outcome.kind === 'new' || (jsonArray && !(await endsAt(reader, proof.position, outcome.source.offset))))
    return { kind: 'new', source: null, offset: 0, reopen: proof.position > 0 };
  const offset = outcome.source.offset;
  return { kind: 'continue', source: outcome.source, offset, reopen: proof.position !== offset };
}

/** Whether the content, at `position`, ends exactly at `offset`. */
async function endsAt(reader: ContentReader, position: number, offset: number): Promise<boolean> {
  if (position !== offset) return false;
  const next = await reader.next();
  if (next === null || next === undefined) return true;
  reader.unshift(Buffer.from(next));
  reader.release(next);
  return false;
}

/** Read (and drop) the content up to `offset`: proven already, by the chain. */
async function skipTo(reader: ContentReader, offset: number): Promise<void> {
  for (let pos = 0; pos < offset;) {
    const chunk = await reader.next();
    if (chunk === null || chunk === undefined) throw new Error('the content changed while it was read');
    const used = Math.min(chunk.length, offset - pos);
    reader.unshift(Buffer.from(chunk.subarray(used)));
    reader.release(chunk);
    pos += used;
  }
}

/** The proof alone settled the file: a proven prefix of a known source, a .gz cut inside one, or a stop. */
function settledByProof(
  res: FileResult,
  plan: Exclude<Plan, ReadPlan>,
  reader: ContentReader,
  st: Stats | null,
  fc: FileContext,
): FileResult {
  if (plan.kind === 'interrupted') return { ...res, status: 'interrupted', notes: ['stopped before reading'] };
  const { path } = res;
  fc.writer.sources.touch(plan.source.id, path);
  if (plan.kind === 'prefix') {
    rememberFile(path, st, plan.source.id, res.format!, fc);
    const notes = [`its content is the first part of source #${plan.source.id}, already read`];
    return { ...res, status: 'unchanged', sourceId: plan.source.id, notes };
  }
  const cut = gzipCut(reader, `before the end of source #${plan.source.id}, which was read already`);
  if (cut.state === 'corrupt') fc.writer.sources.recordProblem(path, 'corrupt', cut.note);
  return { ...res, status: cut.state, sourceId: plan.source.id, notes: [cut.note] };
}

/** A .gz that ends early or is damaged: still being written while recently modified, else corrupt. */
function gzipCut(reader: ContentReader, readTo: string): { state: 'incomplete' | 'corrupt'; note: string } {
  const { info } = reader;
  const what = info.damage !== null ? `is damaged (${info.damage})` : 'ends early';
  if (info.mtimeMs !== null && Date.now() - info.mtimeMs < GZ_GRACE_MS) {
    const note =
      `the gzip stream ${what} (still being compressed?: it changed in the last ${GZ_GRACE_MS / 60_000} minutes); ` +
      `${readTo}; the rest will be read next run`;
    return { state: 'incomplete', note };
  }
  return { state: 'corrupt', note: `the gzip stream ${what} and the file no longer changes: it is corrupt; ${readTo}` };
}

/** Remember how a file looked once read to its end (null: forget it, it must be read again). */
function rememberFile(path: string, st: Stats | null, sourceId: number | null, format: string, fc: FileContext): void {
  if (st === null || fc.reference) return;
  const state =
    sourceId === null
      ? null
      : { path, dev: st.dev, ino: st.ino, size: st.size, mtime_ms: st.mtimeMs, source_id: sourceId, format };
  fc.writer.sources.saveFileState(path, state);
}

/** A file being read, as the reading stages need it. */
interface OpenFile {
  path: string;
  st: Stats | null;
  reader: ContentReader;
  res: FileResult;
  format: string;
  head: Buffer;
  jsonArray: boolean;
  /** The whole content came in the first read. */
  short: boolean;
}

/** Everything the read loop drives: the processor, the framer, the dispatcher and the batches. */
interface Stages {
  framer: Framer;
  dispatcher: Dispatcher<{ bytes: number; hash: Buffer | null }>;
  batches: SourceBatches;
  overLong: (head: Buffer, length: number, lineNo: number) => ReturnType<ReturnType<typeof overLongLine>>;
}

/** Read on from the plan's offset to the end of the content (or a stop), and settle the source's state. */
async function readOn(file: OpenFile, plan: ReadPlan, fc: FileContext): Promise<FileResult> {
  const { res } = file;
  const stages = compileStages(file, plan, fc);
  if (file.jsonArray) await readJsonArray(file, stages);
  // What this run reads in all, when known: the rest of a plain file.
  const total = file.st !== null && !file.reader.info.compressed ? file.st.size - plan.offset : null;
  const stop = file.jsonArray ? 'ended' : await readFrames(file, stages, fc, total);
  const end = stop === 'interrupted' ? endInterrupted(stages) : await endOfContent(file, stages, fc);
  await flushFrames(end.frames, stages, fc);
  await stages.dispatcher.drain();
  stages.batches.commit(end.state, end.problem);
  Object.assign(res, stages.batches.totals);
  res.malformedExamples = stages.batches.malformedExamples;
  res.sourceId = stages.batches.id;
  res.notes.push(...end.notes);
  res.status = fileStatus(end.state, res.bytes, plan);
  recordProblem(file.path, end, fc);
  const complete = end.state === 'complete' && !end.partialLeft;
  rememberFile(file.path, file.st, complete ? stages.batches.id : null, file.format, fc);
  return res;
}

function compileStages(file: OpenFile, plan: ReadPlan, fc: FileContext): Stages {
  const spec: ProcessorSpec = {
    format: file.format,
    defaultYear: fc.year ?? new Date(file.reader.info.mtimeMs ?? Date.now()).getUTCFullYear(),
    timezone: fc.timezone,
    novaTimezone: fc.novaTimezone,
    frontends: fc.frontends,
    filePath: file.path === '-' ? null : file.path,
    packs: fc.packs,
  };
  const processor = compileProcessor(fc.reference ? { ...spec, plain: true } : { ...spec, small: file.short });
  // Identical id-less requests of one second go on being numbered where the last read stopped.
  const numbering = OccurrenceNumbering.from(plan.source?.numbering ?? null);
  const headUpdate =
    plan.source && plan.source.head_len < file.head.length
      ? { hash: headHash(file.head), len: file.head.length }
      : undefined;
  const batches = new SourceBatches({
    writer: fc.writer,
    lockOwner: fc.lockOwner,
    source: {
      id: plan.source?.id ?? null,
      create: newSourceOf(file),
      path: file.path,
      ...(headUpdate ? { head: headUpdate } : {}),
      size: file.reader.info.compressed || file.st === null ? null : file.st.size,
    },
    offset: plan.offset,
    lines: plan.source?.lines ?? 0,
    batchBytes: fc.batchBytes,
    numbering,
  });
  // Workers only pay off past the first read: a small file parses here.
  const pool = file.short || file.jsonArray || fc.reference ? null : fc.pool();
  const dispatcher = new Dispatcher<{ bytes: number; hash: Buffer | null }>({
    pool,
    specId: pool ? pool.spec(spec) : -1,
    // A block's chain link is hashed by whoever parses it (worker.ts does the same).
    inline: (block, first) => {
      const r = processor(block, first);
      if (typeof block !== 'string') r.blockHash = chainHash(block);
      return r;
    },
    apply: (r, tag) => batches.apply(r, tag.bytes, tag.hash ?? (r.blockHash ? Buffer.from(r.blockHash) : null)),
  });
  const framerOptions = { blockBytes: Math.min(BLOCK_BYTES, fc.batchBytes), maxLineBytes: MAX_LINE_BYTES };
  const framer = fc.reference
    ? new LineFramer({ ...framerOptions, headBytes: LONG_HEAD_BYTES })
    : new BlockFramer({ ...framerOptions, headBytes: LONG_HEAD_BYTES, alloc: () => fc.blocks.take() });
  return { framer, dispatcher, batches, overLong: overLongLine(spec) };
}

function newSourceOf(file: OpenFile): {
  headHash: string;
  headLen: number;
  format: string;
  path: string;
  compressed: boolean;
} {
  const { head, format, path } = file;
  return { headHash: headHash(head), headLen: head.length, format, path, compressed: file.reader.info.compressed };
}

/** Frame and dispatch every chunk until the content ends or a stop is asked for. */
async function readFrames(
  file: OpenFile,
  stages: Stages,
  fc: FileContext,
  total: number | null,
): Promise<'ended' | 'interrupted'> {
  const { reader } = file;
  const progress = progressReporter(file.path, total, stages, fc);
  for (;;) {
    if (fc.signal?.aborted) return 'interrupted';
    const chunk = await reader.next(fc.writer.inBatch ? BATCH_WAIT_MS : undefined);
    if (chunk === null) return 'ended';
    if (chunk === undefined) {
      // Input that stops coming (stdin, a pipe) must not keep the batch's write transaction open.
      await stages.dispatcher.drain();
      stages.batches.commit('reading');
      continue;
    }
    try {
      await flushFrames(stages.framer.push(chunk), stages, fc);
    } finally {
      reader.release(chunk);
    }
    progress();
  }
}

/** Calls onProgress at most once a second. */
function progressReporter(path: string, total: number | null, stages: Stages, fc: FileContext): () => void {
  const { onProgress } = fc;
  if (!onProgress) return () => {};
  const t0 = Date.now();
  let last = t0;
  return () => {
    const now = Date.now();
    if (now - last < 1000) return;
    last = now;
    onProgress({ path, bytes: stages.batches.totals.bytes, total, seconds: (now - t0) / 1000 });
  };
}

async function flushFrames(frames: readonly Frame[], stages: Stages, fc: FileContext): Promise<void> {
  for (const f of frames) {
    if (f.kind === 'long') {
      await stages.dispatcher.submitResult(stages.overLong(f.head, f.length, 1), { bytes: f.length, hash: f.hash });
      continue;
    }
    // The hash comes with the result (the block is hashed where it is parsed).
    await stages.dispatcher.submit(f.bytes, { bytes: f.bytes.length, hash: null });
    if (f.owned) fc.blocks.done(f.bytes);
  }
}

/** A JSON array document, element by element; its bytes and links added once it is read whole. */
async function readJsonArray(file: OpenFile, stages: Stages): Promise<void> {
  const doc = jsonArrayFrames(file.reader, file.path);
  for await (const text of doc.frames) await stages.dispatcher.submit(text, { bytes: 0, hash: null });
  await stages.dispatcher.drain();
  stages.batches.advance(doc.bytes(), doc.links);
}

/** How reading a file ended: its state, what is left to frame, and what to say. */
interface Ending {
  state: SourceState;
  frames: Frame[];
  notes: string[];
  problem: string | null;
  partialLeft: boolean;
}

function endInterrupted(stages: Stages): Ending {
  // Whole lines gathered are read; a line not ended yet is left for the next run.
  const frames = stages.framer.end(false);
  return {
    state: 'interrupted',
    frames,
    notes: ['interrupted: what was read is kept'],
    problem: null,
    partialLeft: true,
  };
}

/** The content ended: a .gz cut or damaged, a last line without newline, or a clean end. */
async function endOfContent(file: OpenFile, stages: Stages, fc: FileContext): Promise<Ending> {
  const { info } = file.reader;
  if (info.truncated || info.damage !== null) {
    const frames = stages.framer.end(false);
    const lines = stages.batches.lineCount + countLines(frames);
    const cut = gzipCut(file.reader, `everything before it (${lines} lines) is counted`);
    const problem = cut.state === 'corrupt' ? cut.note : null;
    return { state: cut.state, frames, notes: [cut.note], problem, partialLeft: true };
  }
  const pending = stages.framer.pending;
  if (pending === 0 || file.jsonArray)
    return { state: 'complete', frames: stages.framer.end(false), notes: [], problem: null, partialLeft: false };
  const settled =
    info.compressed ||
    file.path === '-' ||
    (info.mtimeMs !== null && Date.now() - info.mtimeMs > PARTIAL_LINE_QUIET_MS);
  const count = fc.partialLastLine === 'count' || (fc.partialLastLine === 'auto' && settled);
  const notes = count ? [] : [`the last line has no newline yet (${pending} bytes): left for the next run`];
  return { state: 'complete', frames: stages.framer.end(count), notes, problem: null, partialLeft: !count };
}

/** Lines in frames about to be applied (for a message before they are). */
function countLines(frames: readonly Frame[]): number {
  let n = 0;
  for (const f of frames) {
    if (f.kind === 'long') n++;
    else for (let i = f.bytes.indexOf(10); i >= 0; i = f.bytes.indexOf(10, i + 1)) n++;
  }
  return n;
}

function fileStatus(state: SourceState, bytes: number, plan: ReadPlan): FileResult['status'] {
  if (state === 'incomplete' || state === 'corrupt' || state === 'interrupted') return state;
  if (bytes === 0) return 'unchanged';
  return plan.kind === 'continue' && plan.offset > 0 ? 'resumed' : 'ingested';
}

/** A corrupt input stays on the report's warnings until a later ingest reads it. */
function recordProblem(path: string, end: Ending, fc: FileContext): void {
  if (path === '-') return;
  if (end.state === 'corrupt') fc.writer.sources.recordProblem(path, 'corrupt', end.problem!);
  else if (end.state === 'complete') fc.writer.sources.clearProblem(path);
}
