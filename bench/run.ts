/**
 * `npm run bench`: generate (or reuse) the bench logs, time apicensus against
 * grep, lnav and goaccess on them one command after another, check every
 * answer against what the generators wrote, print one table and write
 * bench/out/latest.json. Exits 1 when apicensus (or grep, which checks the
 * generator's own bookkeeping) gives a wrong count or fails.
 *
 * Options: --size-mb N (default 1100) --haproxy-size-mb N --seed S --gz
 * --rotated N --repeat N --inputs nova,haproxy,opensearch --opensearch-docs N --tools apicensus,grep,lnav,goaccess
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DataDir, type Dataset } from './datasets.js';
import type { HaproxyLogFacts } from './generate-haproxy.js';
import type { NovaLogFacts } from './generate-nova.js';
import { measure, median, warmPageCache } from './measure.js';
import {
  apicensusArgv,
  apicensusIngestRow,
  apicensusReportRow,
  goaccessRow,
  grepRow,
  lnavByActionProjectQuery,
  lnavCountQuery,
  lnavFormatOf,
  lnavHaproxyComputeQuery,
  lnavRow,
  shown,
  zcatGrepRow,
  type Check,
  type CheckStatus,
  type Context,
  type Expected,
  type Row,
  type RunResult,
} from './rows.js';
import { searchRow, stopSearchServer } from './search-case.js';
import { formatTable } from './table.js';
import { findTools, type ToolSet } from './tools.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ALL_INPUTS = ['nova', 'nova-heavy', 'haproxy', 'opensearch', 'report'] as const;
const ALL_TOOLS = ['apicensus', 'grep', 'lnav', 'goaccess'] as const;

const USAGE = `Usage: npm run bench -- [options]

  --size-mb N          size of the generated nova-api.log (default 1100)
  --haproxy-size-mb N  size of the generated haproxy.log (default: --size-mb)
  --seed TEXT          generator seed (default apicensus-bench-1)
  --gz                 also time nova-api.log.gz (zcat | grep vs apicensus ingest)
  --rotated N          also time N rotated files (half gzip'd): one ingest call vs N calls
  --repeat N           run each timed command N times and report the median (default 1)
  --inputs LIST        what to time: nova,nova-heavy,haproxy,opensearch,report (default all)
  --heavy-share X      nova-heavy: the share of requests a monitoring job makes to os-services (default 0.15)
  --report-calls N     report: calls in the store the report reads (default 1000000)
  --opensearch-docs N  documents in the fake OpenSearch day (default 1000000)
  --tools LIST         apicensus,grep,lnav,goaccess (default all; grep is the baseline)
  -h, --help
`;

interface Options {
  sizeMb: number;
  haproxySizeMb: number;
  seed: string;
  gz: boolean;
  rotated: number;
  repeat: number;
  inputs: Set<string>;
  tools: Set<string>;
  opensearchDocs: number;
  heavyShare: number;
  reportCalls: number;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      'size-mb': { type: 'string', default: '1100' },
      'haproxy-size-mb': { type: 'string' },
      seed: { type: 'string', default: 'apicensus-bench-1' },
      gz: { type: 'boolean', default: false },
      rotated: { type: 'string', default: '0' },
      repeat: { type: 'string', default: '1' },
      inputs: { type: 'string', default: ALL_INPUTS.join(',') },
      'opensearch-docs': { type: 'string', default: '1000000' },
      'heavy-share': { type: 'string', default: '0.15' },
      'report-calls': { type: 'string', default: '1000000' },
      tools: { type: 'string', default: ALL_TOOLS.join(',') },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const positive = (name: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${v}`);
    return n;
  };
  const list = (name: string, v: string, allowed: readonly string[]): Set<string> => {
    const items = v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    for (const i of items)
      if (!allowed.includes(i)) throw new Error(`--${name}: unknown "${i}" (known: ${allowed.join(', ')})`);
    return new Set(items);
  };
  const share = (v: string | undefined): number => {
    const n = Number(v);
    if (!(n > 0 && n < 1)) throw new Error(`--heavy-share must be a number between 0 and 1, got ${v}`);
    return n;
  };
  const sizeMb = positive('size-mb', values['size-mb'], 1);
  const rotated = positive('rotated', values.rotated, 0);
  if (rotated === 1) throw new Error('--rotated needs at least 2 files');
  return {
    sizeMb,
    haproxySizeMb:
      values['haproxy-size-mb'] === undefined ? sizeMb : positive('haproxy-size-mb', values['haproxy-size-mb'], 1),
    seed: values.seed,
    gz: values.gz,
    rotated,
    repeat: positive('repeat', values.repeat, 1),
    inputs: list('inputs', values.inputs, ALL_INPUTS),
    tools: list('tools', values.tools, ALL_TOOLS),
    opensearchDocs: positive('opensearch-docs', values['opensearch-docs'], 1000),
    heavyShare: share(values['heavy-share']),
    reportCalls: positive('report-calls', values['report-calls'], 1000),
  };
}

const log = (m: string): void => {
  process.stderr.write(`[bench] ${m}\n`);
};

/** Worst first: a row's check over repeated runs is its worst one. */
const SEVERITY: CheckStatus[] = ['failed', 'mismatch', 'unsupported', 'differs', 'info', 'ok'];

