/**
 * Writes ASCII log lines straight into a large Buffer and flushes it to a
 * file descriptor when full. The generators produce a gigabyte in seconds
 * because no per-line string is ever built: numbers, hex ids and timestamps
 * are written digit by digit, constant fragments are copied from Buffers.
 * Everything written must be ASCII (one byte per char).
 */
import { createHash, type Hash } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Prng } from './prng.js';
import { dayOf } from './timestamps.js';

const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** What a generator is asked for: the file to write, about how big, from which seed. */
export interface GenerateOptions {
  path: string;
  targetBytes: number;
  seed: string;
  /** Called about once a second with the bytes written so far. */
  onProgress?: (bytes: number) => void;
}

/** Longest line any generator writes, with margin: reserve() guarantees this much room. */
export const MAX_LINE_BYTES = 4096;

export class ChunkWriter {
  readonly buf: Buffer;
  pos = 0;
  private flushed = 0;
  private readonly fd: number;
  private readonly hash: Hash = createHash('sha256');

  constructor(path: string, chunkBytes = 8 << 20) {
    this.fd = openSync(path, 'w');
    this.buf = Buffer.allocUnsafe(chunkBytes);
  }

  /** Bytes written so far, flushed or not. */
  get size(): number {
    return this.flushed + this.pos;
  }

  /** Call at the start of each line: makes room for one whole line. */
  reserve(): void {
    if (this.pos + MAX_LINE_BYTES > this.buf.length) this.flush();
  }

  flush(): void {
    let off = 0;
    while (off < this.pos) off += writeSync(this.fd, this.buf, off, this.pos - off);
    this.hash.update(this.buf.subarray(0, this.pos));
    this.flushed += this.pos;
    this.pos = 0;
  }

  /** Flush, close, and return the sha256 of everything written. */
  close(): string {
    this.flush();
    closeSync(this.fd);
    return this.hash.digest('hex');
  }

  byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  /** Copy a constant fragment (prepared once with Buffer.from). */
  bytes(b: Uint8Array): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** An ASCII string; short ones by hand, since Buffer#write costs more than the copy. */
  str(s: string): void {
    const n = s.length;
    if (n > 32) {
      this.pos += this.buf.write(s, this.pos, 'latin1');
      return;
    }
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** A non-negative integer in decimal. */
  int(n: number): void {
    if (n < 10) {
      this.buf[this.pos++] = 48 + n;
      return;
    }
    let digits = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
    this.pad(n, digits);
  }

  /** A non-negative integer, zero-padded to `width` digits. */
  pad(n: number, width: number): void {
    const buf = this.buf;
    let x = n;
    for (let i = width - 1; i >= 0; i--) {
      buf[this.pos + i] = 48 + (x % 10);
      x = Math.floor(x / 10);
    }
    this.pos += width;
  }

  /** `units / 10^decimals` with exactly `decimals` decimals, e.g. (247783, 6) → 0.247783. */
  decimal(units: number, decimals: number): void {
    const scale = 10 ** decimals;
    this.int(Math.floor(units / scale));
    this.buf[this.pos++] = 46; // '.'
    this.pad(units % scale, decimals);
  }

  /** `digits` lowercase hex digits of an unsigned 32-bit value (low digits). */
  hex(u: number, digits: number): void {
    const buf = this.buf;
    let x = u >>> 0;
    for (let i = digits - 1; i >= 0; i--) {
      buf[this.pos + i] = HEX[x & 15]!;
      x >>>= 4;
    }
    this.pos += digits;
  }

  /** 32 random hex digits (a keystone user or project id). */
  hex32(rng: Prng): void {
    for (let i = 0; i < 4; i++) this.hex(rng.u32(), 8);
  }

  /** A random version-4 UUID: xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx. */
  uuid4(rng: Prng): void {
    this.uuidFrom(rng.u32(), rng.u32(), rng.u32(), rng.u32());
  }

  /** The version-4 UUID made of these 128 random bits (kept as numbers, so a request id can be written again). */
  uuidFrom(a: number, b: number, c: number, d: number): void {
    this.hex(a, 8);
    this.byte(45);
    this.hex(b >>> 16, 4);
    this.byte(45);
    this.hex(0x4000 | (b & 0x0fff), 4);
    this.byte(45);
    this.hex(0x8000 | ((c >>> 16) & 0x3fff), 4);
    this.byte(45);
    this.hex(c & 0xffff, 4);
    this.hex(d, 8);
  }

  /** The bytes of the current (unfinished) line from `start`, as text: for remembering ids. */
  textFrom(start: number): string {
    return this.buf.toString('latin1', start, this.pos);
  }
}

/**
 * Calls `onProgress` with the bytes written about once a second. Called once per generated
 * request; the clock is read only every 65,536 calls.
 */
export function progressTicker(w: ChunkWriter, onProgress: ((bytes: number) => void) | undefined): () => void {
  if (!onProgress) return () => {};
  let calls = 0;
  let last = Date.now();
  return () => {
    if ((++calls & 0xffff) !== 0 || Date.now() - last <= 1000) return;
    last = Date.now();
    onProgress(w.size);
  };
}

/** Closes a generated file and gives the facts every generator reports of it: size, hash, last time, days covered. */
export function closeGenerated(
  w: ChunkWriter,
  lastMs: number,
  firstDay: number,
): { bytes: number; sha256: string; lastTime: string; days: number } {
  const bytes = w.size;
  return { bytes, sha256: w.close(), lastTime: new Date(lastMs).toISOString(), days: dayOf(lastMs) - firstDay + 1 };
}

/** Writes a request path: generators pick endpoints whose path is fixed or ends in a random id. */
export type PathWriter = (w: ChunkWriter, rng: Prng) => void;

export const fixedPath =
  (p: string): PathWriter =>
  (w) =>
    w.str(p);

/** `prefix` + one of `ids` + `suffix`, e.g. `/servers/<uuid>/action`. */
export const pathWithId =
  (prefix: string, ids: readonly string[], suffix = ''): PathWriter =>
  (w, rng) => {
    w.str(prefix);
    w.str(rng.pick(ids));
    w.str(suffix);
  };
