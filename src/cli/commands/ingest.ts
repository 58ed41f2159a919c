/** `apicensus ingest FILE…`: read logs into the store. */
import type { CommandModule } from 'yargs';
import { ExitCode, UserError } from '../../errors.js';
import type { IngestSummary } from '../../ingest/run.js';
import { num } from '../../../reports/format.js';
import { setExitCode, withDb, withRules } from '../common.js';
import { ingestRemote, isRemote, withRemoteSources, type RemoteArgs } from './ingest-remote.js';

export interface IngestArgs {
  db: string;
  files: string[];
  format?: string;
  timezone?: string;
  'nova-timezone'?: string;
  frontend: string[];
  rules: string[];
  'join-window': number;
  year?: number;
  'partial-last-line': 'auto' | 'count' | 'leave';
  wait: number;
  quiet: boolean;
  jobs?: number;
}

export function summaryText(s: IngestSummary): string {
  const out: string[] = [];
  const mbps = s.seconds > 0 ? s.bytes / 1e6 / s.seconds : 0;
  out.push(
    `Read ${s.files.length} input${s.files.length === 1 ? '' : 's'} in ${s.seconds.toFixed(2)} s (${(s.bytes / 1e6).toFixed(1)} MB, ${mbps.toFixed(1)} MB/s): ` +
      `${num(s.lines)} lines, ${num(s.requests)} requests (${num(s.newRequests)} not seen before), ${num(s.observations)} new calls of interest, ${num(s.malformed)} malformed lines.`,
  );
  for (const f of s.files) {
    const what =
      f.status === 'failed'
        ? `FAILED: ${f.error}`
        : f.status === 'skipped'
          ? `skipped: ${f.notes.join('; ')}`
          : `${f.status}, ${f.format ?? '?'}${f.compressed ? ', gzip' : ''}: ${num(f.lines)} lines, ${num(f.requests)} requests (${num(f.newRequests)} new), ${num(f.observations)} calls, ${num(f.malformed)} malformed`;
    out.push(`  ${f.path}: ${what}`);
    for (const n of f.status === 'skipped' ? [] : f.notes) out.push(`    note: ${n}`);
    for (const m of f.malformedExamples) out.push(`    malformed line ${m.line}: ${m.reason}: ${m.text.slice(0, 160)}`);
  }
  const apis = Object.entries(s.callsByApi);
  out.push(
    `Calls of interest now stored: ${apis.length ? apis.map(([a, n]) => `${a} ${num(n)}`).join(', ') : 'none'}. Run \`apicensus report\` for the evidence.`,
  );
  return out.join('\n');
}

/** APICENSUS_BATCH_BYTES (undocumented): a positive integer overrides the batch size, for crash tests. */
function batchBytesFromEnv(): number | undefined {
  const v = process.env.APICENSUS_BATCH_BYTES;
  if (v === undefined || !/^\d+$/.test(v) || Number(v) <= 0) return undefined;
  return Number(v);
}

