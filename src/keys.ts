/**
 * Request identity for "exactly once": a 52-bit key per request, from its
 * request id when the line has one, else from its normalised line. 52 bits fit
 * a double exactly, so keys live in Float64Arrays and SQLite INTEGERs without
 * BigInt. Two different requests collide with probability n²/2⁵³ per hour
 * bucket (about 1e-4 for a million requests in one hour).
 */

/**
 * hash52's two 32-bit FNV-1a states start from HASH52_A and HASH52_B, mix each character c
 * (a = imul(a ^ c, FNV_PRIME); b = imul(b ^ c, FNV_PRIME) ^ (b >>> 15)) and fold with
 * hash52Fold. Exported for code that hashes bytes as it reads them (the nova scanner,
 * parsers/nova-access-scan.ts, keys a request while it scans the line).
 */
export const HASH52_A = 0x811c9dc5;
export const HASH52_B = 0x050c5d1f;
export const FNV_PRIME = 0x01000193;

/** The key of the two 32-bit states: 52 bits, never 0. */
export function hash52Fold(a: number, b: number): number {
  const key = (a >>> 0) * 0x100000 + ((b >>> 0) & 0xfffff);
  return key === 0 ? 1 : key;
}

/** Two 32-bit FNV-1a passes with different offsets, folded into 52 bits; never 0. */
export function hash52(s: string): number {
  let a = HASH52_A;
  let b = HASH52_B;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, FNV_PRIME);
    b = Math.imul(b ^ c, FNV_PRIME) ^ (b >>> 15);
  }
  return hash52Fold(a, b);
}

/**
 * A 52-bit fingerprint of a list of values (strings, numbers, null), without
 * building a string: numbers are mixed as numbers, strings char by char, and
 * a separator between values keeps ("ab", "c") apart from ("a", "bc"). This
 * keys a request without a request id (bench/: building and hashing the joined
 * text was ~15 % of HAProxy parse time).
 */
export function hash52Values(values: readonly (string | number | null)[]): number {
  let a = HASH52_A;
  let b = HASH52_B;
  for (let v = 0; v < values.length; v++) {
    const x = values[v]!;
    if (typeof x === 'string') {
      for (let i = 0; i < x.length; i++) {
        const c = x.charCodeAt(i);
        a = Math.imul(a ^ c, FNV_PRIME);
        b = Math.imul(b ^ c, FNV_PRIME) ^ (b >>> 15);
      }
    } else if (x !== null) {
      // Two 32-bit halves of the number (integers and fractions alike).
      const lo = x | 0;
      const hi = Math.floor(x / 4294967296) | 0;
      const frac = Math.round((x - Math.floor(x)) * 1e6);
      a = Math.imul(a ^ lo ^ (frac << 7), FNV_PRIME);
      b = Math.imul(b ^ hi ^ frac, FNV_PRIME) ^ (b >>> 15);
    }
    // Separator (and the mark of a null): 0x1f never appears in a log field.
    a = Math.imul(a ^ (x === null ? 0x1e : 0x1f), FNV_PRIME);
    b = Math.imul(b ^ (x === null ? 0x1e : 0x1f), FNV_PRIME) ^ (b >>> 15);
  }
  return hash52Fold(a, b);
}

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
