/**
 * Block buffers: a few SharedArrayBuffers a file is read into and the parse
 * workers read from, made once per ingest and handed to each worker once, so
 * a block costs neither a copy nor an allocation. bench/ (1.1 GB nova log): a
 * fresh 1 MiB Buffer per read, copied once more into a block of whole lines and
 * moved to a worker, cost ~0.5 CPU-s of copying, and the 1 MiB of external
 * memory each moved buffer adds to an isolate made V8 mark and compact the
 * heap of the thread applying results every few blocks (~0.3 s per 330 MB).
 *
 * A buffer is busy while someone holds it: the reader from take() until it
 * calls done(), and a worker from hold() until its result is back (release()).
 */

interface Slot {
  memory: SharedArrayBuffer;
  view: Buffer;
  holds: number;
}

export class BlockBuffers {
  private readonly slots: Slot[] = [];

  constructor(
    readonly size: number,
    /** Buffers made at most; when all are busy, take() gives a plain Buffer (copied if it goes to a worker). */
    private readonly count: number,
  ) {}

  /** How many buffers have been made. */
  get made(): number {
    return this.slots.length;
  }

  /** Every buffer made so far (a worker is sent the ones it has not seen). */
  get memories(): readonly SharedArrayBuffer[] {
    return this.slots.map((s) => s.memory);
  }

  /** A free buffer of `size` bytes, held by the caller until done(). */
  take(): Buffer {
    let slot = this.slots.find((s) => s.holds === 0);
    if (!slot && this.slots.length < this.count) {
      const memory = new SharedArrayBuffer(this.size);
      slot = { memory, view: Buffer.from(memory), holds: 0 };
      this.slots.push(slot);
    }
    if (!slot) return Buffer.allocUnsafeSlow(this.size);
    slot.holds = 1;
    return slot.view;
  }

  /** The buffer `b` starts, or -1 when it is not the start of one of these buffers. */
  indexOf(b: Buffer): number {
    if (b.byteOffset !== 0) return -1;
    return this.slots.findIndex((s) => s.memory === b.buffer);
  }

  /** One more holder (a worker) of buffer `i`. */
  hold(i: number): void {
    this.slots[i]!.holds++;
  }

  release(i: number): void {
    const s = this.slots[i]!;
    if (s.holds > 0) s.holds--;
  }

  /** The reader is done with `b` (a view of one of these buffers, or anything else: then nothing happens). */
  done(b: Buffer): void {
    const i = this.indexOf(b);
    if (i >= 0) this.release(i);
  }
}