export const ingestCommand: CommandModule<object, IngestArgs & RemoteArgs> = {
  command: 'ingest [files..]',
  describe: 'Read nova-api and front-end logs (files, .gz, directories, - for stdin) into the database',
  builder: (y) =>
    withRemoteSources(withRules(withDb(y)))
      .positional('files', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'Log files, directories (read recursively) or - for stdin',
      })
      .option('format', {
        type: 'string',
        describe: 'Force a format instead of detecting it (see `apicensus formats`)',
      })
      .option('timezone', {
        type: 'string',
        describe: "Zone of front-end timestamps without a UTC offset (default: the machine's)",
      })
      .option('nova-timezone', { type: 'string', describe: "Zone of nova's oslo.log text timestamps (default UTC)" })
      .option('frontend', {
        type: 'string',
        array: true,
        default: [] as string[],
        describe: 'HAProxy frontend/backend or vhost that serves the compute API (repeatable)',
      })
      .option('join-window', {
        type: 'number',
        default: 5,
        describe: 'Seconds within which lines of different logs may be the same request',
      })
      .option('year', {
        type: 'number',
        describe: "Year for syslog timestamps that carry none (default: the file's modification year)",
      })
      .option('partial-last-line', {
        choices: ['auto', 'count', 'leave'] as const,
        default: 'auto' as const,
        describe: 'A last line without newline: auto counts it unless the file changed in the last minute',
      })
      .option('wait', {
        type: 'number',
        default: 600,
        describe: 'Seconds to wait for another ingest on the same database',
      })
      .option('jobs', {
        type: 'number',
        describe:
          'Parse with this many worker threads besides the main thread, which parses when they are busy (default: one fewer than the cores, for inputs over ~190 MB; 0 = the main thread alone)',
      })
      .option('quiet', {
        type: 'boolean',
        default: false,
        describe: 'For cron: print nothing on success, one line on failure',
      })
      .example('$0 ingest /var/log/nova/nova-api.log*', 'nova-api logs, rotated and compressed ones included')
      .example(
        '$0 ingest --timezone Europe/Berlin /var/log/haproxy.log /var/log/nova/',
        'HAProxy (local time) and nova logs together',
      )
      .example('journalctl -u devstack@n-api -o short-iso | $0 ingest -', 'From stdin')
      .example(
        '$0 ingest --opensearch http://10.0.0.10:9200',
        "kolla-ansible's central logging (flog-*), new days only",
      )
      .example('$0 ingest --journal --unit devstack@n-api --unit haproxy', 'journald, from where the last run stopped'),
  handler: async (args) => {
    // OpenSearch / Elasticsearch and journald are read by their own drivers (src/sources/).
    if (isRemote(args)) return ingestRemote(args);
    if (args.files.length === 0)
      throw new UserError(
        'Give log files (or -), or --opensearch URL, --elasticsearch URL or --journal.',
        ExitCode.usage,
      );
    const progress = process.stderr.isTTY && !args.quiet;
    const batchBytes = batchBytesFromEnv();
    // On this thread: a thread of its own cost ~0.15 s of start-up per run, its heap bound
    // no longer needed now that chunks are applied as they come (bench/).
    const { ingest } = await import('../../ingest/run.js');
    const summary = await ingest({
      db: args.db,
      inputs: args.files,
      ...(args.format ? { format: args.format } : {}),
      ...(args.timezone ? { timezone: args.timezone } : {}),
      ...(args['nova-timezone'] ? { novaTimezone: args['nova-timezone'] } : {}),
      frontends: args.frontend,
      rules: args.rules,
      joinWindowSeconds: args['join-window'],
      ...(args.year ? { year: args.year } : {}),
      partialLastLine: args['partial-last-line'],
      waitSeconds: args.wait,
      ...(args.jobs !== undefined ? { jobs: args.jobs } : {}),
      // Undocumented, for tests that kill an ingest between batches: commit every N bytes.
      ...(batchBytes !== undefined ? { batchBytes } : {}),
      ...(progress
        ? {
            onProgress: (p: { path: string; bytes: number; seconds: number }) =>
              process.stderr.write(
                `\r${p.path}: ${(p.bytes / 1e6).toFixed(0)} MB, ${(p.bytes / 1e6 / p.seconds).toFixed(0)} MB/s   `,
              ),
          }
        : {}),
      onNotice: (m: string) => {
        if (!args.quiet) process.stderr.write(`apicensus: ${m}\n`);
      },
    });
    if (progress) process.stderr.write('\r\x1b[K');
    if (summary.exitCode !== ExitCode.ok) {
      const failed = summary.files.filter((f) => f.status === 'failed');
      if (args.quiet) throw new UserError(failed.map((f) => f.error).join('; '));
      process.stdout.write(summaryText(summary) + '\n');
      process.stderr.write(
        `apicensus: ${failed.length} input${failed.length === 1 ? '' : 's'} could not be read; everything else was ingested.\n`,
      );
      setExitCode(summary.exitCode);
      return;
    }
    if (!args.quiet) process.stdout.write(summaryText(summary) + '\n');
  },
};
