/**
 * A parse worker: compiles the processor for each file's spec and turns
 * blocks of whole lines into ChunkResults (src/ingest/process.ts). Lines are
 * numbered from 1 within each block; the main thread makes them absolute.
 */
import { parentPort } from 'node:worker_threads';
import { chainHash } from './identity.js';
import { compileProcessor, type ChunkProcessor, type ChunkResult, type ProcessorSpec } from './process.js';

/**
 * A block is `length` bytes at the start of shared block buffer `buffer` (sent once, in
 * a `buffers` message), or, with buffer -1, the memory moved with the message (`data`).
 */
export type ToWorker =
  | { type: 'spec'; id: number; spec: ProcessorSpec }
  | { type: 'buffers'; memories: readonly SharedArrayBuffer[] }
  | { type: 'block'; id: number; spec: number; buffer: number; data: ArrayBuffer | null; length: number };
export type FromWorker =
  { type: 'result'; id: number; result: ChunkResult } | { type: 'error'; id: number; message: string };

const processors = new Map<number, ChunkProcessor>();
let memories: readonly SharedArrayBuffer[] = [];

function transferables(r: ChunkResult): ArrayBuffer[] {
  return [
    r.keys.buffer,
    r.hours.buffer,
    r.labelIndex.buffer,
    r.unnumbered.buffer,
    r.unnumberedSeconds.buffer,
    r.edges.buffer,
    r.observations.nums.buffer,
  ] as ArrayBuffer[];
}

parentPort!.on('message', (m: ToWorker) => {
  if (m.type === 'spec') {
    processors.set(m.id, compileProcessor(m.spec));
    // Keep the last few files' processors only.
    for (const id of processors.keys()) if (id < m.id - 4) processors.delete(id);
    return;
  }
  if (m.type === 'buffers') {
    memories = m.memories;
    return;
  }
  try {
    const p = processors.get(m.spec);
    if (!p) throw new Error(`no processor for spec ${m.spec}`);
    const block = m.buffer >= 0 ? Buffer.from(memories[m.buffer]!, 0, m.length) : Buffer.from(m.data!, 0, m.length);
    const result = p(block, 1);
    // The block's link of its source's chain, hashed here rather than on the reading thread
    // (bench/: SHA-256 of the 1.1 GB nova log was ~1 CPU-s, the largest cost of that thread).
    result.blockHash = new Uint8Array(chainHash(block));
    parentPort!.postMessage({ type: 'result', id: m.id, result } satisfies FromWorker, transferables(result));
  } catch (e) {
    parentPort!.postMessage({ type: 'error', id: m.id, message: (e as Error).stack ?? String(e) } satisfies FromWorker);
  }
});
