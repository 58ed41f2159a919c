/**
 * A content whose first bytes are journald's export format (`journalctl -o export > file`)
 * is read as the JSON lines `journalctl -o json` would print for it (parsers/journal-export.ts):
 * detection, identity and resuming then work on those lines as on any log's. Any other content
 * passes through untouched.
 */
import { isJournalExport, JournalExportDecoder } from '../../../parsers/journal-export.js';
import type { BlockBuffers } from '../../ingest/blocks.js';

export async function journalExportAware(
  chunks: AsyncGenerator<Buffer>,
  blocks?: BlockBuffers,
): Promise<AsyncGenerator<Buffer>> {
  const first = await chunks.next();
  if (first.done) return chunks;
  if (!isJournalExport(first.value)) return prepend(first.value, chunks);
  return decoded(first.value, chunks, blocks);
}

async function* prepend(first: Buffer, rest: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  try {
    yield first;
    yield* rest;
  } finally {
    await rest.return(undefined);
  }
}

async function* decoded(first: Buffer, rest: AsyncGenerator<Buffer>, blocks?: BlockBuffers): AsyncGenerator<Buffer> {
  const decoder = new JournalExportDecoder();
  const lines = (chunk: Buffer): Buffer | null => {
    // Copied: a block buffer is read over once it is handed back.
    const out = decoder.push(Buffer.from(chunk));
    blocks?.done(chunk);
    return out.length > 0 ? Buffer.from(out.join('\n') + '\n') : null;
  };
  try {
    let b = lines(first);
    if (b) yield b;
    for await (const chunk of rest) {
      b = lines(chunk);
      if (b) yield b;
    }
    // An entry without the empty line that ends it (still being written) waits for the next run,
    // as a partial last line does: journalctl ends every entry with one.
  } finally {
    await rest.return(undefined);
  }
}
