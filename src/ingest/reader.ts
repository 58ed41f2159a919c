/**
 * A content's chunks, read one ahead: the next read runs while the current chunk is framed,
 * parsed and applied (bench/: the 1.1 GB nova log waited ~1 s for reads, each started only
 * after the last was applied). A chunk is the caller's until `release` (it may be one of the
 * block buffers); pieces given back with `unshift` come first.
 */
import type { Readable } from 'node:stream';
import type { BlockBuffers } from './blocks.js';
import { journalExportAware } from '../sources/journal/export-content.js';
import { openContent, type ContentInfo } from './content.js';

export class ContentReader {
  private ahead: Promise<IteratorResult<Buffer>> | null = null;
  private readonly front: Buffer[] = [];
  private done = false;

  private constructor(
    readonly path: string,
    readonly info: ContentInfo,
    private readonly chunks: AsyncGenerator<Buffer>,
    private readonly blocks: BlockBuffers | undefined,
  ) {}

  /**
   * Opens `path` ('-' for stdin); with `blocks`, a plain file is read into them in pieces of whole
   * lines. journald's export format is read as the JSON lines `journalctl -o json` prints.
   */
  static async open(path: string, stdin?: Readable, blocks?: BlockBuffers): Promise<ContentReader> {
    const { info, chunks } = await openContent(path, stdin, blocks);
    return new ContentReader(path, info, await journalExportAware(chunks, blocks), blocks);
  }

  /**
   * The next chunk, or null at the end of the content. With `idleMs`, undefined when none came
   * in that time (input that stops coming, a pipe): ask again.
   */
  async next(idleMs?: number): Promise<Buffer | null | undefined> {
    if (this.front.length > 0) return this.front.shift()!;
    if (this.done) return null;
    this.ahead ??= this.readAhead();
    const r = idleMs === undefined ? await this.ahead : await settledWithin(this.ahead, idleMs);
    if (r === undefined) return undefined;
    this.ahead = null;
    if (r.done) {
      this.done = true;
      return null;
    }
    this.ahead = this.readAhead();
    return r.value;
  }

  /** The next read, started now; a failure is seen when the read is awaited, not as an unhandled rejection. */
  private readAhead(): Promise<IteratorResult<Buffer>> {
    const p = this.chunks.next();
    p.catch(() => {});
    return p;
  }

  /** Give back the unread rest of a chunk: it comes first. */
  unshift(piece: Buffer): void {
    if (piece.length > 0) this.front.unshift(piece);
  }

  /** The caller is done with a chunk (a block buffer goes back to the reader). */
  release(chunk: Buffer): void {
    this.blocks?.done(chunk);
  }

  /** Stop reading: the chunk read ahead is nobody's, and the file is closed. */
  async close(): Promise<void> {
    if (this.ahead !== null) {
      const r = await this.ahead.catch(() => null);
      if (r && !r.done) this.release(r.value);
      this.ahead = null;
    }
    this.done = true;
    await this.chunks.return(undefined);
  }
}

/** What `p` gives, or undefined when it has not settled within `ms`. */
async function settledWithin<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
