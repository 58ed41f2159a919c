/**
 * Request identity for "exactly once": a 52-bit key per request, from its
 * request id when the line has one, else from its normalised line. 52 bits fit
 * a double exactly, so keys live in Float64Arrays and SQLite INTEGERs without
 * BigInt. Two different requests collide with probability n²/2⁵³ per hour
 * bucket (about 1e-4 for a million requests in one hour).
 */

export { FNV_PRIME, HASH52_A, HASH52_B, hash52, hash52Fold, hash52Values } from '../parsers/hash52.js';

/**
 * A set of 52-bit keys: open addressing over a Float64Array (0 marks an empty
 * slot). About 16 bytes per key at the load factor kept here, against ~50 for
 * a JS Set of numbers.
 */
export class KeySet {
  private table: Float64Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let n = 1024;
    while (n < capacity * 2) n *= 2;
    this.table = new Float64Array(n);
    this.mask = n - 1;
  }

  private slot(key: number): number {
    // Low bits of a hash52 key are already well mixed; mix high bits in for safety.
    return ((key >>> 0) ^ Math.floor(key / 0x100000000)) & this.mask;
  }

  /** Adds a key; true when it was not there yet. */
  add(key: number): boolean {
    const t = this.table;
    let i = this.slot(key);
    for (;;) {
      const v = t[i]!;
      if (v === 0) break;
      if (v === key) return false;
      i = (i + 1) & this.mask;
    }
    t[i] = key;
    if (++this.size * 2 > t.length) this.grow();
    return true;
  }

  has(key: number): boolean {
    const t = this.table;
    let i = this.slot(key);
    for (;;) {
      const v = t[i]!;
      if (v === 0) return false;
      if (v === key) return true;
      i = (i + 1) & this.mask;
    }
  }

  addAll(keys: Float64Array): void {
    for (let i = 0; i < keys.length; i++) this.add(keys[i]!);
  }

  /** Approximate memory held, in bytes. */
  get bytes(): number {
    return this.table.byteLength;
  }

  private grow(): void {
    const old = this.table;
    this.table = new Float64Array(old.length * 2);
    this.mask = this.table.length - 1;
    this.size = 0;
    for (let i = 0; i < old.length; i++) if (old[i] !== 0) this.add(old[i]!);
  }
}

/** Keys as stored in a BLOB: little-endian doubles. */
export const keysToBlob = (keys: Float64Array): Buffer => Buffer.from(keys.buffer, keys.byteOffset, keys.byteLength);

export function blobToKeys(blob: Buffer): Float64Array {
  // Copy: a Buffer from SQLite may not be 8-byte aligned.
  const out = new Float64Array(blob.length / 8);
  Buffer.from(out.buffer).set(blob);
  return out;
}
