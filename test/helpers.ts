/** Shared test helpers: temporary folders and databases, ingest + report in one call. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { runReport } from '../src/cli/commands/report.js';
import { ingest, type IngestOptions, type IngestSummary } from '../src/ingest/run.js';
import type { Report } from '../reports/model.js';

// The samples are written in UTC, and nova's lines (like every source without an offset) are read
// in the machine's zone by default: tests run in UTC whatever zone the machine is in, as the CLI
// tests do (TZ=UTC in the environment of the processes they spawn).
process.env.TZ = 'UTC';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SAMPLES = join(ROOT, 'samples');
export const REAL_LOGS = fileURLToPath(new URL('../../shared/real-logs/', import.meta.url));

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

/** A temporary folder removed after the test. */
export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'apicensus-test-'));
  dirs.push(d);
  return d;
}

export async function ingestInto(
  db: string,
  inputs: string[],
  extra: Partial<IngestOptions> = {},
): Promise<IngestSummary> {
  return ingest({ db, inputs, timezone: 'UTC', partialLastLine: 'count', ...extra });
}

export function reportOf(db: string, api: string[] = [], since?: string, until?: string): Report {
  return runReport(
    { db, api, format: 'json', rules: [], ...(since ? { since } : {}), ...(until ? { until } : {}) },
    new Date('2026-01-01T00:00:00Z'),
  ).report;
}

/** The parts of a report that must not depend on when or in what order files were read. */
export function stable(r: Report): unknown {
  const { generatedAt: _g, sources: _s, malformedExamples, ...rest } = r;
  return { ...rest, malformedExamples: malformedExamples.map(({ path: _p, ...m }) => m) };
}

/** A stream that delivers `data` in chunks of `size` bytes. */
export function chunked(data: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < data.length; i += size) parts.push(data.subarray(i, i + size));
  return Readable.from(parts, { objectMode: false });
}
