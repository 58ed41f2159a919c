/** `apicensus ingest FILE…`: read logs into the store. */
import type { Argv, CommandModule } from 'yargs';
import { ExitCode, UserError } from '../../errors.js';
import type { FileResult, IngestSummary } from '../../ingest/run.js';
import { num } from '../../../reports/format.js';
import { setExitCode, withDb, withNumber, withRules } from '../common.js';
import { terminalProgress, type ProgressEvent } from '../progress.js';
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
    `Read ${s.files.length} input${s.files.length === 1 ? '' : 's'} in ${s.seconds.toFixed(2)} s ` +
      `(${(s.bytes / 1e6).toFixed(1)} MB, ${mbps.toFixed(1)} MB/s): ` +
      `${num(s.lines)} lines, ${num(s.requests)} requests (${num(s.newRequests)} not seen before), ` +
      `${num(s.observations)} new calls of interest, ${num(s.malformed)} malformed lines` +
      `${s.skipped > 0 ? `, ${num(s.skipped)} over-long lines skipped` : ''}.`,
  );
  for (const f of s.files) out.push(...fileLines(f));
  for (const p of s.passedOver) out.push(`  ${p.path}: not read: ${p.reason}`);
  if (s.undated > 0)
    out.push(
      `${num(s.undated)} requests carry no date: they count when no ` +
        '--since/--until is given; no time window can hold them.',
    );
  const apis = Object.entries(s.callsByApi);
  out.push(
    `Calls of interest now stored: ${apis.length ? apis.map(([a, n]) => `${a} ${num(n)}`).join(', ') : 'none'}. Run ` +
      `\`apicensus report\` for the evidence.`,
  );
  return out.join('\n');
}

function fileLines(f: FileResult): string[] {
  if (f.status === 'failed') return [`  ${f.path}: FAILED: ${f.error}`];
  if (f.status === 'skipped') return [`  ${f.path}: skipped: ${f.notes.join('; ')}`];
  const counts =
    `${num(f.lines)} lines, ${num(f.requests)} requests (${num(f.newRequests)} new), ${num(f.observations)} calls, ` +
    `${num(f.malformed)} malformed${f.skipped > 0 ? `, ${num(f.skipped)} over-long skipped` : ''}` +
    `${f.undated > 0 ? `, ${num(f.undated)} undated` : ''}`;
  const out = [`  ${f.path}: ${f.status}, ${f.format ?? '?'}${f.compressed ? ', gzip' : ''}: ${counts}`];
  for (const n of f.notes) out.push(`    note: ${n}`);
  for (const m of f.malformedExamples) out.push(`    malformed line ${m.line}: ${m.reason}: ${m.text.slice(0, 160)}`);
  return out;
}

/** The one line said on stderr when a signal stopped the ingest: what is kept, how far each file got. */
export function interruptedText(s: IngestSummary): string {
  const partial = s.files.filter((f) => f.status === 'interrupted' && f.lines > 0);
  const where = partial.map((f) => `${f.path} to line ${num(f.lines)} of this run`).join(', ');
  const notRead = s.files.filter((f) => f.status === 'interrupted' && f.lines === 0).length;
  return (
    `apicensus: interrupted by ${s.interrupted}: what was read is committed${where ? ` (${where})` : ''}` +
    `${notRead > 0 ? `, ${notRead} input${notRead === 1 ? '' : 's'} not read` : ''}; run the same ingest ` +
    `again to finish.\n`
  );
}

/**
 * SIGINT and SIGTERM stop the ingest at the next chunk: what was read is committed and the file
 * is marked interrupted (the report says how far it got). A second signal exits at once: the
 * store is safe at any moment (one transaction per batch).
 */
