/**
 * Source identity: which known source a file's content is, proven byte for byte.
 *
 * A source is found by the hash of its first bytes (its head), then proven by its chain: the
 * hash of every frame of content it was read in, with the offset each ends at. Content is "the
 * same as far as it goes" only when it hashes to every link of a source's chain up to where it
 * stops; a file that shares a head and differs anywhere later is another source, read in full
 * (request keys keep the requests both hold from counting twice). A chain link is ~1 MiB, the
 * size of a block, so a chain costs ~24 bytes of store per MiB of log.
 */
import { createHash, type Hash } from 'node:crypto';
import type { ChainLink } from '../store/sources.js';

export type { ChainLink } from '../store/sources.js';

/** Bytes of the head: what finds candidate sources. */
export const HEAD_BYTES = 4096;

/** The head's hash (hex): sources are looked up by it. */
export const headHash = (b: Buffer): string => createHash('sha256').update(b).digest('hex').slice(0, 32);

/** The hash of one chain link's bytes: 16 bytes of SHA-256. */
export const chainHash = (b: Buffer): Buffer => createHash('sha256').update(b).digest().subarray(0, 16);

/** A chain hash made piece by piece (an over-long line's bytes arrive over many chunks). */
export function chainHasher(): { update(b: Buffer): void; digest(): Buffer } {
  const h = createHash('sha256');
  return { update: (b) => void h.update(b), digest: () => h.digest().subarray(0, 16) };
}

/** A known source as identity needs it: how far it was read and the chain proving those bytes. */
export interface KnownSource {
  id: number;
  offset: number;
  /** Links in order; the last ends at `offset`. Empty for a source read before chains were kept. */
  chain: readonly ChainLink[];
}

export type ProofOutcome<S extends KnownSource> =
  /** The content equals `source`'s through its offset: read on from there. */
  | { kind: 'continues'; source: S }
  /** The content ended, equal to `source`'s first bytes up to one of its link ends: nothing new. */
  | { kind: 'prefix'; source: S }
  /** Proven equal to no known source as far as it goes: a new source, read from its first byte. */
  | { kind: 'new' };

interface Candidate<S extends KnownSource> {
  source: S;
  /** The link being checked; `chain.length` once proven through the offset. */
  link: number;
  start: number;
  hasher: Hash | null;
  dead: boolean;
}

/**
 * Proves, while a content is read from its first byte, which known sources it equals. Feed it
 * the content in order until `settled`; `outcome` then says what the content is.
 */
export class ChainProof<S extends KnownSource> {
  private readonly candidates: Candidate<S>[];
  private pos = 0;

  constructor(sources: readonly S[]) {
    // A source with no chain but bytes read cannot be proven (read before chains were kept).
    this.candidates = sources.map((source) => ({
      source,
      link: 0,
      start: 0,
      hasher: null,
      dead: source.chain.length === 0 && source.offset > 0,
    }));
  }

  /** Content bytes fed so far. */
  get position(): number {
    return this.pos;
  }

  /** A candidate the content has not contradicted yet (it may be proven by more content). */
  get unrefuted(): S | null {
    return this.candidates.find((c) => !c.dead)?.source ?? null;
  }

  /** Every candidate proven through its offset, or refuted: more content can change nothing. */
  get settled(): boolean {
    return this.candidates.every((c) => c.dead || c.link === c.source.chain.length);
  }

  /**
   * Feed the next bytes of content; returns how many were needed. Bytes past the offset of
   * every candidate still open are not taken: they are the content after the proof.
   */
  feed(bytes: Buffer): number {
    const open = this.candidates.filter((c) => !c.dead && c.link < c.source.chain.length);
    if (open.length === 0) return 0;
    const until = Math.max(...open.map((c) => c.source.offset));
    const take = Math.min(bytes.length, until - this.pos);
    for (const c of open) this.check(c, bytes.subarray(0, take));
    this.pos += take;
    return take;
  }

  outcome(ended: boolean): ProofOutcome<S> {
    const proven = this.candidates.filter((c) => !c.dead && c.link === c.source.chain.length);
    if (proven.length > 0) {
      const furthest = proven.reduce((a, b) => (b.source.offset > a.source.offset ? b : a));
      return { kind: 'continues', source: furthest.source };
    }
    if (ended) {
      // Ended exactly where a link of a source still matching ends: a proven prefix of it.
      const prefix = this.candidates.find((c) => !c.dead && c.start === this.pos && c.hasher === null);
      if (prefix) return { kind: 'prefix', source: prefix.source };
    }
    return { kind: 'new' };
  }

  /** Hash `bytes` (at this.pos) along `c`'s links, refuting it at the first link that differs. */
  private check(c: Candidate<S>, bytes: Buffer): void {
    let at = 0;
    while (at < bytes.length && !c.dead && c.link < c.source.chain.length) {
      const link = c.source.chain[c.link]!;
      const n = Math.min(bytes.length - at, link.end - (this.pos + at));
      c.hasher ??= createHash('sha256');
      c.hasher.update(bytes.subarray(at, at + n));
      at += n;
      if (this.pos + at < link.end) continue;
      const digest = c.hasher.digest().subarray(0, 16);
      c.hasher = null;
      if (!digest.equals(link.hash)) {
        c.dead = true;
        return;
      }
      c.start = link.end;
      c.link++;
    }
  }
}
