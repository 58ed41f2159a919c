/**
 * Dispatch: blocks of lines go to the parse workers or are parsed on this thread, and their
 * results come back to `apply` in the order the blocks were given, whoever parsed them.
 * Back-pressure: `submit` returns once few enough blocks are in flight that reading more is
 * worth it, so memory stays bounded by the blocks in flight, never by the file.
 */
import type { ChunkResult } from '../chunk-result.js';
import type { ChunkProcessor } from './process.js';

/** What dispatch needs of the worker pool (pool.ts's ParsePool). */
export interface ParseWorkers {
  readonly size: number;
  /** Whether every worker has `inFlight` blocks or more waiting. */
  saturated(inFlight: number): boolean;
  parse(specId: number, block: Buffer): Promise<ChunkResult>;
}

/** Blocks in flight per worker: keeps every worker busy while one result is applied. */
export const IN_FLIGHT_PER_WORKER = 2;
/** Blocks this thread parses ahead of a worker's result that is not back yet (their results wait, in order). */
const PARSED_AHEAD = 4;

interface Queued<T> {
  result: ChunkResult | Promise<ChunkResult>;
  ready: boolean;
  tag: T;
}

export interface DispatchOptions<T> {
  /** Workers, or null to parse every block on this thread. */
  pool: ParseWorkers | null;
  /** The file's processor in the workers (ParsePool.spec). */
  specId: number;
  /** The same processor on this thread. */
  inline: ChunkProcessor;
  /** Called with each block's result, in the order the blocks were submitted. */
  apply: (result: ChunkResult, tag: T) => void;
}

export class Dispatcher<T> {
  private readonly queue: Queued<T>[] = [];

  constructor(private readonly o: DispatchOptions<T>) {}

  /** Parse a block of whole lines (lines numbered from 1 within it); `tag` travels to `apply`. */
  async submit(block: Buffer | string, tag: T): Promise<void> {
    const { pool } = this.o;
    if (!pool || typeof block === 'string') {
      this.enqueue(this.o.inline(block, 1), tag);
      await this.applyReady(pool ? pool.size * IN_FLIGHT_PER_WORKER + PARSED_AHEAD : 0);
      return;
    }
    // Every worker busy: this thread parses the block rather than wait for a result (bench/:
    // 1.1 GB nova log, one worker and this thread 3.7 s and 160 MB, two workers and this thread
    // only applying 3.9 s and 200 MB; this thread parsed ~30 % of the blocks).
    const inline = pool.saturated(IN_FLIGHT_PER_WORKER);
    this.enqueue(inline ? this.o.inline(block, 1) : pool.parse(this.o.specId, block), tag);
    // A worker's result not back yet: read and parse more here before waiting for it.
    await this.applyReady(pool.size * IN_FLIGHT_PER_WORKER + PARSED_AHEAD);
  }

  /** A result made elsewhere (an over-long line's), applied in its place among the blocks'. */
  async submitResult(result: ChunkResult, tag: T): Promise<void> {
    this.enqueue(result, tag);
    await this.applyReady(this.o.pool ? this.o.pool.size * IN_FLIGHT_PER_WORKER + PARSED_AHEAD : 0);
  }

  /** Wait for every block submitted and apply its result. */
  async drain(): Promise<void> {
    await this.applyReady(0);
  }

  /** Blocks submitted and not applied yet. */
  get inFlight(): number {
    return this.queue.length;
  }

  private enqueue(result: ChunkResult | Promise<ChunkResult>, tag: T): void {
    const q: Queued<T> = { result, ready: !(result instanceof Promise), tag };
    if (result instanceof Promise)
      result.then(
        () => (q.ready = true),
        () => (q.ready = true),
      );
    this.queue.push(q);
  }

  /** Apply the results that are ready, in order, and wait for more while more than `keep` are queued. */
  private async applyReady(keep: number): Promise<void> {
    while (this.queue.length > keep || (this.queue.length > 0 && this.queue[0]!.ready)) {
      const q = this.queue[0]!;
      const r = await q.result;
      this.queue.shift();
      this.o.apply(r, q.tag);
    }
  }
}
