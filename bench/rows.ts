/**
 * The timed commands of the bench, one builder per kind: apicensus ingest
 * (checked through `apicensus report --format json`), grep and zcat | grep
 * (the baselines), lnav and goaccess (what an operator would use instead).
 * Every row checks its answer against the generator's counts: a speed for a
 * wrong answer is worthless.
 */
import { closeSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { measure, type Measurement } from './measure.js';

export type CheckStatus = 'ok' | 'mismatch' | 'differs' | 'unsupported' | 'failed' | 'info';

export interface Check {
  status: CheckStatus;
  text: string;
}

/** One timed execution of a row (a row may run several commands, e.g. N ingest calls). */
export interface RunResult {
  seconds: number;
  peakRssKb: number | null;
  /** User + system CPU seconds of the command(s), when GNU time measured them. */
  cpuSeconds?: number | null;
  /** 1-minute load average when the run started: above the core count, other work competed for the CPU. */
  load1?: number;
  check: Check;
  /** Anything worth keeping in latest.json: counts found, report time… */
  details?: Record<string, unknown>;
}

export interface Row {
  /** Rows of a group share an input and a baseline (the ratio column). */
  group: string;
  label: string;
  /** The exact command(s), as a person would type them from the repository root. */
  commands: string[];
  input: string;
  /** Log content in bytes (uncompressed), for MB and MB/s. */
  contentBytes: number;
  baseline: boolean;
  /** Files to read once before the group's first row. */
  warm: string[];
  run: () => Promise<RunResult>;
}

export interface Expected {
  requests: number;
  osHostsCalls: number;
  osServicesCalls: number;
}

export interface Context {
  root: string;
  gnuTime: string | null;
}

/** How a path is shown in commands: relative to the repository root when inside it. */
export const shown = (ctx: Context, p: string): string => {
  const r = relative(ctx.root, p);
  return r.startsWith('..') ? p : r;
};
/** Shell-quote for display: bare when safe, "…" when that needs no escapes, else '…'. $TMP placeholders stay bare. */
const quote = (s: string): string => {
  if (/^[\w./@%+=:,-]+$/.test(s) || /^\$TMP\/[\w./-]+$/.test(s)) return s;
  if (!/["$`\\!]/.test(s)) return `"${s}"`;
  return `'${s.replace(/'/g, `'\\''`)}'`;
};
const firstLine = (s: string): string =>
  s
    .trim()
    .split('\n')
    .find((l) => l.trim() !== '')
    ?.trim()
    .slice(0, 200) ?? '';
/**
 * The line of an error output that says what went wrong: apicensus's own message or a JS error,
 * else the first line.
 */
const telling = (s: string): string =>
  s
    .split('\n')
    .find((l) => /^apicensus: |^\w*Error\b|\bError: /.test(l.trim()))
    ?.trim()
    .slice(0, 200) ?? firstLine(s);
/** `exit 1`, or the signal that ended the process (GNU time and shells report a kill as 128 + signal). */
function exitText(code: number, signal: string | null): string {
  if (signal) return `killed by ${signal}`;
  if (code > 128) {
    const name = Object.entries(osConstants.signals).find(([, n]) => n === code - 128)?.[0];
    if (name) return `killed by ${name} (exit ${code}; another process ended it?)`;
  }
  return `exit ${code}`;
}
/** What `apicensus ingest` says when no parser reads a file (src/ingest/run.ts) or a format is unknown. */
const UNSUPPORTED_FORMAT = /cannot tell the log format|unknown format|Unknown --format|not supported/i;

const countCheck = (found: number, expected: number, what: string, failStatus: CheckStatus = 'mismatch'): Check =>
  found === expected
    ? { status: 'ok', text: `ok: ${what} ${found}` }
    : {
        status: failStatus,
        text: `${failStatus === 'mismatch' ? 'MISMATCH' : 'DIFFERS'}: ${what} ${found}, expected ${expected}`,
      };

// ---------------------------------------------------------------- apicensus

/**
 * apicensus as its command runs it: node with the environment and flags of the CLI's first line
 * (`#!/usr/bin/env -S MALLOC_ARENA_MAX=1 node --max-semi-space-size=1`: what the C library and V8
 * read only when the process starts), then the CLI.
 */
export function apicensusArgv(ctx: Context): { argv: string[]; env: Record<string, string> } {
  const cli = join(ctx.root, 'dist/src/cli/main.js');
  const { env, flags } = shebangOf(cli);
  return { argv: [process.execPath, ...flags, cli], env };
}

/** The same, as a person would type it from the repository root. */
export function apicensusShown(ctx: Context): string {
  const { env, flags } = shebangOf(join(ctx.root, 'dist/src/cli/main.js'));
  return [...Object.entries(env).map(([k, v]) => `${k}=${v}`), 'node', ...flags, 'dist/src/cli/main.js'].join(' ');
}

function shebangOf(cli: string): { env: Record<string, string>; flags: string[] } {
  const first = readFileSync(cli, 'utf8').split('\n', 1)[0] ?? '';
  const words = /^#!\S*env -S (.*)$/.exec(first)?.[1]?.trim().split(/\s+/) ?? [];
  const node = words.indexOf('node');
  const env: Record<string, string> = {};
  for (const w of words.slice(0, Math.max(node, 0))) {
    const eq = w.indexOf('=');
    if (eq > 0) env[w.slice(0, eq)] = w.slice(eq + 1);
  }
  return { env, flags: node < 0 ? [] : words.slice(node + 1) };
}

export interface ReportCounts {
  requests: number;
  osHosts: number;
  osServices: number;
}

export function readReport(json: string): ReportCounts {
  const r = JSON.parse(json) as { inputs?: { requests?: unknown }; apis?: { api?: unknown; calls?: unknown }[] };
  const requests = r.inputs?.requests;
  const calls = (api: string): unknown => r.apis?.find((a) => a.api === api)?.calls;
  if (
    typeof requests !== 'number' ||
    typeof calls('os-hosts') !== 'number' ||
    typeof calls('os-services') !== 'number'
  ) {
    throw new Error('report JSON lacks inputs.requests or apis[os-hosts|os-services].calls (schema changed?)');
  }
  return { requests, osHosts: calls('os-hosts') as number, osServices: calls('os-services') as number };
}

function compareReport(found: ReportCounts, expected: Expected): Check {
  const diffs: string[] = [];
  if (found.requests !== expected.requests) diffs.push(`requests ${found.requests} ≠ ${expected.requests}`);
  if (found.osHosts !== expected.osHostsCalls) diffs.push(`os-hosts ${found.osHosts} ≠ ${expected.osHostsCalls}`);
  if (found.osServices !== expected.osServicesCalls)
    diffs.push(`os-services ${found.osServices} ≠ ${expected.osServicesCalls}`);
  return diffs.length
    ? { status: 'mismatch', text: `MISMATCH: ${diffs.join(', ')}` }
    : {
        status: 'ok',
        text: `ok: ${found.requests} requests, ${found.osHosts} os-hosts, ${found.osServices} os-services`,
      };
}

type PerCall = { seconds: number; peakRssKb: number | null; cpuSeconds: number | null }[];

/** After the ingest calls: `report --format json` on their database, checked against what was generated. */
async function reportChecked(
  ctx: Context,
  db: string,
  r: { seconds: number; cpu: number | null; peak: number | null; perCall: PerCall },
  expected: Expected,
): Promise<RunResult> {
  const cli = apicensusArgv(ctx);
  const { seconds, cpu, peak, perCall } = r;
  const rep = await measure(
    { argv: [...cli.argv, 'report', '--db', db, '--format', 'json'], env: cli.env, cwd: ctx.root },
    null,
  );
  if (rep.exitCode !== 0) {
    return {
      seconds,
      peakRssKb: peak,
      check: { status: 'failed', text: `FAILED: report exited ${rep.exitCode}: ${telling(rep.stderr)}` },
      details: { perCall },
    };
  }
  let found: ReportCounts;
  try {
    found = readReport(rep.stdout);
  } catch (e) {
    return {
      seconds,
      peakRssKb: peak,
      check: { status: 'failed', text: `FAILED: ${(e as Error).message}` },
      details: { perCall },
    };
  }
  return {
    seconds,
    cpuSeconds: cpu,
    peakRssKb: peak,
    check: compareReport(found, expected),
    details: { perCall, found, expected, reportSeconds: rep.seconds },
  };
}

/**
 * `apicensus ingest` on a fresh database, as one call per entry of `calls`
 * (each a list of files), then `apicensus report --format json` to check the
 * counts. Seconds and peak RSS cover the ingest calls only (summed / max).
 * `unsupportedOk`: a failing ingest means the format is not supported yet
 * (reported as such, not as a failure).
 */
export function apicensusIngestRow(
  ctx: Context,
  o: {
    group: string;
    label: string;
    input: string;
    contentBytes: number;
    calls: string[][];
    expected: Expected;
    warm: string[];
    unsupportedOk: boolean;
    extra?: string[];
  },
): Row {
  const cli = apicensusArgv(ctx);
  const extra = o.extra ?? [];
  const commands = o.calls.map(
    (files) =>
      `${apicensusShown(ctx)} ingest ${files.map((f) => quote(shown(ctx, f))).join(' ')} --db $TMP/fresh.db ` +
      `--quiet${extra.length ? ' ' + extra.join(' ') : ''}`,
  );
  commands.push(`${apicensusShown(ctx)} report --db $TMP/fresh.db --format json`);
  return {
    group: o.group,
    label: o.label,
    commands,
    input: o.input,
    contentBytes: o.contentBytes,
    baseline: false,
    warm: o.warm,
    run: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'apicensus-bench-'));
      const db = join(dir, 'fresh.db');
      try {
        let seconds = 0;
        let cpu: number | null = 0;
        let peak: number | null = null;
        const perCall: PerCall = [];
        for (const files of o.calls) {
          const m = await measure(
            { argv: [...cli.argv, 'ingest', ...files, '--db', db, '--quiet', ...extra], env: cli.env, cwd: ctx.root },
            ctx.gnuTime,
          );
          seconds += m.seconds;
          cpu = cpu === null || m.cpuSeconds === null ? null : cpu + m.cpuSeconds;
          if (m.peakRssKb !== null) peak = Math.max(peak ?? 0, m.peakRssKb);
          perCall.push({ seconds: m.seconds, peakRssKb: m.peakRssKb, cpuSeconds: m.cpuSeconds });
          if (m.exitCode !== 0) {
            const why = telling(m.stderr) || telling(m.stdout) || exitText(m.exitCode, m.signal);
            // Only apicensus saying it cannot read the format means "not supported yet"; a crash is a failure.
            const unsupported = o.unsupportedOk && UNSUPPORTED_FORMAT.test(`${m.stderr}\n${m.stdout}`);
            return {
              seconds,
              peakRssKb: peak,
              check: unsupported
                ? { status: 'unsupported', text: `not supported yet: ${why}` }
                : { status: 'failed', text: `FAILED: ingest exited ${m.exitCode}: ${why}` },
              details: { perCall, stderr: m.stderr.slice(0, 4000) },
            };
          }
        }
        // await: the database is removed (finally) only once the report has read it.
        return await reportChecked(ctx, db, { seconds, cpu, peak, perCall }, o.expected);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

// ---------------------------------------------------------------- grep

/** `LC_ALL=C grep -c os-hosts FILE`: the baseline. Checks the generator's own count of such lines. */
export function grepRow(
  ctx: Context,
  o: { group: string; input: string; file: string; contentBytes: number; expectedLines: number },
): Row {
  return {
    group: o.group,
    label: 'grep -c os-hosts',
    commands: [`LC_ALL=C grep -c os-hosts ${quote(shown(ctx, o.file))}`],
    input: o.input,
    contentBytes: o.contentBytes,
    baseline: true,
    warm: [o.file],
    run: async () => {
      const m = await measure({ argv: ['grep', '-c', 'os-hosts', o.file], env: { LC_ALL: 'C' } }, ctx.gnuTime);
      // grep exits 1 when nothing matched; that is still an answer.
      if (m.exitCode > 1)
        return {
          seconds: m.seconds,
          peakRssKb: m.peakRssKb,
          cpuSeconds: m.cpuSeconds,
          check: { status: 'failed', text: `FAILED: grep: ${firstLine(m.stderr)}` },
        };
      return {
        seconds: m.seconds,
        peakRssKb: m.peakRssKb,
        cpuSeconds: m.cpuSeconds,
        check: countCheck(Number(m.stdout.trim()), o.expectedLines, 'lines'),
      };
    },
  };
}

/** `zcat -f FILES | LC_ALL=C grep -c os-hosts`: the baseline for compressed inputs (-f passes plain files through). */
export function zcatGrepRow(
  ctx: Context,
  o: { group: string; input: string; files: string[]; contentBytes: number; expectedLines: number; warm: string[] },
): Row {
  const script = 'set -o pipefail; zcat -f -- "$@" | LC_ALL=C grep -c os-hosts';
  return {
    group: o.group,
    label: 'zcat | grep -c os-hosts',
    commands: [`zcat -f ${o.files.map((f) => quote(shown(ctx, f))).join(' ')} | LC_ALL=C grep -c os-hosts`],
    input: o.input,
    contentBytes: o.contentBytes,
    baseline: true,
    warm: o.warm,
    run: async () => {
      const m = await measure({ argv: ['bash', '-c', script, 'bash', ...o.files] }, ctx.gnuTime);
      if (m.exitCode > 1)
        return {
          seconds: m.seconds,
          peakRssKb: m.peakRssKb,
          cpuSeconds: m.cpuSeconds,
          check: { status: 'failed', text: `FAILED: zcat | grep exited ${m.exitCode}: ${firstLine(m.stderr)}` },
        };
      return {
        seconds: m.seconds,
        peakRssKb: m.peakRssKb,
        cpuSeconds: m.cpuSeconds,
        check: countCheck(Number(m.stdout.trim()), o.expectedLines, 'lines'),
      };
    },
  };
}

// ---------------------------------------------------------------- lnav

/**
 * Which lnav log format claims a file, from its first 2,000 lines (lnav
 * formats are detected per file; a file no format claims is plain text and
 * only the text view and `:filter-in` work on it).
 */
export async function lnavFormatOf(file: string): Promise<string | null> {
  const dir = mkdtempSync(join(tmpdir(), 'apicensus-lnav-probe-'));
  try {
    const head = join(dir, 'head.log');
    // The first 2 MiB are plenty for 2,000 lines; never read the whole file here.
    const fd = openSync(file, 'r');
    const buf = Buffer.alloc(2 << 20);
    const n = readSync(fd, buf, 0, buf.length, 0);
    closeSync(fd);
    const lines = buf.subarray(0, n).toString('latin1').split('\n').slice(0, 2000);
    writeFileSync(head, lines.join('\n') + '\n', 'latin1');
    const m = await measure(
      {
        argv: [
          'lnav',
          '-n',
          '-c',
          ';SELECT log_format, count(*) AS n FROM all_logs GROUP BY log_format ORDER BY n DESC',
          '-c',
          ':write-csv-to -',
          head,
        ],
      },
      null,
    );
    const rows = m.stdout
      .trim()
      .split('\n')
      .slice(1)
      .filter((l) => l.trim() !== '');
    const top = rows[0]?.split(',')[0]?.trim();
    return top && top !== 'text' ? top : null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** First number of lnav's `:write-csv-to -` output (after the header). */
function csvNumber(stdout: string): number | null {
  const line = stdout.trim().split('\n')[1];
  const n = Number(line?.split(',')[0]);
  return line !== undefined && Number.isFinite(n) ? n : null;
}

export interface LnavQuery {
  label: string;
  /** `-c` arguments, in order. */
  args: string[];
  /** What the output means: a number, lines printed, or a CSV table. */
  read: (m: Measurement) => Check;
}

/**
 * lnav's count of lines mentioning os-hosts: SQL over the log table when a format claims the
 * file, else the text fallback.
 */
export function lnavCountQuery(format: string | null, expected: number): LnavQuery {
  if (format === null) {
    return {
      label: 'lnav :filter-in os-hosts (text)',
      args: [':filter-in os-hosts', ':write-view-to -'],
      read: (m) => countCheck(m.stdoutLines, expected, 'lines', 'differs'),
    };
  }
  return {
    label: `lnav SQL count (${format})`,
    args: [";SELECT count(*) AS n FROM all_logs WHERE log_body LIKE '%os-hosts%'", ':write-csv-to -'],
    read: (m) => {
      const n = csvNumber(m.stdout);
      return n === null
        ? { status: 'failed', text: `FAILED: no count in lnav output: ${firstLine(m.stderr) || firstLine(m.stdout)}` }
        : countCheck(n, expected, 'lines', 'differs');
    },
  };
}

/** lnav's count of compute os-hosts calls in an HAProxy log: the haproxy_log table knows the frontend. */
export function lnavHaproxyComputeQuery(expected: number): LnavQuery {
  return {
    label: 'lnav SQL nova os-hosts (haproxy_log)',
    args: [
      ";SELECT count(*) AS n FROM haproxy_log WHERE frontend_name = 'nova_api_front' AND http_url LIKE '%/os-hosts%'",
      ':write-csv-to -',
    ],
    read: (m) => {
      const n = csvNumber(m.stdout);
      return n === null
        ? { status: 'failed', text: `FAILED: no count in lnav output: ${firstLine(m.stderr) || firstLine(m.stdout)}` }
        : countCheck(n, expected, 'calls', 'differs');
    },
  };
}

/**
 * "os-hosts calls by action and project" in lnav SQL (for issue 8): the
 * project from the oslo context (lnav's openstack_log puts the bracket in
 * `tid`), method/host/power action from the request with regexp_capture.
 */
export const LNAV_BY_ACTION_PROJECT_SQL =
  ";SELECT CASE WHEN method = 'PUT' THEN 'update' WHEN power IS NOT NULL THEN power WHEN host IS NOT NULL THEN " +
  "'show' ELSE 'list' END AS action, project, count(*) AS calls " +
  'FROM (SELECT log_line, ' +
  "max(CASE WHEN capture_name = 'project' THEN content END) AS project, " +
  "max(CASE WHEN capture_name = 'method' THEN content END) AS method, " +
  "max(CASE WHEN capture_name = 'host' THEN content END) AS host, " +
  "max(CASE WHEN capture_name = 'power' THEN content END) AS power " +
  "FROM openstack_log, regexp_capture(openstack_log.tid || ' ' || openstack_log.log_body, " +
  `'^(?:\\S+ )?req-[0-9a-f-]{36} \\S+ (?<project>[0-9a-f]{32}) ` +
  `.*"(?<method>[A-Z]+) (?:/compute)?/v2(?:\\.1)?(?:/[0-9a-f]{32})?` +
  `/os-hosts(?:/(?<host>[^/?" ]+)(?:/(?<power>reboot|shutdown|startup))?)?[?" ]') ` +
  "WHERE openstack_log.log_body LIKE '%os-hosts%' GROUP BY log_line) GROUP BY 1, 2 ORDER BY 1, 2";

export function lnavByActionProjectQuery(expected: Record<string, number>): LnavQuery {
  return {
    label: 'lnav SQL os-hosts by action, project',
    args: [LNAV_BY_ACTION_PROJECT_SQL, ':write-csv-to -'],
    read: (m) => {
      const rows = m.stdout
        .trim()
        .split('\n')
        .slice(1)
        .filter((l) => l.trim() !== '');
      const found: Record<string, number> = {};
      for (const r of rows) {
        const [action, project, calls] = r.split(',');
        found[`${action} ${project}`] = Number(calls);
      }
      const keys = new Set([...Object.keys(found), ...Object.keys(expected)]);
      const wrong = [...keys].filter((k) => found[k] !== expected[k]);
      const total = Object.values(found).reduce((a, b) => a + b, 0);
      return wrong.length === 0
        ? { status: 'ok', text: `ok: ${rows.length} (action, project) groups, ${total} calls` }
        : {
            status: 'differs',
            text:
              `DIFFERS: ${wrong.length} of ${keys.size} (action, project) groups, e.g. ${wrong[0]}: ` +
              `${found[wrong[0]!] ?? 0} vs ${expected[wrong[0]!] ?? 0}`,
          };
    },
  };
}

export function lnavRow(
  ctx: Context,
  o: { group: string; input: string; file: string; contentBytes: number; query: LnavQuery },
): Row {
  const argv = ['lnav', '-n', ...o.query.args.flatMap((c) => ['-c', c]), o.file];
  return {
    group: o.group,
    label: o.query.label,
    commands: [['lnav', '-n', ...o.query.args.flatMap((c) => ['-c', quote(c)]), quote(shown(ctx, o.file))].join(' ')],
    input: o.input,
    contentBytes: o.contentBytes,
    baseline: false,
    warm: [o.file],
    run: async () => {
      const m = await measure({ argv }, ctx.gnuTime);
      if (m.exitCode !== 0)
        return {
          seconds: m.seconds,
          peakRssKb: m.peakRssKb,
          cpuSeconds: m.cpuSeconds,
          check: { status: 'failed', text: `FAILED: lnav exited ${m.exitCode}: ${firstLine(m.stderr)}` },
        };
      return {
        seconds: m.seconds,
        peakRssKb: m.peakRssKb,
        cpuSeconds: m.cpuSeconds,
        check: o.query.read(m),
        details: { output: m.stdout.slice(0, 4000) },
      };
    },
  };
}

// ---------------------------------------------------------------- goaccess

/**
 * goaccess's log-format for `option httplog` behind a syslog prefix: five
 * syslog tokens (month, day, time, host, `haproxy[pid]:`), client ip:port,
 * the request date, the frontend as virtual host, Ta as time taken (%L, ms),
 * status, bytes, then everything up to the quoted request is skipped (`%^"`),
 * so lines with or without `{captures}` parse alike. A space-padded day
 * (`Mar  2`) would add a token: these files start on the 18th.
 */
export const GOACCESS_HAPROXY_FORMAT =
  '%^ %^ %^ %^ %^: %h:%^ [%d:%t.%^] %v %^/%^ %^/%^/%^/%^/%L %s %b %^ %^ %^ %^ %^ %^"%r"';

export function goaccessRow(
  ctx: Context,
  o: {
    group: string;
    input: string;
    file: string;
    contentBytes: number;
    expectedOsHostsLines: number;
    expectedRequests: number;
  },
): Row {
  const args = (out: string): string[] => [
    `--log-format=${GOACCESS_HAPROXY_FORMAT}`,
    '--date-format=%d/%b/%Y',
    '--time-format=%H:%M:%S',
    '--no-global-config',
    '--no-progress',
    // Every URL in the JSON, not the top 366: the os-hosts ones are rare.
    '--max-items=10000000',
    '-o',
    out,
  ];
  return {
    group: o.group,
    label: 'goaccess httplog → JSON',
    commands: [['goaccess', quote(shown(ctx, o.file)), ...args('$TMP/goaccess.json').map(quote)].join(' ')],
    input: o.input,
    contentBytes: o.contentBytes,
    baseline: false,
    warm: [o.file],
    run: async () => {
      const dir = mkdtempSync(join(tmpdir(), 'apicensus-goaccess-'));
      const out = join(dir, 'goaccess.json');
      try {
        const m = await measure({ argv: ['goaccess', o.file, ...args(out)] }, ctx.gnuTime);
        if (m.exitCode !== 0)
          return {
            seconds: m.seconds,
            peakRssKb: m.peakRssKb,
            cpuSeconds: m.cpuSeconds,
            check: { status: 'failed', text: `FAILED: goaccess exited ${m.exitCode}: ${firstLine(m.stderr)}` },
          };
        type Item = { data?: string; hits?: { count?: number } };
        const j = JSON.parse(readFileSync(out, 'utf8')) as {
          general?: { valid_requests?: number; failed_requests?: number };
          requests?: { data?: Item[] };
          not_found?: { data?: Item[] };
        };
        // 404s live in not_found, every other status in requests; goaccess cannot tell frontends
        // apart per URL, so cinder's os-hosts count too.
        const items = [...(j.requests?.data ?? []), ...(j.not_found?.data ?? [])];
        const osHosts = items.filter((i) => i.data?.includes('os-hosts')).reduce((n, i) => n + (i.hits?.count ?? 0), 0);
        const valid = j.general?.valid_requests ?? -1;
        const checks = [
          countCheck(osHosts, o.expectedOsHostsLines, 'os-hosts hits (all frontends)', 'differs'),
          countCheck(valid, o.expectedRequests, 'valid requests', 'differs'),
        ];
        const bad = checks.find((c) => c.status !== 'ok');
        return {
          seconds: m.seconds,
          peakRssKb: m.peakRssKb,
          cpuSeconds: m.cpuSeconds,
          check: bad ?? { status: 'ok', text: `ok: ${osHosts} os-hosts hits (all frontends), ${valid} requests` },
          details: { osHosts, valid, failed: j.general?.failed_requests ?? null },
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

// ---------------------------------------------------------------- report

/**
 * `apicensus report` over a store already built (the ingest is not timed here): text, the
 * default a person reads, then JSON to check the calls of interest against the generator's.
 */
export function apicensusReportRow(
  ctx: Context,
  o: { group: string; input: string; db: string; calls: number; expected: Expected; format: 'text' | 'json' },
): Row {
  const cli = apicensusArgv(ctx);
  return {
    group: o.group,
    label: `apicensus report (${o.format})`,
    commands: [`${apicensusShown(ctx)} report --db ${quote(shown(ctx, o.db))} --format ${o.format} > /dev/null`],
    input: o.input,
    contentBytes: 0,
    baseline: false,
    warm: [o.db],
    run: async () => {
      const m = await measure(
        {
          argv: [...cli.argv, 'report', '--db', o.db, '--format', o.format],
          env: cli.env,
          cwd: ctx.root,
          stdout: o.format === 'text' ? 'ignore' : undefined,
        },
        ctx.gnuTime,
      );
      if (m.exitCode !== 0)
        return {
          seconds: m.seconds,
          peakRssKb: m.peakRssKb,
          cpuSeconds: m.cpuSeconds,
          check: { status: 'failed', text: `FAILED: report exited ${m.exitCode}: ${telling(m.stderr)}` },
        };
      let check: Check = { status: 'ok', text: `ok: a store of ${o.calls.toLocaleString('en-US')} calls` };
      if (o.format === 'json') {
        try {
          check = compareReport(readReport(m.stdout), o.expected);
        } catch (e) {
          check = { status: 'failed', text: `FAILED: ${(e as Error).message}` };
        }
      }
      return { seconds: m.seconds, peakRssKb: m.peakRssKb, cpuSeconds: m.cpuSeconds, check };
    },
  };
}
