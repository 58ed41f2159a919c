/**
 * The content of an input as a stream of Buffers, decompressed when the bytes
 * say gzip (magic 1f 8b), whatever the name: a rotated file reappearing as
 * .gz is the same content. A gzip cut short (logrotate still compressing) is
 * reported through `truncated`, with everything before the cut delivered.
 */
import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export interface ContentInfo {
  compressed: boolean;
  /** Modification time of the file (ms), null for stdin. */
  mtimeMs: number | null;
  /** Set when the gzip stream ended early: the content is incomplete. */
  truncated: boolean;
}

/** Read size: large enough that per-chunk overhead vanishes (see bench/). */
const READ_CHUNK = 1 << 20;

async function* prepend(first: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  if (first.length > 0) yield first;
  for (;;) {
    const r = await rest.next();
    if (r.done) return;
    yield r.value;
  }
}

/** Opens an input; the iterator yields content Buffers and fills `info`. */
export async function openContent(path: string, stdin: Readable = process.stdin): Promise<{ info: ContentInfo; chunks: AsyncGenerator<Buffer> }> {
  const raw: Readable = path === '-' ? stdin : createReadStream(path, { highWaterMark: READ_CHUNK });
  const it = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  // Peek at the first bytes to see whether this is gzip.
  let first = Buffer.alloc(0);
  while (first.length < 2) {
    const r = await it.next();
    if (r.done) break;
    first = Buffer.concat([first, typeof r.value === 'string' ? Buffer.from(r.value) : r.value]);
  }
  const info: ContentInfo = {
    compressed: first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b,
    mtimeMs: path === '-' ? null : statSync(path).mtimeMs,
    truncated: false,
  };
  const rawChunks = prepend(first, it);
  if (!info.compressed) return { info, chunks: rawChunks };
  const gunzip = createGunzip({ chunkSize: READ_CHUNK });
  (async () => {
    try {
      for await (const c of rawChunks) if (!gunzip.write(c)) await new Promise((r) => gunzip.once('drain', r));
      gunzip.end();
    } catch (e) {
      gunzip.destroy(e as Error);
    }
  })();
  async function* decompressed(): AsyncGenerator<Buffer> {
    try {
      for await (const c of gunzip) yield c as Buffer;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // zlib's "unexpected end of file": the .gz is still being written.
      if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test((e as Error).message)) {
        info.truncated = true;
        return;
      }
      throw e;
    }
  }
  return { info, chunks: decompressed() };
}
