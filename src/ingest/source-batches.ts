/**
 * A source's batches: parsed blocks applied in file order, their line numbers made absolute,
 * identical id-less requests numbered, and a commit every `batchBytes` of content that moves the
 * source's checkpoint (offset, lines, chain links, state) with the rows it covers.
 */
import type { ChunkResult, MalformedExample } from '../chunk-result.js';
import { OBS_NUM, OBS_NUMS } from '../observation-shape.js';
import type { BatchSource, ChainLink, IngestWriter, SourceState } from '../store/ingest-writes.js';
import { emptyCounts, type ReadCounts } from './file-result.js';
import { OccurrenceNumbering } from './process.js';

export interface SourceBatchesOptions {
  writer: IngestWriter;
  lockOwner: string;
  /** The source continued, or null for a new one (made on the first batch). */
  source: Omit<BatchSource, 'id'> & { id: number | null };
  /** Where the source's content was read to before this run. */
  offset: number;
  lines: number;
  batchBytes: number;
  numbering: OccurrenceNumbering;
}

export class SourceBatches {
  /** What this file's reading added. */
  readonly totals: ReadCounts = emptyCounts();
  /** The first few malformed lines (and a few more that name an API), for the summary. */
  readonly malformedExamples: MalformedExample[] = [];
  private sourceId: number | null;
  private offset: number;
  private lines: number;
  private batchBytes = 0;
  private batchLines = 0;
  private links: ChainLink[] = [];

  constructor(private readonly o: SourceBatchesOptions) {
    this.sourceId = o.source.id;
    this.offset = o.offset;
    this.lines = o.lines;
  }

  /** The source written to (null until the first batch of a new one). */
  get id(): number | null {
    return this.sourceId;
  }

  /** Content offset applied so far (committed or in the open batch). */
  get position(): number {
    return this.offset + this.batchBytes;
  }

  /** Lines applied so far. */
  get lineCount(): number {
    return this.lines + this.batchLines;
  }

  /**
   * Apply the next block's result: `bytes` of content it covers and the link proving them (null
   * when links are added apart, see `advance`). Lines in `r` are numbered from 1.
   */
  apply(r: ChunkResult, bytes: number, hash: Buffer | null): void {
    renumberLines(r, this.lineCount);
    this.o.numbering.apply(r);
    this.open();
    this.o.writer.addChunk(r);
    if (hash !== null) this.links.push({ end: this.position + bytes, hash });
    this.batchBytes += bytes;
    this.batchLines += r.lines;
    addTotals(this.totals, r, bytes);
    for (const m of r.malformedExamples)
      if (this.malformedExamples.length < (m.api === null ? 5 : 10)) this.malformedExamples.push(m);
    if (this.batchBytes >= this.o.batchBytes) this.commit('reading');
  }

  /** Content whose results were applied without bytes (a JSON array document): its bytes and links. */
  advance(bytes: number, links: readonly ChainLink[]): void {
    this.open();
    this.links.push(...links.map((l) => ({ end: this.position + l.end, hash: l.hash })));
    this.batchBytes += bytes;
    this.totals.bytes += bytes;
  }

  /**
   * Commit the open batch (or, to change the source's state, an empty one) with its checkpoint.
   * Nothing happens for a source that was never written and has nothing to write.
   */
  commit(state: SourceState, problem: string | null = null): void {
    const { writer } = this.o;
    if (!writer.inBatch && this.sourceId === null && this.batchBytes === 0) return;
    this.open();
    const offset = this.position;
    const lines = this.lineCount;
    const numbering = this.o.numbering.state();
    const cp = { offset, lines, links: this.links, state, problem, numbering };
    const { sourceId, outcome } = writer.commit(cp, this.o.lockOwner);
    this.sourceId = sourceId;
    this.totals.newRequests += outcome.newRequests;
    this.totals.observations += outcome.newObservations;
    this.offset = offset;
    this.lines = lines;
    this.batchBytes = 0;
    this.batchLines = 0;
    this.links = [];
  }

  private open(): void {
    if (this.o.writer.inBatch) return;
    this.sourceId = this.o.writer.begin({ ...this.o.source, id: this.sourceId });
  }
}

/** A block's line numbers (from 1) made absolute: observations, effects and malformed examples. */
function renumberLines(r: ChunkResult, base: number): void {
  if (base === 0) return;
  const nums = r.observations.nums;
  for (let at = OBS_NUM.line; at < nums.length; at += OBS_NUMS) nums[at]! += base;
  for (const e of r.effects) e.line += base;
  for (const m of r.malformedExamples) m.line += base;
}

function addTotals(t: ReadCounts, r: ChunkResult, bytes: number): void {
  t.bytes += bytes;
  t.lines += r.lines;
  t.requests += r.requests;
  t.undated += r.undated;
  t.opaque += r.opaque;
  t.malformed += r.malformed;
  t.skipped += r.skipped;
}