function stopOnSignals(): { signal: AbortSignal; done: () => void } {
  const ac = new AbortController();
  const handler = (sig: NodeJS.Signals): void => {
    if (ac.signal.aborted) process.exit(sig === 'SIGTERM' ? ExitCode.terminated : ExitCode.interrupted);
    ac.abort(sig);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: ac.signal,
    done: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** APICENSUS_BATCH_BYTES (undocumented): a positive integer overrides the batch size, for crash tests. */
function batchBytesFromEnv(): number | undefined {
  const v = process.env.APICENSUS_BATCH_BYTES;
  if (v === undefined || !/^\d+$/.test(v) || Number(v) <= 0) return undefined;
  return Number(v);
}

/** The numeric options of `ingest`, each checked by withNumber. */
function withNumberOptions<T>(y: Argv<T>): Argv<T> {
  let b = y;
  b = withNumber(b, 'join-window', {
    default: 5,
    min: 0,
    max: 3600,
    what: 'a number of seconds',
    describe: 'Seconds within which lines of different logs may be the same request',
  });
  b = withNumber(b, 'year', {
    integer: true,
    min: 1970,
    max: 9999,
    what: 'a year',
    describe: "Year for syslog timestamps that carry none (default: the file's modification year)",
  });
  b = withNumber(b, 'wait', {
    default: 600,
    min: 0,
    max: 86_400,
    what: 'a number of seconds',
    describe: 'Seconds to wait for another ingest on the same database',
  });
  b = withNumber(b, 'jobs', {
    integer: true,
    min: 0,
    max: 256,
    what: 'a whole number of worker threads',
    describe:
      'Parse with this many worker threads besides the main thread, which parses when they are busy ' +
      '(default: one fewer than the cores, for inputs over ~190 MB; 0 = the main thread alone)',
  });
  return b;
}

export const ingestCommand: CommandModule<object, IngestArgs & RemoteArgs> = {
  command: 'ingest [files..]',
  describe: 'Read nova-api and front-end logs (files, .gz, directories, - for stdin) into the database',
  builder: (y) => {
    let b = withRemoteSources(withRules(withDb(y)))
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
      .option('nova-timezone', {
        type: 'string',
        describe: "Zone of nova's oslo.log text timestamps (default: the machine's)",
      })
      .option('frontend', {
        type: 'string',
        array: true,
        // One value per --frontend, so files may follow it (`--frontend nova_api_front FILE`).
        nargs: 1,
        default: [] as string[],
        describe: 'HAProxy frontend/backend or vhost that serves the compute API (repeatable)',
      })
      .option('partial-last-line', {
        choices: ['auto', 'count', 'leave'] as const,
        default: 'auto' as const,
        describe: 'A last line without newline: auto counts it unless the file changed in the last minute',
      })
      .option('quiet', {
        type: 'boolean',
        default: false,
        describe: 'For cron: print nothing on success, one line on failure',
      });
    b = withNumberOptions(b);
    return b
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
      .example(
        '$0 ingest --journal --unit devstack@n-api --unit haproxy',
        'journald, from where the last run stopped',
      ) as unknown as Argv<IngestArgs & RemoteArgs>;
  },
  handler: async (args) => {
    // OpenSearch / Elasticsearch and journald are read by their own drivers (src/sources/).
    if (isRemote(args)) return ingestRemote(args);
    if (args.files.length === 0)
      throw new UserError(
        'Give log files (or -), or --opensearch URL, --elasticsearch URL or --journal.',
        ExitCode.usage,
      );
    // A bar on a terminal only: nothing on a pipe, a log file or with --quiet.
    const progress = process.stderr.isTTY && !args.quiet ? terminalProgress(process.stderr) : null;
    const batchBytes = batchBytesFromEnv();
    // On this thread: a thread of its own cost ~0.15 s of start-up per run, its heap bound
    // no longer needed now that chunks are applied as they come (bench/).
    const { ingest } = await import('../../ingest/run.js');
    const stop = stopOnSignals();
    const summary = await ingest({
      signal: stop.signal,
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
      ...(progress ? { onProgress: (p: ProgressEvent) => progress.update(p) } : {}),
      onNotice: (m: string) => {
        if (!args.quiet) process.stderr.write(`apicensus: ${m}\n`);
      },
    }).finally(() => stop.done());
    progress?.done();
    if (summary.interrupted !== null) {
      if (!args.quiet) process.stdout.write(summaryText(summary) + '\n');
      process.stderr.write(interruptedText(summary));
      setExitCode(summary.exitCode);
      return;
    }
    if (summary.exitCode !== ExitCode.ok) {
      const failed = summary.files.filter((f) => f.status === 'failed' || f.status === 'corrupt');
      if (args.quiet) throw new UserError(failed.map((f) => f.error ?? `${f.path}: ${f.notes.join('; ')}`).join('; '));
      process.stdout.write(summaryText(summary) + '\n');
      process.stderr.write(
        `apicensus: ${failed.length} input${failed.length === 1 ? '' : 's'} could not be read; ` +
          `everything else was ingested.\n`,
      );
      setExitCode(summary.exitCode);
      return;
    }
    if (!args.quiet) process.stdout.write(summaryText(summary) + '\n');
  },
};
