/**
 * Line framing: content chunks in, frames out. A frame is either a block of whole lines for the
 * parsers, or one over-long line (too long to be a log line: its length and its first bytes are
 * kept, its bytes skipped). Every byte of content is in exactly one frame, in order, so offsets
 * and line numbers add up; a line never hides the lines after it, wherever chunks are cut.
 *
 * Two framers share the frame stream: `BlockFramer` gathers whole lines into blocks of about
 * `blockBytes` (the fast path), `LineFramer` gives each line a frame of its own (the plain
 * reference path that the fast one is checked against). JSON array documents have a framer of
 * their own (json-array.ts).
 */
import { chainHash, chainHasher } from './identity.js';

/** Whole lines (each ends in '\n', but for a counted last line), or one over-long line. */
export type Frame =
  | {
      kind: 'lines';
      bytes: Buffer;
      /** The bytes are the framer's own buffer (from `alloc`), which the caller may recycle once used. */
      owned: boolean;
    }
  | {
      kind: 'long';
      /** Bytes of the line, its newline included when it has one. */
      length: number;
      /** Its first bytes (at most `headBytes`), to tell a request line from noise. */
      head: Buffer;
      /** The hash of all its bytes (identity.ts `chainHash`), for the source's chain. */
      hash: Buffer;
    };

export interface FramerOptions {
  /** Whole lines gather into blocks of at most this many bytes (a longer line goes alone). */
  blockBytes: number;
  /** A line longer than this is an over-long line: counted, not parsed. */
  maxLineBytes: number;
  /** How much of an over-long line is kept. */
  headBytes: number;
  /** Memory for a block the framer fills (the caller's block buffers); a plain Buffer by default. */
  alloc?: (size: number) => Buffer;
}

export interface Framer {
  /** Frame the next chunk. Frames may reference `chunk` until the caller is done with them. */
  push(chunk: Buffer): Frame[];
  /**
   * The content ended. A last line without a newline becomes a frame when `countPartial`,
   * else it is left (`pending` says how many bytes) for the next run.
   */
  end(countPartial: boolean): Frame[];
  /** Bytes held that are in no frame yet: the start of a line still without its newline. */
  readonly pending: number;
}

/** The over-long line being skipped: its length so far, its first bytes and the hash of them all. */
class LongLine {
  length = 0;
  private readonly parts: Buffer[] = [];
  private kept = 0;
  private readonly hasher = chainHasher();

  constructor(private readonly headBytes: number) {}

  add(bytes: Buffer): void {
    this.length += bytes.length;
    this.hasher.update(bytes);
    if (this.kept < this.headBytes) {
      const part = Buffer.from(bytes.subarray(0, this.headBytes - this.kept));
      this.parts.push(part);
      this.kept += part.length;
    }
  }

  frame(): Frame {
    return { kind: 'long', length: this.length, head: Buffer.concat(this.parts), hash: this.hasher.digest() };
  }
}

/**
 * The start of a line not ended yet, copied out of the chunks (they are reused once framed).
 * Once it passes `maxLineBytes` it is an over-long line.
 */
class PartialLine {
  private parts: Buffer[] = [];
  length = 0;

  add(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.parts.push(Buffer.from(bytes));
    this.length += bytes.length;
  }

  take(): Buffer[] {
    const parts = this.parts;
    this.parts = [];
    this.length = 0;
    return parts;
  }
}

/** Whole lines gathered into blocks of at most `blockBytes`, copied into memory from `alloc`. */
class BlockGatherer {
  private buf: Buffer | null = null;
  private used = 0;

  constructor(
    private readonly blockBytes: number,
    private readonly alloc: (size: number) => Buffer,
  ) {}

  get size(): number {
    return this.used;
  }

  /** Whether `n` more bytes fit in the block being gathered. */
  fits(n: number): boolean {
    return this.used + n <= this.blockBytes;
  }

  add(pieces: readonly Buffer[]): void {
    for (const p of pieces) {
      if (this.buf === null) this.buf = this.alloc(this.blockBytes);
      this.used += p.copy(this.buf, this.used);
    }
  }

  /** The gathered block as a frame (nothing when empty). */
  flush(out: Frame[]): void {
    if (this.used === 0) return;
    out.push({ kind: 'lines', bytes: this.buf!.subarray(0, this.used), owned: true });
    this.buf = null;
    this.used = 0;
  }
}

/**
 * The fast path's framer: whole lines in blocks of about `blockBytes`. A chunk that is whole
 * lines and fits a block, with nothing gathered before it, is a frame as it is (content.ts
 * reads plain files so: the block buffer goes to a worker without a copy).
 */
export class BlockFramer implements Framer {
  private readonly partial = new PartialLine();
  private readonly gathered: BlockGatherer;
  private long: LongLine | null = null;

  constructor(private readonly o: FramerOptions) {
    this.gathered = new BlockGatherer(o.blockBytes, o.alloc ?? ((n) => Buffer.allocUnsafeSlow(n)));
  }

  get pending(): number {
    return this.long ? this.long.length : this.partial.length;
  }