export interface RowResult {
  group: string;
  label: string;
  commands: string[];
  input: string;
  contentMb: number;
  baseline: boolean;
  seconds: number | null;
  mbPerSecond: number | null;
  ratioToBaseline: number | null;
  baselineLabel: string | null;
  peakRssMb: number | null;
  /** Median user + system CPU seconds (GNU time), null when unknown. */
  cpuSeconds: number | null;
  /** Highest 1-minute load average seen when a run of this row started. */
  load1: number;
  check: Check;
  runs: RunResult[];
}

async function runRows(rows: Row[], repeat: number): Promise<RowResult[]> {
  const warmed = new Set<string>();
  const results: RowResult[] = [];
  for (const [i, row] of rows.entries()) {
    for (const f of row.warm) {
      if (warmed.has(f)) continue;
      log(`warming the page cache: cat ${shown({ root: ROOT, gnuTime: null }, f)} > /dev/null`);
      await warmPageCache(f);
      warmed.add(f);
    }
    const runs: RunResult[] = [];
    for (let r = 0; r < repeat; r++) {
      log(`[${i + 1}/${rows.length}] ${row.label} on ${row.input}${repeat > 1 ? ` (run ${r + 1}/${repeat})` : ''}…`);
      const load1 = os.loadavg()[0]!;
      const res = { ...(await row.run()), load1 };
      log(`      ${res.seconds.toFixed(2)} s, ${res.check.text}`);
      runs.push(res);
      // An unsupported format will not become supported by trying again.
      if (res.check.status === 'unsupported' || res.check.status === 'failed') break;
    }
    const check = [...runs].sort((a, b) => SEVERITY.indexOf(a.check.status) - SEVERITY.indexOf(b.check.status))[0]!
      .check;
    const timed = check.status !== 'unsupported' && check.status !== 'failed';
    const seconds = timed ? median(runs.map((x) => x.seconds)) : null;
    const rss = runs.map((x) => x.peakRssKb).filter((x): x is number => x !== null);
    const cpu = runs.map((x) => x.cpuSeconds).filter((x): x is number => typeof x === 'number');
    const contentMb = row.contentBytes / 1e6;
    results.push({
      group: row.group,
      label: row.label,
      commands: row.commands,
      input: row.input,
      contentMb,
      baseline: row.baseline,
      seconds,
      mbPerSecond: seconds ? contentMb / seconds : null,
      ratioToBaseline: null,
      baselineLabel: null,
      peakRssMb: rss.length ? Math.max(...rss) / 1024 : null,
      cpuSeconds: timed && cpu.length === runs.length ? median(cpu) : null,
      load1: Math.max(...runs.map((x) => x.load1 ?? 0)),
      check,
      runs,
    });
  }
  for (const r of results) {
    const base = results.find((b) => b.group === r.group && b.baseline && b.seconds !== null);
    if (base && r.seconds !== null) {
      r.ratioToBaseline = r.seconds / base.seconds!;
      r.baselineLabel = base.label;
    }
  }
  return results;
}

/** Ingest `log` into `db` (the store a report row reads); throws when the ingest fails. */
async function buildStore(ctx: Context, log: string, db: string): Promise<void> {
  const cli = apicensusArgv(ctx);
  const m = await measure(
    { argv: [...cli.argv, 'ingest', log, '--db', db, '--quiet'], env: cli.env, cwd: ctx.root },
    null,
  );
  if (m.exitCode !== 0) throw new Error(`building the report's store failed: ${m.stderr.slice(0, 400)}`);
}

