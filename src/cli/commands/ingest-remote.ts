/**
 * The options of `apicensus ingest` for sources that are not files (issue 20):
 * `--opensearch URL` / `--elasticsearch URL` (kolla-ansible central logging) and `--journal`
 * (journald), and the part of the handler that runs them: SIGINT stops the run after closing the
 * cluster's cursor (a second one exits at once), progress goes to a terminal, the summary to stdout.
 */
import type { Argv } from 'yargs';
import { num } from '../../../reports/format.js';
import { ExitCode, UserError, usageError } from '../../errors.js';
import type { JournalIngestSummary } from '../../sources/journal/driver.js';
import type { SearchIngestSummary } from '../../sources/opensearch/driver.js';
import { parseTimeArg, setExitCode } from '../common.js';

export interface RemoteArgs {
  opensearch?: string;
  elasticsearch?: string;
  index?: string;
  since?: string;
  until?: string;
  ca?: string;
  'auth-file'?: string;
  'page-size': number;
  journal: boolean;
  unit: string[];
  'journal-file': string[];
  'journal-dir'?: string;
}

/** What the handler passes on from the file options. */
export interface CommonArgs {
  db: string;
  files: string[];
  timezone?: string;
  'nova-timezone'?: string;
  frontend: string[];
  rules: string[];
  'join-window': number;
  wait: number;
  quiet: boolean;
}

export function withRemoteSources<T>(y: Argv<T>) {
  return y
    .option('opensearch', {
      type: 'string',
      describe:
        'Read kolla-ansible central logging from this OpenSearch URL (http[s]://host:9200[/prefix]) instead of files',
    })
    .option('elasticsearch', { type: 'string', describe: 'The same from an Elasticsearch URL' })
    .option('index', { type: 'string', describe: 'Index pattern to read (default flog-*, kolla’s)' })
    .option('since', {
      type: 'string',
      describe: 'Search server: from (2024-05-01, ISO time, or 7d); default: after the last day read',
    })
    .option('until', { type: 'string', describe: 'Search server: until (default: now, less two minutes)' })
    .option('ca', { type: 'string', describe: 'PEM file of the CA that signed the search server’s certificate' })
    .option('auth-file', {
      type: 'string',
      describe:
        'File holding user:password or "ApiKey <key>" (else ' +
        '$APICENSUS_SEARCH_USER/_PASSWORD or $APICENSUS_SEARCH_API_KEY; never on the command line)',
    })
    .option('page-size', {
      type: 'number',
      default: 2000,
      describe: 'Documents per page from the search server (at most 10,000)',
    })
    .option('journal', {
      type: 'boolean',
      default: false,
      describe: 'Read journald through journalctl instead of files',
    })
    .option('unit', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'journald unit to read (repeatable)',
    })
    .option('journal-file', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'Journal file to read (repeatable; implies --journal)',
    })
    .option('journal-dir', {
      type: 'string',
      describe: 'Journal directory to read, e.g. a copied /var/log/journal/<machine-id> (implies --journal)',
    });
}

export const isRemote = (a: RemoteArgs): boolean =>
  a.opensearch !== undefined ||
  a.elasticsearch !== undefined ||
  a.journal ||
  a['journal-file'].length > 0 ||
  a['journal-dir'] !== undefined;

/** Stop on the first SIGINT (the driver closes its cursor or child); exit on the second. */
function interruptible(quiet: boolean): { signal: AbortSignal; done: () => void } {
  const ac = new AbortController();
  const onSigint = (): void => {
    if (ac.signal.aborted) process.exit(130);
    if (!quiet) process.stderr.write('\napicensus: stopping (closing the cursor; Ctrl-C again to quit at once)…\n');
    ac.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSigint);
  return { signal: ac.signal, done: () => process.off('SIGINT', onSigint) };
}

