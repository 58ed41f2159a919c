/**
 * The bench's search-server case: `apicensus ingest --opensearch` over one UTC day of at least a
 * million kolla documents (kolla-day.ts) with rare os-hosts calls, served by the fake OpenSearch
 * in a worker thread. The figures that matter: documents fetched per call found (the candidates
 * are all the reader fetches; the totals are pushed down), and seconds. The check: the report's
 * os-hosts and os-services calls and compute requests against what the generator wrote.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { KollaDayFacts } from './kolla-day.js';
import { KOLLA_DAY } from './kolla-day.js';
import { measure } from './measure.js';
import { apicensusArgv, apicensusShown, readReport, type Context, type Row } from './rows.js';

interface Served {
  url: string;
  facts: KollaDayFacts;
  generateSeconds: number;
  index: string;
  worker: Worker;
}

let served: Promise<Served> | null = null;

/** Start (once) the worker that generates the day and serves it. */
export function searchServer(documents: number, seed: string): Promise<Served> {
  served ??= new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./search-server-worker.js', import.meta.url), {
      workerData: { documents, seed },
      resourceLimits: { maxOldGenerationSizeMb: 8192 },
    });
    worker.once('message', (m: Omit<Served, 'worker'>) => resolve({ ...m, worker }));
    worker.once('error', reject);
  });
  return served;
}

export async function stopSearchServer(): Promise<void> {
  if (served) await (await served).worker.terminate();
  served = null;
}

export function searchRow(ctx: Context, o: { documents: number; seed: string }): Row {
  const cli = apicensusArgv(ctx);
  const day = new Date(KOLLA_DAY).toISOString().slice(0, 10);
  const next = new Date(KOLLA_DAY + 86_400_000).toISOString().slice(0, 10);
  const range = ['--since', day, '--until', next, '--timezone', 'UTC'];
  return {
    group: 'opensearch',
    label: 'apicensus ingest --opensearch',
    commands: [
      `${apicensusShown(ctx)} ingest --opensearch $FAKE_OPENSEARCH --db $TMP/fresh.db ${range.join(' ')}`,
      `${apicensusShown(ctx)} report --db $TMP/fresh.db --format json`,
    ],
    input: `flog-${day.replace(/-/g, '.')} (${o.documents.toLocaleString('en-US')}+ docs, fake OpenSearch 2.11)`,
    contentBytes: 0,
    baseline: false,
    warm: [],
    run: async () => {
      const s = await searchServer(o.documents, o.seed);
      const dir = mkdtempSync(join(tmpdir(), 'apicensus-bench-'));
      const db = join(dir, 'fresh.db');
      try {
        const m = await measure(
          { argv: [...cli.argv, 'ingest', '--opensearch', s.url, '--db', db, ...range], env: cli.env, cwd: ctx.root },
          ctx.gnuTime,
        );
        if (m.exitCode !== 0)
          return {
            seconds: m.seconds,
            peakRssKb: m.peakRssKb,
            check: { status: 'failed', text: `FAILED: ${m.stderr.slice(0, 300)}` },
          };
        const fetched = Number(/Fetched ([\d,]+) of the/.exec(m.stdout)?.[1]?.replace(/,/g, '') ?? NaN);
        const rep = await measure(
          { argv: [...cli.argv, 'report', '--db', db, '--format', 'json'], env: cli.env, cwd: ctx.root },
          null,
        );
        const found = readReport(rep.stdout);
        const f = s.facts;
        const ok =
          found.osHosts === f.osHostsCalls &&
          found.osServices === f.osServicesCalls &&
          found.requests === f.reportRequests;
        const calls = found.osHosts + found.osServices;
        return {
          seconds: m.seconds,
          peakRssKb: m.peakRssKb,
          cpuSeconds: m.cpuSeconds,
          check: {
            status: ok ? 'ok' : 'mismatch',
            text:
              `${found.osHosts} os-hosts + ${found.osServices} os-services calls ` +
              `(expected ${f.osHostsCalls} + ${f.osServicesCalls}), ${found.requests} compute requests ` +
              `(expected ${f.reportRequests}); ` +
              `fetched ${fetched.toLocaleString('en-US')} of ${f.documents.toLocaleString('en-US')} documents`,
          },
          details: {
            documents: f.documents,
            fetched,
            calls,
            fetchedPerCall: calls > 0 ? fetched / calls : null,
            documentsPerCall: calls > 0 ? f.documents / calls : null,
            generateSeconds: s.generateSeconds,
            stdout: m.stdout.slice(0, 2000),
          },
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
