/**
 * Line framing (src/ingest/framing.ts), at its chunk boundaries. Whatever the cut of the
 * chunks, the frames hold every line in order, each whole, an over-long line as one frame of
 * its own that hides nothing after it, and every byte exactly once.
 */
import { describe, expect, it } from 'vitest';
import { BlockFramer, LineFramer, type Frame, type Framer } from '../src/ingest/framing.js';
import { chainHash } from '../src/ingest/identity.js';

const BLOCK = 64;
const MAX = 100;
const HEAD = 10;

const blockFramer = (): Framer => new BlockFramer({ blockBytes: BLOCK, maxLineBytes: MAX, headBytes: HEAD });
const lineFramer = (): Framer => new LineFramer({ maxLineBytes: MAX, headBytes: HEAD });

/** Frame `input` pushed in chunks of `size` bytes (copied, as a reader reuses its buffers). */
function frameAll(framer: Framer, input: Buffer, size: number, countPartial = true): Frame[] {
  const out: Frame[] = [];
  for (let i = 0; i < input.length; i += size) {
    const chunk = Buffer.from(input.subarray(i, i + size));
    // A frame may be the chunk itself: keep a copy, since the chunk is overwritten after use.
    for (const f of framer.push(chunk)) out.push(f.kind === 'lines' ? { ...f, bytes: Buffer.from(f.bytes) } : f);
    chunk.fill(0x58);
  }
  out.push(...framer.end(countPartial));
  return out;
}

/** The lines frames hold, an over-long one as `<long N>`. */
function linesOf(frames: readonly Frame[]): string[] {
  const lines: string[] = [];
  for (const f of frames) {
    if (f.kind === 'long') lines.push(`<long ${f.length}>`);
    else lines.push(...f.bytes.toString('latin1').split(/(?<=\n)/));
  }
  return lines;
}

/** What a plain split gives: whole lines (newline kept), over-long ones named. */
function expected(input: string, countPartial = true): string[] {
  const lines = input.split(/(?<=\n)/).filter((l) => l !== '');
  if (!countPartial && lines.length > 0 && !lines[lines.length - 1]!.endsWith('\n')) lines.pop();
  return lines.map((l) => (l.length > MAX ? `<long ${l.length}>` : l));
}

const bytesOf = (frames: readonly Frame[]): number =>
  frames.reduce((n, f) => n + (f.kind === 'long' ? f.length : f.bytes.length), 0);

const INPUTS: Record<string, string> = {
  'four short lines': 'a\nbb\nccc\ndddd\n',
  'lines that fill blocks exactly': `${'x'.repeat(31)}\n${'y'.repeat(31)}\n${'z'.repeat(63)}\n`,
  'a line longer than a block but not over-long': `a\n${'b'.repeat(90)}\nc\n`,
  'an over-long line between short ones': `a\n${'L'.repeat(250)}\nb\nc\n`,
  'an over-long line first': `${'L'.repeat(101)}\nafter\n`,
  'an over-long line last, without newline': `before\n${'L'.repeat(300)}`,
  'two over-long lines in a row': `${'L'.repeat(150)}\n${'M'.repeat(120)}\nend\n`,
  'a line of exactly the limit': `${'e'.repeat(MAX - 1)}\nnext\n`,
  'a line one byte over the limit': `${'e'.repeat(MAX)}\nnext\n`,
  'CRLF lines': 'one\r\ntwo\r\nthree\r\n',
  'empty lines': '\n\na\n\n',
  'no newline at all': 'just one line',
};

describe('BlockFramer and LineFramer', () => {
  for (const [name, input] of Object.entries(INPUTS)) {
    for (const size of [1, 3, 7, 64, 1000]) {
      it(`${name}: every line in order, in chunks of ${size} bytes`, () => {
        for (const make of [blockFramer, lineFramer]) {
          const frames = frameAll(make(), Buffer.from(input, 'latin1'), size);
          expect(linesOf(frames)).toEqual(expected(input));
          expect(bytesOf(frames)).toBe(input.length);
        }
      });
    }
  }

  it('leaves a last line without newline for later when not counted, and says how long it is', () => {
    for (const make of [blockFramer, lineFramer]) {
      const framer = make();
      const frames = frameAll(framer, Buffer.from('a\nbb\npartial'), 3, false);
      expect(linesOf(frames)).toEqual(['a\n', 'bb\n']);
      expect(framer.pending).toBe('partial'.length);
    }
  });

  it('leaves an over-long last line without newline for later too', () => {
    const framer = blockFramer();
    const frames = frameAll(framer, Buffer.from(`a\n${'L'.repeat(150)}`), 7, false);
    expect(linesOf(frames)).toEqual(['a\n']);
    expect(framer.pending).toBe(150);
  });

  it('keeps the first bytes of an over-long line and the hash of all of them', () => {
    const long = `${'0123456789'.repeat(30)}\n`;
    const frames = frameAll(blockFramer(), Buffer.from(`a\n${long}b\n`), 7);
    const f = frames.find((x) => x.kind === 'long');
    expect(f).toEqual({
      kind: 'long',
      length: long.length,
      head: Buffer.from('0123456789'),
      hash: chainHash(Buffer.from(long)),
    });
    const byLine = frameAll(lineFramer(), Buffer.from(`a\n${long}b\n`), 64).find((x) => x.kind === 'long');
    expect(byLine).toEqual(f);
  });

  it('gathers whole lines into blocks of at most blockBytes', () => {
    const input = Array.from({ length: 40 }, (_, i) => `line ${i}\n`).join('');
    const frames = frameAll(blockFramer(), Buffer.from(input), 7);
    for (const f of frames) {
      expect(f.kind).toBe('lines');
      if (f.kind === 'lines') {
        expect(f.bytes.length).toBeLessThanOrEqual(BLOCK);
        expect(f.bytes[f.bytes.length - 1]).toBe(10);
      }
    }
    expect(frames.length).toBeLessThan(40);
  });

  it('hands a chunk of whole lines that fits a block over as it is, without a copy', () => {
    const framer = blockFramer();
    const chunk = Buffer.from('a\nb\nc\n');
    const [f] = framer.push(chunk);
    expect(f).toEqual({ kind: 'lines', bytes: chunk, owned: false });
    expect(f!.kind === 'lines' && f!.bytes).toBe(chunk);
  });

  it('fills blocks from the memory it is given, and says so', () => {
    const framer = new BlockFramer({
      blockBytes: BLOCK,
      maxLineBytes: MAX,
      headBytes: HEAD,
      alloc: (n) => Buffer.alloc(n, 0x3f),
    });
    const frames = [...framer.push(Buffer.from('ab\ncd')), ...framer.push(Buffer.from('\nef\n')), ...framer.end(true)];
    expect(frames).toEqual([{ kind: 'lines', bytes: Buffer.from('ab\ncd\nef\n'), owned: true }]);
  });

  it('gives every byte of a large random input exactly once, whatever the chunks', () => {
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const parts: string[] = [];
    for (let i = 0; i < 500; i++) {
      const len = rnd() < 0.05 ? 80 + Math.floor(rnd() * 200) : Math.floor(rnd() * 30);
      parts.push(`${String.fromCharCode(97 + (i % 26)).repeat(len)}${rnd() < 0.1 ? '\r' : ''}\n`);
    }
    const input = parts.join('');
    for (const size of [1, 5, 13, 64, 333]) {
      for (const make of [blockFramer, lineFramer]) {
        const frames = frameAll(make(), Buffer.from(input), size);
        expect(linesOf(frames)).toEqual(expected(input));
        expect(bytesOf(frames)).toBe(input.length);
      }
    }
  });
});