export async function ingestRemote(a: RemoteArgs & CommonArgs): Promise<void> {
  const search = a.opensearch ?? a.elasticsearch;
  if (a.opensearch !== undefined && a.elasticsearch !== undefined)
    throw usageError('Give --opensearch or --elasticsearch, not both.');
  const journal = a.journal || a['journal-file'].length > 0 || a['journal-dir'] !== undefined;
  if (search !== undefined && journal) throw usageError('Read a search server or the journal in one run, not both.');
  if (a.files.length > 0)
    throw usageError(`Give log files or ${search !== undefined ? 'a search server' : '--journal'}, not both.`);
  const progress = process.stderr.isTTY && !a.quiet;
  const common = {
    db: a.db,
    rules: a.rules,
    ...(a.timezone ? { timezone: a.timezone } : {}),
    ...(a['nova-timezone'] ? { novaTimezone: a['nova-timezone'] } : {}),
    frontends: a.frontend,
    joinWindowSeconds: a['join-window'],
    waitSeconds: a.wait,
    onNotice: (m: string) => {
      if (!a.quiet) process.stderr.write(`${progress ? '\r\x1b[K' : ''}apicensus: ${m}\n`);
    },
  };
  const stop = interruptible(a.quiet);
  try {
    if (search !== undefined) {
      if (!(a['page-size'] >= 1 && a['page-size'] <= 10_000)) throw usageError('--page-size must be 1 to 10,000.');
      const { ingestSearch } = await import('../../sources/opensearch/driver.js');
      const s = await ingestSearch({
        ...common,
        url: search,
        product: a.opensearch !== undefined ? 'opensearch' : 'elasticsearch',
        ...(a.index ? { index: a.index } : {}),
        since: parseTimeArg(a.since, 'since'),
        until: parseTimeArg(a.until, 'until'),
        ...(a.ca ? { caFile: a.ca } : {}),
        ...(a['auth-file'] ? { authFile: a['auth-file'] } : {}),
        pageSize: a['page-size'],
        signal: stop.signal,
        ...(progress
          ? {
              onProgress: (p: { day: string; fetched: number; candidates: number; documents: number }) =>
                process.stderr.write(
                  `\r${p.day}: ${num(p.fetched)} of ${num(p.candidates)} candidates fetched (${num(p.documents)} ` +
                    'documents)   ',
                ),
            }
          : {}),
      });
      if (progress) process.stderr.write('\r\x1b[K');
      const failed = s.windows.filter((w) => w.status === 'failed');
      if (failed.length > 0 && a.quiet)
        throw new UserError(failed.map((w) => `${s.pattern} ${w.day}: ${w.reason}`).join('; '));
      if (!a.quiet || failed.length > 0) process.stdout.write(searchSummaryText(s) + '\n');
      if (failed.length > 0) setExitCode(ExitCode.failed);
      return;
    }
    const { ingestJournal } = await import('../../sources/journal/driver.js');
    const j = await ingestJournal({
      ...common,
      units: a.unit,
      files: a['journal-file'],
      ...(a['journal-dir'] ? { directory: a['journal-dir'] } : {}),
      signal: stop.signal,
      ...(progress ? { onProgress: (n: number) => process.stderr.write(`\rjournal: ${num(n)} entries   `) } : {}),
    });
    if (progress) process.stderr.write('\r\x1b[K');
    if (!a.quiet) process.stdout.write(journalSummaryText(j) + '\n');
  } finally {
    stop.done();
  }
}

const calls = (byApi: Record<string, number>): string => {
  const apis = Object.entries(byApi);
  return (
    `Calls of interest now stored: ${apis.length ? apis.map(([x, n]) => `${x} ${num(n)}`).join(', ') : 'none'}. ` +
    `Run \`apicensus report\` for the evidence.`
  );
};

export function searchSummaryText(s: SearchIngestSummary): string {
  const c = s.cluster;
  const out = [
    `Read ${s.pattern} on ${c.product} ${c.version} at ${s.url} (cluster ${c.clusterName || c.cluster}, paging by ` +
      `${c.paging === 'pit' ? 'PIT + search_after' : 'scroll'}) in ${s.seconds.toFixed(2)} s:`,
  ];
  for (const w of s.windows) {
    out.push(
      w.status === 'complete'
        ? `  ${w.day}: ${num(w.documents)} documents, ${num(w.pushedRequests)} compute requests` +
            `${w.pushedOther ? ` (and ${num(w.pushedOther)} of other services)` : ''} counted by the server; fetched ` +
            `${num(w.fetched)} candidates: ${num(w.requests)} requests (${num(w.newRequests)} new), ` +
            `${num(w.observations)} new calls of interest, ${num(w.malformed)} malformed`
        : `  ${w.day}: ${w.status.toUpperCase()}, not read and not counted: ${w.reason}`,
    );
  }
  for (const n of s.notes) out.push(`  note: ${n}`);
  const share = s.documents > 0 ? ` (${((s.fetched / s.documents) * 100).toPrecision(2)} %)` : '';
  out.push(
    `Fetched ${num(s.fetched)} of the ${num(s.documents)} documents of the days read${share}. ${calls(s.callsByApi)}`,
  );
  return out.join('\n');
}

export function journalSummaryText(j: JournalIngestSummary): string {
  const out = [
    `Read ${j.journal} in ${j.seconds.toFixed(2)} s: ${num(j.entries)} new entries (${num(j.other)} of other ` +
      `programs), ${num(j.requests)} requests (${num(j.newRequests)} not seen before), ${num(j.observations)} new ` +
      `calls of interest, ${num(j.malformed)} malformed lines.`,
  ];
  for (const n of j.notes) out.push(`  note: ${n}`);
  out.push(calls(j.callsByApi));
  return out.join('\n');
}
