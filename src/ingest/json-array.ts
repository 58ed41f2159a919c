/**
 * JSON array documents (`[{…}, {…}]`, an export of oslo.log JSON records): streamed with
 * stream-json, each element becomes one JSON line, in frames of text for the same processor
 * the line formats use. A document is read whole, never resumed; its chain links cover the raw
 * bytes as read.
 */
import { Readable } from 'node:stream';
import { UserError } from '../errors.js';
import type { ChainLink } from '../store/sources.js';
import { chainHash } from './identity.js';
import type { ContentReader } from './reader.js';

/** A pipeline from the raw bytes to the array's items (stream-chain, stream-json). */
type ArrayItems = (raw: Readable) => AsyncIterable<{ key: number; value: unknown }>;

/**
 * stream-json and stream-chain, loaded when a JSON array document is read: ~20 modules and
 * ~10 ms that every other ingest need not pay (bench/: an ingest of a 1 KB log, which hooks run
 * over many small files).
 */
async function arrayItems(): Promise<ArrayItems> {
  const [{ default: streamChain }, { parser }, { streamArray }] = await Promise.all([
    import('stream-chain'),
    import('stream-json'),
    import('stream-json/streamers/stream-array.js'),
  ]);
  // stream-chain's typings cannot follow a generator into the JSON parser; the pipeline yields array items.
  const chain = streamChain as unknown as (stages: unknown[]) => AsyncIterable<{ key: number; value: unknown }>;
  return (raw) => chain([raw, parser(), streamArray()]);
}

/** Elements per frame. */
const FRAME_ELEMENTS = 10_000;

/** A JSON array document: '[' then a JSON value — not uWSGI's `[pid: …` nor a `[Fri Mar …]` date. */
export const isJsonArray = (start: Buffer): boolean =>
  /^\s*\[\s*(?:[{["\]\d-]|true|false|null)/.test(start.toString('latin1', 0, Math.min(start.length, 256)));

/** The first elements of a JSON array document as JSON lines, for detection. */
export async function sampleArrayLines(pre: Buffer): Promise<string[]> {
  const lines: string[] = [];
  const pipeline = (await arrayItems())(Readable.from([pre]));
  try {
    for await (const item of pipeline) {
      lines.push(JSON.stringify(item.value));
      if (lines.length >= 200) break;
    }
  } catch {
    // The sample is cut in the middle of an element: what was read is enough.
  }
  return lines;
}

/**
 * The document's elements as frames of JSON lines. `links` receives a chain link per raw chunk
 * (offsets from the document's start), `bytes()` the raw bytes read so far.
 */
export function jsonArrayFrames(
  reader: ContentReader,
  path: string,
): { frames: AsyncGenerator<string>; links: ChainLink[]; bytes: () => number } {
  const links: ChainLink[] = [];
  let total = 0;
  async function* raw(): AsyncGenerator<Buffer> {
    for (let b = await reader.next(); b !== null && b !== undefined; b = await reader.next()) {
      const own = Buffer.from(b);
      reader.release(b);
      total += own.length;
      links.push({ end: total, hash: chainHash(own) });
      yield own;
    }
  }
  async function* frames(): AsyncGenerator<string> {
    let n = 0;
    let lines: string[] = [];
    const items = await arrayItems();
    try {
      for await (const item of items(Readable.from(raw()))) {
        n = item.key + 1;
        lines.push(JSON.stringify(item.value));
        if (lines.length < FRAME_ELEMENTS) continue;
        yield lines.join('\n');
        lines = [];
      }
    } catch (e) {
      throw new UserError(`${path}: not a valid JSON array document after element ${n}: ${(e as Error).message}`);
    }
    if (lines.length > 0) yield lines.join('\n');
  }
  return { frames: frames(), links, bytes: () => total };
}
