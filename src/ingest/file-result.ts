/** What ingest says of each input: how it was read and what it added. */
import type { MalformedExample } from '../chunk-result.js';

export type FileStatus =
  'ingested' | 'resumed' | 'unchanged' | 'empty' | 'skipped' | 'incomplete' | 'corrupt' | 'interrupted' | 'failed';

/** What reading added: of a file (its batches), and summed over an ingest. */
export interface ReadCounts {
  /** Content bytes read this run (after decompression, excluding what was skipped as already read). */
  bytes: number;
  lines: number;
  requests: number;
  /** Requests without a date (no time window can hold them). */
  undated: number;
  /** Requests not seen before (their keys were new). */
  newRequests: number;
  /** Calls of interest stored (their requests were new). */
  observations: number;
  opaque: number;
  malformed: number;
  /** Over-long lines: read and counted, not parsed. */
  skipped: number;
}

export const emptyCounts = (): ReadCounts => ({
  bytes: 0,
  lines: 0,
  requests: 0,
  undated: 0,
  newRequests: 0,
  observations: 0,
  opaque: 0,
  malformed: 0,
  skipped: 0,
});

export interface FileResult extends ReadCounts {
  path: string;
  status: FileStatus;
  format: string | null;
  sourceId: number | null;
  compressed: boolean;
  malformedExamples: MalformedExample[];
  notes: string[];
  error?: string;
}

export function emptyFileResult(path: string): FileResult {
  return {
    path,
    status: 'ingested',
    format: null,
    sourceId: null,
    compressed: false,
    ...emptyCounts(),
    malformedExamples: [],
    notes: [],
  };
}

export function failedFile(path: string, error: string): FileResult {
  return { ...emptyFileResult(path), status: 'failed', error };
}
