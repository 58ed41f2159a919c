/**
 * `ingest` in a worker thread with a bounded heap: the CLI's main thread only
 * relays progress and the summary. V8 grows an unbounded main-thread heap
 * lazily (bench/: ~40 MB of peak RSS for nothing); a worker's heap has a
 * ceiling. Parse workers are started from here as usual.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../errors.js';
import { ingest, type IngestOptions, type IngestSummary } from './run.js';

export type FromIngestWorker =
  | { type: 'progress'; path: string; bytes: number; seconds: number }
  | { type: 'notice'; message: string }
  | { type: 'done'; summary: IngestSummary }
  | { type: 'error'; message: string; exitCode: number | null; stack: string | undefined };

const opts = workerData as IngestOptions & { progress: boolean };
const post = (m: FromIngestWorker): void => parentPort!.postMessage(m);

ingest({
  ...opts,
  ...(opts.progress ? { onProgress: (p: { path: string; bytes: number; seconds: number }) => post({ type: 'progress', ...p }) } : {}),
  onNotice: (message: string) => post({ type: 'notice', message }),
}).then(
  (summary) => post({ type: 'done', summary }),
  (e: unknown) => post({ type: 'error', message: (e as Error).message, exitCode: e instanceof UserError ? e.exitCode : null, stack: (e as Error).stack }),
);