  push(chunk: Buffer): Frame[] {
    const out: Frame[] = [];
    let rest = chunk;
    if (this.long || this.partial.length > 0) {
      const nl = rest.indexOf(10);
      if (nl < 0) {
        this.extendLine(rest, out);
        return out;
      }
      this.extendLine(rest.subarray(0, nl + 1), out);
      this.endLine(out);
      rest = rest.subarray(nl + 1);
    }
    if (rest.length === 0) return out;
    const last = rest.lastIndexOf(10);
    if (last === rest.length - 1 && rest.length <= this.o.blockBytes && rest === chunk) {
      // What was gathered goes as a smaller block: otherwise every chunk after it would be
      // copied in (bench/: from the first read on, ~0.35 CPU-s of the 1.1 GB nova log).
      this.gathered.flush(out);
      out.push({ kind: 'lines', bytes: chunk, owned: false });
      return out;
    }
    if (last >= 0) this.wholeLines(rest.subarray(0, last + 1), out);
    this.extendLine(rest.subarray(last + 1), out);
    return out;
  }

  end(countPartial: boolean): Frame[] {
    const out: Frame[] = [];
    if (countPartial && this.pending > 0) this.endLine(out);
    this.gathered.flush(out);
    return out;
  }

  /** Whole lines (`bytes` ends in '\n') into blocks; a line too long for a block or a line at all goes alone. */
  private wholeLines(bytes: Buffer, out: Frame[]): void {
    let start = 0;
    while (start < bytes.length) {
      if (this.gathered.fits(bytes.length - start)) {
        this.gathered.add([bytes.subarray(start)]);
        return;
      }
      const room = this.o.blockBytes - this.gathered.size;
      const cut = room > 0 ? bytes.lastIndexOf(10, start + room - 1) : -1;
      if (cut >= start) {
        this.gathered.add([bytes.subarray(start, cut + 1)]);
        this.gathered.flush(out);
        start = cut + 1;
        continue;
      }
      if (this.gathered.size > 0) {
        this.gathered.flush(out);
        continue;
      }
      // One line longer than a block: alone, or skipped when longer than a line may be.
      const nl = bytes.indexOf(10, start);
      this.oneLine([bytes.subarray(start, nl + 1)], nl + 1 - start, out);
      start = nl + 1;
    }
  }

  /** More of the line not ended yet; past `maxLineBytes` it becomes an over-long line. */
  private extendLine(bytes: Buffer, out: Frame[]): void {
    if (bytes.length === 0) return;
    if (this.long) {
      this.long.add(bytes);
      return;
    }
    if (this.partial.length + bytes.length <= this.o.maxLineBytes) {
      this.partial.add(bytes);
      return;
    }
    this.gathered.flush(out);
    this.long = new LongLine(this.o.headBytes);
    for (const p of this.partial.take()) this.long.add(p);
    this.long.add(bytes);
  }

  /** The line not ended yet is complete (its newline added, or the content ended). */
  private endLine(out: Frame[]): void {
    if (this.long) {
      this.gathered.flush(out);
      out.push(this.long.frame());
      this.long = null;
      return;
    }
    const length = this.partial.length;
    this.oneLine(this.partial.take(), length, out);
  }

  /** One line, in pieces: into the block being gathered, alone when it does not fit one, or over-long. */
  private oneLine(pieces: readonly Buffer[], length: number, out: Frame[]): void {
    if (length > this.o.maxLineBytes) {
      this.gathered.flush(out);
      const long = new LongLine(this.o.headBytes);
      for (const p of pieces) long.add(p);
      out.push(long.frame());
      return;
    }
    if (!this.gathered.fits(length)) this.gathered.flush(out);
    if (length <= this.o.blockBytes) {
      this.gathered.add(pieces);
      return;
    }
    out.push({ kind: 'lines', bytes: Buffer.concat(pieces as Buffer[], length), owned: false });
  }
}

/**
 * The reference path's framer: every line a frame of its own, cut by the plainest loop there
 * is. The same over-long rule as BlockFramer (a rule of the content, not of the reading).
 */
export class LineFramer implements Framer {
  private carry: Buffer = Buffer.alloc(0);

  constructor(private readonly o: Pick<FramerOptions, 'maxLineBytes' | 'headBytes'>) {}

  get pending(): number {
    return this.carry.length;
  }

  push(chunk: Buffer): Frame[] {
    const out: Frame[] = [];
    const data = Buffer.concat([this.carry, chunk]);
    let start = 0;
    for (let nl = data.indexOf(10); nl >= 0; nl = data.indexOf(10, start)) {
      out.push(this.frame(data.subarray(start, nl + 1)));
      start = nl + 1;
    }
    this.carry = Buffer.from(data.subarray(start));
    return out;
  }

  end(countPartial: boolean): Frame[] {
    if (!countPartial || this.carry.length === 0) return [];
    const last = this.frame(this.carry);
    this.carry = Buffer.alloc(0);
    return [last];
  }

  private frame(line: Buffer): Frame {
    if (line.length > this.o.maxLineBytes) {
      const head = Buffer.from(line.subarray(0, this.o.headBytes));
      return { kind: 'long', length: line.length, head, hash: chainHash(line) };
    }
    return { kind: 'lines', bytes: Buffer.from(line), owned: false };
  }
}