function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  let distro: string | null;
  try {
    distro = /PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? null;
  } catch {
    distro = null;
  }
  return {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    distro,
    date: new Date().toISOString(),
  };
}

/** The generated (or reused) logs the inputs asked for read. */
function datasetsOf(
  opts: Options,
  data: DataDir,
): { novaLog: Dataset<NovaLogFacts> | null; haproxy: Dataset<HaproxyLogFacts> | null } {
  // nova-api.log is generated only for the rows that read it (and left as it is otherwise: a
  // run of other inputs must not replace the cached gigabyte with a small one).
  const needNova = opts.inputs.has('nova') || opts.gz || opts.rotated > 0;
  const novaLog = needNova ? data.nova(opts.seed, opts.sizeMb * 1_000_000) : null;
  const haproxy = opts.inputs.has('haproxy') ? data.haproxy(opts.seed, opts.haproxySizeMb * 1_000_000) : null;
  if (novaLog)
    log(
      `nova-api.log ${novaLog.reused ? 'reused' : 'generated'}: ${(novaLog.facts.bytes / 1e6).toFixed(0)} MB, ` +
        `${novaLog.facts.lines} lines, ${novaLog.facts.computeRequests} compute requests, ` +
        `${novaLog.facts.osHostsCalls} os-hosts calls`,
    );
  return { novaLog, haproxy };
}

/** What the row builders share: the options, the tools found, the data, and what they collect. */
interface Plan {
  opts: Options;
  tools: ToolSet;
  ctx: Context;
  data: DataDir;
  use: (t: string) => boolean;
  rows: Row[];
  skipped: string[];
  lnavFormats: Record<string, string | null>;
  /** Temporary directories of the report rows' stores, removed after the runs. */
  stores: string[];
}

/** grep, apicensus and lnav on a nova log (the usual one, or the heavy profile's). */
async function novaRows(p: Plan, g: string, log: Dataset<NovaLogFacts>): Promise<void> {
  const { ctx, use, rows, skipped, tools, lnavFormats } = p;
  const common = { group: g, input: g, contentBytes: log.facts.bytes };
  const expected: Expected = {
    requests: log.facts.computeRequests,
    osHostsCalls: log.facts.osHostsCalls,
    osServicesCalls: log.facts.osServicesCalls,
  };
  if (use('grep')) rows.push(grepRow(ctx, { ...common, file: log.path, expectedLines: log.facts.osHostsLines }));
  if (use('apicensus'))
    rows.push(
      apicensusIngestRow(ctx, {
        ...common,
        label: 'apicensus ingest',
        calls: [[log.path]],
        expected,
        warm: [log.path],
        unsupportedOk: false,
      }),
    );
  if (use('lnav') && tools.lnav) {
    const format = await lnavFormatOf(log.path);
    lnavFormats[g] = format;
    if (format === null)
      skipped.push(`lnav: no lnav format claims ${g}, so it is read as plain text (:filter-in fallback)`);
    rows.push(lnavRow(ctx, { ...common, file: log.path, query: lnavCountQuery(format, log.facts.osHostsLines) }));
    if (format === 'openstack_log')
      rows.push(
        lnavRow(ctx, {
          ...common,
          file: log.path,
          query: lnavByActionProjectQuery(log.facts.osHostsByActionProject),
        }),
      );
    else
      skipped.push(
        `lnav by action and project on ${g}: needs lnav's openstack_log format, the file was read as ` +
          `${format ?? 'plain text'}`,
      );
  }
  if (use('goaccess') && tools.goaccess)
    skipped.push(
      `goaccess on ${g}: not an access log goaccess can read (oslo.log lines); goaccess runs on haproxy.log only`,
    );
}

