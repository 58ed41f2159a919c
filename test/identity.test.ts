/**
 * Source identity (src/ingest/identity.ts): content is a known source's only when it hashes to
 * every link of that source's chain as far as it goes; the outcome never depends on how the
 * content was cut into chunks.
 */
import { describe, expect, it } from 'vitest';
import { chainHash, ChainProof, type ChainLink, type KnownSource } from '../src/ingest/identity.js';

/** A source read as these frames of `content`: its chain, one link per frame. */
function sourceOf(id: number, content: Buffer, frameEnds: readonly number[]): KnownSource {
  const chain: ChainLink[] = [];
  let start = 0;
  for (const end of frameEnds) {
    chain.push({ end, hash: chainHash(content.subarray(start, end)) });
    start = end;
  }
  return { id, offset: start, chain };
}

/** Feed `content` in chunks of `size` until the proof settles; what it says, and the bytes it took. */
function prove(sources: KnownSource[], content: Buffer, size: number): { outcome: unknown; position: number } {
  const proof = new ChainProof(sources);
  let at = 0;
  while (!proof.settled && at < content.length) {
    const chunk = content.subarray(at, at + size);
    const used = proof.feed(chunk);
    at += used;
    if (used < chunk.length) break;
  }
  const ended = at >= content.length;
  const o = proof.outcome(ended);
  return { outcome: o.kind === 'new' ? 'new' : `${o.kind} #${o.source.id}`, position: proof.position };
}

const text = (n: number, seed = 1): Buffer => {
  const lines: string[] = [];
  for (let i = 0; i < n; i++)
    lines.push(`2024-05-02 09:00:${String(i % 60).padStart(2, '0')} line ${i * seed} of the log\n`);
  return Buffer.from(lines.join(''));
};

const SIZES = [1, 7, 64, 4096, 1 << 20];

describe('ChainProof', () => {
  const a = text(2000);
  const ends = [8000, 30000, 52000]; // frames as a source was read in
  const known = sourceOf(1, a, ends);

  for (const size of SIZES) {
    it(`content that goes on past a source's offset continues it there (chunks of ${size})`, () => {
      expect(prove([known], a, size)).toEqual({ outcome: 'continues #1', position: 52000 });
    });

    it(`content that ends exactly at a link end is a proven prefix: nothing new (chunks of ${size})`, () => {
      expect(prove([known], a.subarray(0, 30000), size)).toEqual({ outcome: 'prefix #1', position: 30000 });
    });

    it(`content that ends inside a link cannot be proven: a new source (chunks of ${size})`, () => {
      expect(prove([known], a.subarray(0, 29999), size).outcome).toBe('new');
    });

    it(`content that differs anywhere is a new source: before 4 KiB, after, at a link's last byte, \
at the offset's (chunks of ${size})`, () => {
      for (const at of [100, 5000, 7999, 8000, 40000, 51999]) {
        const b = Buffer.from(a);
        b[at] = b[at]! ^ 1;
        expect(prove([known], b, size).outcome, `byte ${at}`).toBe('new');
      }
    });
  }

  it('of several sources sharing a head, the one proven furthest is continued', () => {
    const short = sourceOf(2, a, [8000]);
    expect(prove([short, known], a, 4096).outcome).toBe('continues #1');
    const b = Buffer.from(a);
    b[45000] = 0x21;
    // b equals source 1 only up to 45000: source 2 (8000 bytes) is the one it continues; the
    // proof read to 52000 to find that out (the reader is opened again at 8000).
    expect(prove([short, known], b, 4096)).toEqual({ outcome: 'continues #2', position: 52000 });
  });

  it('a source read before chains were kept is never taken as proven', () => {
    const legacy: KnownSource = { id: 3, offset: 30000, chain: [] };
    expect(prove([legacy], a, 4096)).toEqual({ outcome: 'new', position: 0 });
  });

  it('does not take bytes past the offset of every source still open', () => {
    const proof = new ChainProof([known]);
    expect(proof.feed(a)).toBe(52000);
    expect(proof.settled).toBe(true);
    expect(proof.feed(a.subarray(52000))).toBe(0);
  });
});
