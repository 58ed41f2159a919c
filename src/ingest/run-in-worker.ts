/** Run `ingest` in a bounded-heap worker (src/ingest/ingest-worker.ts), or in this thread when no built worker exists. */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { UserError, type ExitCodeValue } from '../errors.js';
import type { FromIngestWorker } from './ingest-worker.js';
import { ingest, type IngestOptions, type IngestSummary } from './run.js';

/** Heap ceiling of the ingest thread: it holds a batch's results, the per-hour key sets and SQLite's caches. */
const INGEST_HEAP = { maxOldGenerationSizeMb: 96, maxYoungGenerationSizeMb: 16 };

export async function ingestInWorker(opts: IngestOptions): Promise<IngestSummary> {
  const script = fileURLToPath(new URL('./ingest-worker.js', import.meta.url));
  if (!existsSync(script)) return ingest(opts);
  const { onProgress, onNotice, stdin, ...data } = opts;
  const readsStdin = opts.inputs.includes('-');
  const worker = new Worker(script, { workerData: { ...data, progress: onProgress !== undefined }, resourceLimits: INGEST_HEAP, stdin: readsStdin });
  if (readsStdin && worker.stdin) (stdin ?? process.stdin).pipe(worker.stdin);
  return new Promise<IngestSummary>((resolve, reject) => {
    worker.on('message', (m: FromIngestWorker) => {
      if (m.type === 'progress') onProgress?.(m);
      else if (m.type === 'notice') onNotice?.(m.message);
      else if (m.type === 'done') resolve(m.summary);
      else {
        const e = m.exitCode !== null ? new UserError(m.message, m.exitCode as ExitCodeValue) : new Error(m.message);
        if (m.stack && !(e instanceof UserError)) e.stack = m.stack;
        reject(e);
      }
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (code !== 0) reject(new Error(`the ingest thread exited with code ${code}`));
    });
  }).finally(() => void worker.terminate());
}