/** grep, apicensus, lnav and goaccess on haproxy.log. */
async function haproxyRows(p: Plan, haproxy: Dataset<HaproxyLogFacts>): Promise<void> {
  const { ctx, use, rows, tools, lnavFormats } = p;
  const g = 'haproxy.log';
  const common = { group: g, input: 'haproxy.log', contentBytes: haproxy.facts.bytes };
  const expected: Expected = {
    requests: haproxy.facts.computeRequests,
    osHostsCalls: haproxy.facts.osHostsCalls,
    osServicesCalls: haproxy.facts.osServicesCalls,
  };
  if (use('grep'))
    rows.push(grepRow(ctx, { ...common, file: haproxy.path, expectedLines: haproxy.facts.osHostsLines }));
  if (use('apicensus'))
    rows.push(
      apicensusIngestRow(ctx, {
        ...common,
        label: 'apicensus ingest',
        calls: [[haproxy.path]],
        expected,
        warm: [haproxy.path],
        unsupportedOk: true,
      }),
    );
  if (use('lnav') && tools.lnav) {
    const format = await lnavFormatOf(haproxy.path);
    lnavFormats[g] = format;
    rows.push(
      lnavRow(ctx, {
        ...common,
        file: haproxy.path,
        query:
          format === 'haproxy_log'
            ? lnavHaproxyComputeQuery(haproxy.facts.osHostsCalls)
            : lnavCountQuery(format, haproxy.facts.osHostsLines),
      }),
    );
  }
  if (use('goaccess') && tools.goaccess) {
    rows.push(
      goaccessRow(ctx, {
        ...common,
        file: haproxy.path,
        expectedOsHostsLines: haproxy.facts.osHostsLines,
        expectedRequests: haproxy.facts.httpRequests,
      }),
    );
  }
}

/** zcat | grep and apicensus on nova-api.log.gz; what was compressed, for latest.json. */
async function gzRows(
  p: Plan,
  nova: Dataset<NovaLogFacts>,
  novaExpected: Expected,
): Promise<Record<string, unknown> | null> {
  const { ctx, use, rows, skipped, tools, data } = p;
  if (!p.opts.gz) {
    skipped.push('nova-api.log.gz rows: not asked for (--gz)');
    return null;
  }
  const gz = await data.novaGz(nova);
  const info = { ...gz };
  const g = 'nova-api.log.gz';
  const input = `nova-api.log.gz (${(gz.bytes / 1e6).toFixed(0)} MB gz)`;
  if (!tools.zcat || !tools.bash)
    skipped.push('zcat | grep on nova-api.log.gz: zcat or bash missing, so the gz rows have no baseline');
  else if (use('grep'))
    rows.push(
      zcatGrepRow(ctx, {
        group: g,
        input,
        files: gz.paths,
        contentBytes: nova.facts.bytes,
        expectedLines: nova.facts.osHostsLines,
        warm: gz.paths,
      }),
    );
  if (use('apicensus'))
    rows.push(
      apicensusIngestRow(ctx, {
        group: g,
        label: 'apicensus ingest (.gz)',
        input,
        contentBytes: nova.facts.bytes,
        calls: [gz.paths],
        expected: novaExpected,
        warm: gz.paths,
        unsupportedOk: false,
      }),
    );
  return info;
}

/** zcat | grep and apicensus (one call, a call per file, one core) on rotated files; what was cut, for latest.json. */
async function rotatedRows(
  p: Plan,
  nova: Dataset<NovaLogFacts>,
  novaExpected: Expected,
): Promise<Record<string, unknown> | null> {
  const { ctx, use, rows, skipped, tools, data, opts } = p;
  if (opts.rotated <= 0) {
    skipped.push('rotated-file rows: not asked for (--rotated N)');
    return null;
  }
  const rot = await data.rotated(nova, opts.rotated);
  const info = { ...rot };
  const n = opts.rotated;
  const g = `rotated-${n}`;
  const input = `${n} rotated files (${Math.floor(n / 2)} gz, ${(rot.bytes / 1e6).toFixed(0)} MB on disk)`;
  const common = {
    group: g,
    input,
    contentBytes: nova.facts.bytes,
    expected: novaExpected,
    warm: rot.paths,
    unsupportedOk: false,
  };
  if (!tools.zcat || !tools.bash)
    skipped.push('zcat -f | grep on the rotated files: zcat or bash missing, so the rotated rows have no baseline');
  else if (use('grep'))
    rows.push(
      zcatGrepRow(ctx, {
        group: g,
        input,
        files: rot.paths,
        contentBytes: nova.facts.bytes,
        expectedLines: nova.facts.osHostsLines,
        warm: rot.paths,
      }),
    );
  if (use('apicensus')) {
    rows.push(
      apicensusIngestRow(ctx, { ...common, label: `apicensus ingest, ${n} files in 1 call`, calls: [rot.paths] }),
    );
    rows.push(
      apicensusIngestRow(ctx, {
        ...common,
        label: `apicensus ingest, ${n} calls, same db`,
        calls: rot.paths.map((p) => [p]),
      }),
    );
    // The issue's baseline for "both cores busy": the same files one after another on one core.
    rows.push(
      apicensusIngestRow(ctx, {
        ...common,
        label: `apicensus ingest, ${n} calls, one core (--jobs 0)`,
        calls: rot.paths.map((p) => [p]),
        extra: ['--jobs', '0'],
      }),
    );
  }
  return info;
}

