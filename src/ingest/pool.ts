/**
 * Worker threads that parse blocks of lines in parallel, so ingest keeps
 * every core busy: the main thread reads, decompresses (zlib runs on libuv's
 * own threads), writes SQLite and parses a block itself when every worker is
 * busy; the workers parse. Results come back as promises; the caller applies
 * them in file order.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { BlockBuffers } from './blocks.js';
import type { ChunkResult, ProcessorSpec } from './process.js';
import type { FromWorker, ToWorker } from './worker.js';

/**
 * The built worker script: beside this module in dist/, or dist/'s copy when running from
 * TypeScript sources (tests).
 */
function workerScript(): string | null {
  const here = new URL('./worker.js', import.meta.url);
  if (existsSync(here)) return fileURLToPath(here);
  const built = fileURLToPath(here).replace(/([/\\])src([/\\]ingest[/\\]worker\.js)$/, '$1dist$1src$2');
  return existsSync(built) ? built : null;
}

/**
 * Workers besides the main thread, which also parses when they are all busy: one core fewer
 * than there are (none on one core).
 */
export const defaultJobs = (): number => Math.max(0, Math.min(availableParallelism() - 1, 8));

interface Slot {
  worker: Worker;
  pending: number;
  /** How many of the block buffers this worker has been sent. */
  buffers: number;
}

export class ParsePool {
  private readonly slots: Slot[];
  private readonly waiting = new Map<
    number,
    { resolve: (r: ChunkResult) => void; reject: (e: Error) => void; slot: Slot; buffer: number }
  >();
  private nextId = 1;
  private failure: Error | null = null;

  private constructor(
    script: string,
    size: number,
    /** The block buffers files are read into, which workers read in place. */
    private readonly blocks: BlockBuffers | null,
  ) {
    this.slots = [];
    for (let i = 0; i < size; i++) {
      // Bounded heaps: each worker holds a block's text and its results, never more (bench/: peak
      // RSS; the 1.1 GB logs' worker kept ~13 MB of heap, and 16/2 MB instead of 24/4 took 3-5 MB
      // off the peak for the same CPU).
      const worker = new Worker(script, {
        resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 },
      });
      const slot: Slot = { worker, pending: 0, buffers: 0 };
      worker.on('message', (m: FromWorker) => this.settle(m));
      worker.on('error', (e) => this.fail(e));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a parse worker exited with code ${code}`));
      });
      this.slots.push(slot);
    }
  }

  /**
   * A pool of `size` workers (even one: its heap is bounded, the main thread's is not),
   * or null when workers are not available (size 0, no built worker script).
   */
  static create(size: number, blocks: BlockBuffers | null = null): ParsePool | null {
    if (size < 1) return null;
    const script = workerScript();
    return script ? new ParsePool(script, size, blocks) : null;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Whether every worker has `inFlight` blocks or more waiting. */
  saturated(inFlight: number): boolean {
    return this.slots.every((s) => s.pending >= inFlight);
  }

  /** Compile a file's processor in every worker; returns the spec id blocks refer to. */
  spec(spec: ProcessorSpec): number {
    const id = this.nextId++;
    for (const s of this.slots) s.worker.postMessage({ type: 'spec', id, spec } satisfies ToWorker);
    return id;
  }

  /**
   * Parse one block of whole lines. A block at the start of one of the block
   * buffers is read by the worker in place (the buffer is held until the
   * result is back); any other block is copied into memory moved to the worker.
   */
  parse(specId: number, block: Buffer): Promise<ChunkResult> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.slots.reduce((a, b) => (b.pending < a.pending ? b : a));
    const id = this.nextId++;
    const buffer = this.blocks ? this.blocks.indexOf(block) : -1;
    let message: ToWorker;
    const transfer: ArrayBuffer[] = [];
    if (buffer >= 0) {
      if (slot.buffers < this.blocks!.made) {
        const memories = this.blocks!.memories;
        slot.worker.postMessage({ type: 'buffers', memories } satisfies ToWorker);
        slot.buffers = memories.length;
      }
      this.blocks!.hold(buffer);
      message = { type: 'block', id, spec: specId, buffer, data: null, length: block.length };
    } else {
      const data = new ArrayBuffer(block.length);
      block.copy(Buffer.from(data));
      transfer.push(data);
      message = { type: 'block', id, spec: specId, buffer: -1, data, length: block.length };
    }
    slot.pending++;
    return new Promise<ChunkResult>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, slot, buffer });
      slot.worker.postMessage(message, transfer);
    });
  }

  private settle(m: FromWorker): void {
    const w = this.waiting.get(m.id);
    if (!w) return;
    this.waiting.delete(m.id);
    w.slot.pending--;
    if (w.buffer >= 0) this.blocks!.release(w.buffer);
    if (m.type === 'result') w.resolve(m.result);
    else w.reject(new Error(`parse worker failed: ${m.message}`));
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const w of this.waiting.values()) {
      if (w.buffer >= 0) this.blocks!.release(w.buffer);
      w.reject(e);
    }
    this.waiting.clear();
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
