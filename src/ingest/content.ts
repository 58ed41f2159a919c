/**
 * The content of an input as a stream of Buffers, decompressed when the bytes
 * say gzip (magic 1f 8b), whatever the name: a rotated file reappearing as
 * .gz is the same content. A gzip cut short (logrotate still compressing, or a
 * copy that lost its end) is reported through `truncated`, a damaged one through
 * `damage`: in both cases everything before the cut or the damage is delivered.
 */
import { createReadStream, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { BlockBuffers } from './blocks.js';

export interface ContentInfo {
  compressed: boolean;
  /** Modification time of the file (ms), null for stdin. */
  mtimeMs: number | null;
  /** Set when the gzip stream ended early: the content is incomplete. */
  truncated: boolean;
  /** What zlib said of a gzip stream it could not read on (bad data, bad checksum), or null. */
  damage: string | null;
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

/**
 * An uncompressed file read straight into block buffers, in pieces that end
 * at a line's end: the bytes after the last newline of a read go to the front
 * of the next buffer before the piece is handed over, so a worker can read a
 * piece in place, as it is. The last piece (no newline at the end of the file) and
 * a buffer holding no newline at all are handed over as read.
 */
async function* lineAlignedReads(
  fh: FileHandle,
  first: Buffer,
  firstLength: number,
  blocks: BlockBuffers,
): AsyncGenerator<Buffer> {
  // The buffer being filled is ours until it is handed over (the reader then calls blocks.done).
  let buf: Buffer | null = first;
  try {
    let len = firstLength;
    let pos = firstLength;
    for (;;) {
      while (len < buf.length) {
        const { bytesRead } = await fh.read(buf, len, buf.length - len, pos);
        if (bytesRead === 0) break;
        len += bytesRead;
        pos += bytesRead;
      }
      if (len === 0) return;
      if (len < buf.length) {
        const last = buf.subarray(0, len); // the end of the file
        buf = null;
        yield last;
        return;
      }
      const nl = buf.lastIndexOf(10);
      const next = blocks.take();
      const piece = nl < 0 ? buf : buf.subarray(0, nl + 1);
      len = nl < 0 ? 0 : buf.copy(next, 0, nl + 1);
      buf = next;
      yield piece;
    }
  } finally {
    if (buf !== null) blocks.done(buf);
    await fh.close();
  }
}

/**
 * Opens an input; the iterator yields content Buffers and fills `info`. With
 * `blocks`, an uncompressed file is read into them, in pieces of whole lines.
 */
export async function openContent(
  path: string,
  stdin: Readable = process.stdin,
  blocks?: BlockBuffers,
): Promise<{ info: ContentInfo; chunks: AsyncGenerator<Buffer> }> {
  if (blocks && path !== '-') {
    const fh = await open(path, 'r');
    const first = blocks.take();
    let plain = false;
    try {
      const { bytesRead } = await fh.read(first, 0, first.length, 0);
      plain = !(bytesRead >= 2 && first[0] === 0x1f && first[1] === 0x8b);
      if (plain) {
        const mtimeMs = (await fh.stat()).mtimeMs;
        const info: ContentInfo = { compressed: false, mtimeMs, truncated: false, damage: null };
        return { info, chunks: lineAlignedReads(fh, first, bytesRead, blocks) };
      }
    } finally {
      if (!plain) {
        blocks.done(first);
        await fh.close();
      }
    }
  }
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
    damage: null,
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
      // zlib's "unexpected end of file": the .gz is still being written, or lost its end.
      if (code === 'Z_BUF_ERROR' || /unexpected end of file/i.test((e as Error).message)) {
        info.truncated = true;
        return;
      }
      // Bad data or checksum: nothing after it can be read (gzip cannot find its way back in).
      if (code === 'Z_DATA_ERROR' || code === 'Z_NEED_DICT' || code === 'Z_STREAM_ERROR') {
        info.damage = (e as Error).message;
        return;
      }
      throw e;
    }
  }
  return { info, chunks: decompressed() };
}