/** apicensus report, in text and JSON, over a store built by an ingest that is not timed. */
async function reportRows(p: Plan): Promise<void> {
  const { ctx, rows, data, opts } = p;
  if (!(opts.inputs.has('report') && p.use('apicensus'))) return;
  // A log where a monitoring job makes 90 % of the requests (~545 bytes a request, its other lines too): a store of
  // about --report-calls calls, built by an ingest that is not timed.
  const monitored = data.novaMonitored(opts.seed, Math.ceil((opts.reportCalls / 0.9) * 545), 0.9);
  const calls = monitored.facts.osServicesCalls + monitored.facts.osHostsCalls;
  const dir = mkdtempSync(join(tmpdir(), 'apicensus-bench-report-'));
  p.stores.push(dir);
  const db = join(dir, 'store.db');
  log(`building the report's store: ingest ${shown(ctx, monitored.path)} (${calls} calls of interest)…`);
  await buildStore(ctx, monitored.path, db);
  const input = `a store of ${calls.toLocaleString('en-US')} calls (${basename(monitored.path)})`;
  const expected: Expected = {
    requests: monitored.facts.computeRequests,
    osHostsCalls: monitored.facts.osHostsCalls,
    osServicesCalls: monitored.facts.osServicesCalls,
  };
  for (const format of ['text', 'json'] as const)
    rows.push(apicensusReportRow(ctx, { group: 'report', input, db, calls, expected, format }));
}

/** The table, its header and the exact commands, and the search server's figures. */
function resultLines(results: RowResult[], m: Record<string, unknown>, tools: ToolSet, opts: Options): string[] {
  const out: string[] = [];
  out.push(`apicensus bench — ${m.date as string}`);
  out.push(
    `machine: ${m.cpu as string}, ${m.cores as number} cores, ${m.ramGiB as number} GiB RAM, ` +
      `${m.distro ?? m.os}, node ${process.version}`,
  );
  out.push(
    `tools: ${Object.entries(tools.versions)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ')}`,
  );
  out.push(
    `peak RSS: ${tools.gnuTime ? 'GNU time %M' : '/proc VmHWM polling'}; each command ran ${opts.repeat} ` +
      `time${opts.repeat > 1 ? 's (median seconds, max RSS)' : ''}; page cache warmed before each input`,
  );
  out.push(
    'MB = log content (uncompressed); CPU s = user + system seconds (GNU time); × baseline = seconds ÷ seconds ' +
      "of the group's grep -c (zcat | grep -c for compressed inputs)",
  );
  out.push('');
  out.push(formatTable(results));
  out.push('');
  out.push('Commands (from the repository root; $TMP is a fresh temporary directory per run):');
  results.forEach((r, i) => {
    out.push(`  ${i + 1}. ${r.label} [${r.input}]`);
    for (const c of r.commands) out.push(`       ${c}`);
  });
  for (const r of results.filter((x) => x.group === 'opensearch')) {
    const d = r.runs[0]?.details as
      | {
          documents: number;
          fetched: number;
          calls: number;
          fetchedPerCall: number | null;
          documentsPerCall: number | null;
          generateSeconds: number;
        }
      | undefined;
    if (!d) continue;
    out.push('');
    out.push(
      `Search server: ${d.documents.toLocaleString('en-US')} documents in the window, ` +
        `${d.fetched.toLocaleString('en-US')} fetched (${((d.fetched / d.documents) * 100).toFixed(3)} %), ` +
        `${d.calls} calls of interest found: ${d.fetchedPerCall?.toFixed(1) ?? '-'} documents fetched per call found ` +
        `(${d.documentsPerCall?.toFixed(0) ?? '-'} in the window per call), ${r.seconds?.toFixed(2) ?? '-'} s` +
        `${r.cpuSeconds !== null ? ` (ingest CPU ${r.cpuSeconds.toFixed(2)} s)` : ''}; ` +
        `the fake server (a worker thread, generated in ${d.generateSeconds.toFixed(1)} s) ` +
        `answers the aggregation by scanning every document in JavaScript.`,
    );
  }
  return out;
}

