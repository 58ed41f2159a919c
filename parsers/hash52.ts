/**
 * The 52-bit hash that keys a request (src/keys.ts says why 52 bits and what the keys are for).
 * It lives in parsers/ because the nova scanner (nova-access-scan.ts) hashes a request's fields
 * as it reads them, and parsers/ depends on nothing of src/; src/keys.ts re-exports it, so the
 * key stays defined once.
 */

/**
 * hash52's two 32-bit FNV-1a states start from HASH52_A and HASH52_B, mix each character c
 * (a = imul(a ^ c, FNV_PRIME); b = imul(b ^ c, FNV_PRIME) ^ (b >>> 15)) and fold with
 * hash52Fold. Exported for code that hashes bytes as it reads them (the nova scanner,
 * nova-access-scan.ts, keys a request while it scans the line).
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