/** What was skipped, and whether the machine was busy while the rows ran. */
function caveatLines(results: RowResult[], skipped: readonly string[], loadAtStart: number[], cores: number): string[] {
  const out: string[] = [];
  if (skipped.length) {
    out.push('');
    out.push('Skipped or degraded:');
    for (const s of skipped) out.push(`  - ${s}`);
  }
  // With the input in the page cache, a command that got much less CPU than wall time waited for the CPU:
  // another process competed (tiny runs are left out, their time is mostly start-up).
  const starved = results.filter(
    (r) => r.seconds !== null && r.seconds > 2 && r.cpuSeconds !== null && r.cpuSeconds < 0.8 * r.seconds,
  );
  const crowded = results.filter((r) => r.load1 > cores + 1);
  if (loadAtStart[0]! > cores || starved.length || crowded.length) {
    out.push('');
    out.push(
      `WARNING: the machine was busy (1-minute load ${loadAtStart[0]!.toFixed(1)} at start on ${cores} cores` +
        (starved.length
          ? `; less CPU than wall time for: ${starved.map((r) => `${r.label} [${r.input}]`).join(', ')}`
          : '') +
        (crowded.length
          ? `; load above ${cores + 1} when starting: ${crowded.map((r) => `${r.label} [${r.input}]`).join(', ')}`
          : '') +
        '): rerun on a quiet machine for figures to compare.',
    );
  }
  return out;
}

/** The rows whose check did not pass, last, where they are seen. */
function checkLines(results: RowResult[], fatal: RowResult[]): string[] {
  const out: string[] = [];
  const unsupported = results.filter((r) => r.check.status === 'unsupported');
  const differs = results.filter((r) => r.check.status === 'differs');
  if (unsupported.length || differs.length || fatal.length) out.push('');
  for (const r of unsupported) out.push(`NOT SUPPORTED YET: ${r.label} on ${r.input}: ${r.check.text}`);
  for (const r of differs)
    out.push(
      `note: reference tool disagrees with the generator (not fatal): ${r.label} on ${r.input}: ${r.check.text}`,
    );
  for (const r of fatal) out.push(`FAIL: ${r.label} on ${r.input}: ${r.check.text}`);
  return out;
}

/** The raw figures of the run, the machine, the tools and the datasets, in bench/out/latest.json. */
function writeLatest(
  p: Plan,
  m: Record<string, unknown>,
  loadAtStart: number[],
  datasets: {
    novaLog: Dataset<NovaLogFacts> | null;
    haproxy: Dataset<HaproxyLogFacts> | null;
    gzInfo: Record<string, unknown> | null;
    rotatedInfo: Record<string, unknown> | null;
  },
  results: RowResult[],
  ok: boolean,
): void {
  const { ctx, tools, opts, lnavFormats, skipped } = p;
  const { novaLog, haproxy, gzInfo, rotatedInfo } = datasets;
  const outDir = join(ROOT, 'bench/out');
  mkdirSync(outDir, { recursive: true });
  const json = {
    schema: 'apicensus.bench/v1',
    machine: { ...m, loadAverageAtStart: loadAtStart, loadAverageAtEnd: os.loadavg() },
    tools: tools.versions,
    rssMethod: tools.gnuTime ? 'gnu-time' : 'proc-poll',
    options: { ...opts, inputs: [...opts.inputs], tools: [...opts.tools] },
    datasets: {
      nova: novaLog
        ? {
            path: shown(ctx, novaLog.path),
            reused: novaLog.reused,
            generateSeconds: novaLog.generateSeconds,
            facts: novaLog.facts,
          }
        : null,
      haproxy: haproxy
        ? {
            path: shown(ctx, haproxy.path),
            reused: haproxy.reused,
            generateSeconds: haproxy.generateSeconds,
            facts: haproxy.facts,
          }
        : null,
      novaGz: gzInfo,
      rotated: rotatedInfo,
    },
    lnavFormats,
    rows: results,
    skipped,
    ok,
  };
  writeFileSync(join(outDir, 'latest.json'), JSON.stringify(json, null, 2) + '\n');
  log(`wrote ${shown(ctx, join(outDir, 'latest.json'))}`);
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  if (!existsSync(join(ROOT, 'dist/src/cli/main.js')))
    throw new Error('dist/src/cli/main.js is missing: run `npm run build` first (npm run bench does)');
  const tools = await findTools();
  const skipped: string[] = [...tools.missing];
  if (!tools.grep) throw new Error('grep is required (it is the baseline of every ratio)');
  const ctx: Context = { root: ROOT, gnuTime: tools.gnuTime };
  const use = (t: string): boolean => opts.tools.has(t);
  for (const t of ALL_TOOLS) if (!use(t)) skipped.push(`${t}: left out by --tools`);

  const data = new DataDir(join(ROOT, 'bench/data'), log);
  const { novaLog, haproxy } = datasetsOf(opts, data);
  // Read only where needNova holds.
  const nova = novaLog as Dataset<NovaLogFacts>;
  if (haproxy)
    log(
      `haproxy.log ${haproxy.reused ? 'reused' : 'generated'}: ${(haproxy.facts.bytes / 1e6).toFixed(0)} MB, ` +
        `${haproxy.facts.lines} lines, ${haproxy.facts.computeRequests} compute requests, ` +
        `${haproxy.facts.osHostsCalls} os-hosts calls`,
    );

  const novaExpected: Expected = {
    requests: novaLog?.facts.computeRequests ?? 0,
    osHostsCalls: novaLog?.facts.osHostsCalls ?? 0,
    osServicesCalls: novaLog?.facts.osServicesCalls ?? 0,
  };
  const rows: Row[] = [];
  const lnavFormats: Record<string, string | null> = {};

  const p: Plan = { opts, tools, ctx, data, use, rows, skipped, lnavFormats, stores: [] };
  if (opts.inputs.has('nova')) await novaRows(p, 'nova-api.log', nova);
  if (opts.inputs.has('nova-heavy')) {
    const heavy = data.novaMonitored(opts.seed, opts.sizeMb * 1_000_000, opts.heavyShare);
    log(
      `${basename(heavy.path)} ${heavy.reused ? 'reused' : 'generated'}: ` +
        `${(heavy.facts.bytes / 1e6).toFixed(0)} MB, ${heavy.facts.computeRequests} compute requests, ` +
        `${heavy.facts.osServicesCalls} os-services calls ` +
        `(${((heavy.facts.osServicesCalls / heavy.facts.computeRequests) * 100).toFixed(1)} %)`,
    );
    await novaRows(p, `nova-api.log, ${Math.round(opts.heavyShare * 100)} % monitoring calls`, heavy);
  }

  if (haproxy) await haproxyRows(p, haproxy);

  const gzInfo = await gzRows(p, nova, novaExpected);
  const rotatedInfo = await rotatedRows(p, nova, novaExpected);

  if (opts.inputs.has('opensearch') && use('apicensus'))
    rows.push(searchRow(ctx, { documents: opts.opensearchDocs, seed: opts.seed }));

  await reportRows(p);

  // The bench's own build just ran, so a 1-minute load near 1 is ours; above the core count, others are busy too.
  const loadAtStart = os.loadavg();
  const cores = os.cpus().length;
  if (loadAtStart[0]! > cores) {
    log(
      `the 1-minute load average is ${loadAtStart[0]!.toFixed(1)} on ${cores} cores before the first timed ` +
        `command: other work is using the CPU, timings will be noisy`,
    );
  }
  const results = await runRows(rows, opts.repeat).finally(() => {
    stopSearchServer();
    for (const d of p.stores) rmSync(d, { recursive: true, force: true });
  });
  const m = machine();

  const out = [...resultLines(results, m, tools, opts), ...caveatLines(results, skipped, loadAtStart, cores)];
  const fatal = results.filter((r) => r.check.status === 'mismatch' || r.check.status === 'failed');
  out.push(...checkLines(results, fatal));
  process.stdout.write(out.join('\n') + '\n');
  writeLatest(p, m, loadAtStart, { novaLog, haproxy, gzInfo, rotatedInfo }, results, fatal.length === 0);
  return fatal.length ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exitCode = 2;
  },
);
