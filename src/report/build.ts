/**
 * Builds the Report (reports/model.ts, docs/report-schema.md) from the
 * store's report queries: every number the renderers show is decided here,
 * from plain rows; the renderers only lay it out.
 */
import { extent, max, min } from 'd3-array';
import type { ApiReport, Coverage, Report } from '../../reports/model.js';
import { REPORT_SCHEMA } from '../../reports/model.js';
import { buildHostDrivers } from '../host-drivers.js';
import type { RulePack } from '../rules.js';
import { serviceFromName } from '../service.js';
import type { ReportQueries, SourceSummaryRow, UnreadWindow, Window } from '../store/report-queries.js';
import { apiReport } from './api-report.js';
import { answerOf } from './answer.js';
import { clockWarning, frontendRows, setAsideText } from './evidence.js';
import { readingState, readTo, type ReadingState } from './reading.js';
import { logSpan } from './span.js';
import { iso, plural } from './tally.js';
import { verdictFor } from './verdict.js';
import { CLOCK_RULE } from '../timezone.js';
import type { SetAsideRow } from '../../reports/model.js';

export interface ReportOptions {
  apis: string[];
  window: Window;
  packs: readonly RulePack[];
  version: string;
  now?: Date;
  /** "Can the logs answer?" wants logs on at least this many days (default 7). */
  minDays?: number;
  /**
   * Order the APIs by what a core team acts on first (deprecated APIs still called, most
   * calls first) instead of as given; the first is the one the verdict is about.
   */
  rank?: boolean;
}

export const DEFAULT_MIN_DAYS = 7;

const msOf = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));

/** Deprecated or removed APIs still called first (most calls first), then current ones called, then the rest. */
export function rankApis<T extends { api: string; status: ApiReport['status']; calls: number }>(
  apis: readonly T[],
): T[] {
  const group = (a: T): number => (a.calls > 0 ? (a.status === 'current' ? 1 : 0) : a.status === 'current' ? 3 : 2);
  return [...apis].sort((a, b) => group(a) - group(b) || b.calls - a.calls || a.api.localeCompare(b.api));
}

export const DEDUPLICATION =
  'Each file is identified by its content (first 4 KiB and the offset read), ' +
  'so re-reading it, a renamed, compressed or ' +
  'decompressed copy adds nothing; each request is keyed by its request id ' +
  '(or, without one, by its logged fields) and ' +
  'counted once per layer and hour; a call seen by several layers (load balancer, web server, nova) is one call, and ' +
  'hourly totals take the layer that saw most requests instead of adding layers.';

/** A TCP-mode frontend counts for the service when its name says so, or says nothing. */
function opaqueCountsFor(frontend: string, service: string): boolean {
  const s = serviceFromName(frontend);
  return s === null || s === service;
}

/** What the logs could see: hours with requests against hours only TCP-mode front ends logged, for the service. */
function coverageOf(
  opaqueHours: ReturnType<ReportQueries['opaqueHours']>,
  service: string,
  hourly: readonly { hour: number }[],
): { coverage: Coverage; opaqueHours: number[] } {
  const withRequests = new Set(hourly.filter((h) => h.hour >= 0).map((h) => h.hour));
  const opaque = opaqueHours.filter((o) => opaqueCountsFor(o.frontend, service));
  const blind = opaque.filter((o) => !withRequests.has(o.hour));
  const blindHours = new Set(blind.map((o) => o.hour));
  return {
    coverage: {
      hoursWithRequests: withRequests.size,
      blindHours: blindHours.size,
      blindFrom: blind.length ? iso(min(blindHours)!) : null,
      blindTo: blind.length ? iso(max(blindHours)! + 3_600_000) : null,
      blindFrontends: [...new Set(blind.map((o) => o.frontend || '(unnamed)'))].sort(),
      opaqueConnections: opaque.reduce((n, o) => n + o.connections, 0),
    },
    opaqueHours: opaque.map((o) => o.hour),
  };
}

function warningsOf(
  coverage: Coverage,
  api: string,
  silentNova: readonly SourceSummaryRow[],
  malformed: number,
): string[] {
  const warnings: string[] = [];
  if (coverage.blindHours > 0) {
    warnings.push(
      `${plural(coverage.opaqueConnections, 'connection')} on ${coverage.blindFrontends.join(', ')} ` +
        `(${coverage.blindFrom!.slice(0, 16)} to ${coverage.blindTo!.slice(0, 16)} UTC) ` +
        'were logged in TCP mode (option tcplog) and no other log ' +
        `shows requests for those ${plural(coverage.blindHours, 'hour')}: ` +
        `these logs show no method or path, so they cannot tell whether anyone called ${api} then.`,
    );
  }
  if (silentNova.length > 0) {
    warnings.push(
      `${silentNova.map((s) => s.path).join(', ')}: nova-api wrote log lines but no access line. ` +
        'nova-api probably runs under uwsgi or mod_wsgi ' +
        'without request_log in its api-paste.ini pipeline (needed since Pike), ' +
        'so its own log cannot show who calls what; ' +
        'feed in the uWSGI, Apache or load-balancer logs.',
    );
  }
  if (malformed > 0)
    warnings.push(`${plural(malformed, 'line')} looked like request lines but could not be read (examples below).`);
  return warnings;
}

/** The days the logs cover, from the hours with requests or TCP-mode connections. */
function spanOf(
  q: ReportQueries,
  hours: number[],
  service: string,
  opts: ReportOptions,
  now: Date,
  sources: readonly SourceSummaryRow[],
  apis: readonly ApiReport[],
): ReturnType<typeof logSpan> {
  return logSpan(hours, opts.window, opts.minDays ?? DEFAULT_MIN_DAYS, now.getTime(), [
    ...exactEdges(q, hours, service, sources),
    // A call's start can precede the line that logged its end.
    ...apis.map((a) => ({ first: msOf(a.firstSeen), last: msOf(a.lastSeen) })),
  ]);
}

/**
 * The exact first and last times in the first and last hour with logs of the service: its
 * requests' and its TCP-mode frontends' (hour_edges), the same whatever sources the lines were
 * read in. An hour without any (a database written before migration 14, totals pushed down by a
 * search server) takes the sources' first and last times instead.
 */
function exactEdges(
  q: ReportQueries,
  hours: readonly number[],
  service: string,
  sources: readonly SourceSummaryRow[],
): { first: number | null; last: number | null }[] {
  if (hours.length === 0) return [];
  // extent, not Math.min(...hours): years of hours are more arguments than a call may take.
  const [firstHour, lastHour] = extent(hours) as [number, number];
  const rows = q
    .hourEdges(firstHour === lastHour ? [firstHour] : [firstHour, lastHour])
    .filter((r) => r.service === service || (r.service === '' && opaqueCountsFor(r.frontend, service)));
  const known = new Set(rows.map((r) => r.hour));
  return [
    ...rows.map((r) => ({ first: r.first, last: r.last })),
    ...sources.map((s) => ({
      first: known.has(firstHour) ? null : s.first_time,
      last: known.has(lastHour) ? null : s.last_time,
    })),
  ];
}

export function buildReport(q: ReportQueries, opts: ReportOptions): Report {
  const w = opts.window;
  const now = opts.now ?? new Date();
  const byApi = new Map(opts.packs.map((p) => [p.api, p]));
  const hostDrivers = buildHostDrivers(q.inventory());
  const built = opts.apis.map((api) => apiReport(q, api, byApi.get(api), w, hostDrivers));
  const apis = opts.rank ? rankApis(built) : built;
  const studied = apis[0]!;
  const service = byApi.get(studied.api)?.service ?? 'compute';
  const totals = q.serviceTotals(service, w);
  const sources = q.sources();
  const { coverage, opaqueHours } = coverageOf(q.opaqueHours(w), service, totals.hourly);
  // Undated requests (hour -1) count, but are no hour of logs.
  const dated = [...totals.hourly.map((h) => h.hour), ...opaqueHours].filter((h) => h >= 0);
  const span = spanOf(q, dated, service, opts, now, sources, apis);
  const silentNova = sources.filter(
    (s) => s.nova_api_seen === 1 && s.requests === 0 && s.format.split('+').includes('nova'),
  );
  const malformed = sources.reduce((n, s) => n + s.malformed, 0);
  const evidence = evidenceOf(
    q,
    w,
    apis.map((a) => a.api),
    sources,
  );
  const unreadable = evidence.unreadable[studied.api] ?? 0;
  const asideHere = evidence.setAside.filter((r) => r.api === studied.api);
  const answer = answerOf({
    service,
    requests: totals.requests,
    span,
    coverage,
    silentNova: silentNova.length,
    unread: evidence.reading.unread,
    unreadable,
    setAside: asideHere.reduce((n, r) => n + r.requests, 0),
  });
  return {
    schema: REPORT_SCHEMA,
    generatedAt: now.toISOString(),
    tool: { name: 'apicensus', version: opts.version },
    window: { from: iso(w.from), to: iso(w.to) },
    timezones: q.timezones(),
    clock: { rule: CLOCK_RULE, machineZone: q.machineZone() },
    inputs: {
      sources: sources.length,
      linesRead: sources.reduce((n, s) => n + s.lines, 0),
      requests: totals.requests,
      malformed,
      requestsByLayer: totals.byLayer,
      opaqueConnections: coverage.opaqueConnections,
      deduplication: DEDUPLICATION,
    },
    sources: sources.map(sourceEntry),
    frontends: frontendRows(q.frontends()),
    setAside: evidence.setAside,
    apis,
    verdict: verdictFor(studied, {
      requests: totals.requests,
      sources: sources.length,
      answer,
      coverage,
      silentNova: silentNova.length > 0,
      unreadable,
      setAside: asideHere,
    }),
    span,
    coverage,
    warnings: [
      ...evidence.reading.warnings,
      ...warningsOf(coverage, studied.api, silentNova, malformed),
      ...evidence.warnings,
    ],
    malformedExamples: q.malformedExamples(5),
  };
}

/** A source as the report shows it: what it added, and how far it was read when not in full. */
function sourceEntry(s: SourceSummaryRow): Report['sources'][number] {
  return {
    path: s.path,
    format: s.format,
    lines: s.lines,
    requests: s.requests,
    newRequests: s.new_requests,
    malformed: s.malformed,
    firstSeen: iso(s.first_time),
    lastSeen: iso(s.last_time),
    state: s.state,
    readBytes: s.offset,
    sizeBytes: s.size,
    note: s.state === 'complete' ? null : `${s.state}: read ${readTo(s)}${s.problem ? `; ${s.problem}` : ''}`,
    undated: s.undated,
    skipped: s.skipped,
  };
}

/**
 * What the report says of its own evidence: sources read in part and inputs not read, unreadable
 * lines naming an API, front-end lines set aside (the studied API's go to its verdict, the other
 * APIs' to warnings), and two layers on different clocks.
 */
function evidenceOf(
  q: ReportQueries,
  w: ReportOptions['window'],
  apis: readonly string[],
  sources: readonly SourceSummaryRow[],
): { reading: ReadingState; unreadable: Record<string, number>; setAside: SetAsideRow[]; warnings: string[] } {
  const unreadable = q.malformedByApi();
  const reading = readingState({
    sources,
    problems: q.inputProblems(),
    ingestRunning: q.ingestRunning(),
    malformedByApi: unreadable,
  });
  const setAside: SetAsideRow[] = q.frontendsSetAside();
  const warnings: string[] = [];
  for (const api of apis.slice(1)) {
    const text = setAsideText(
      api,
      setAside.filter((r) => r.api === api),
    );
    if (text) warnings.push(text);
  }
  const zones = q.timezones();
  for (const skew of q.clockSkews(w)) warnings.push(clockWarning(skew, zones));
  const days = q.unreadWindows(w);
  if (days.length > 0) {
    reading.warnings.push(unreadDaysWarning(days));
    reading.unread.push(plural(days.length, 'search-server day'));
  }
  return { reading, unreadable, setAside, warnings };
}

/** Search-server days that were not read: named, with why, so they are never taken for days without calls. */
function unreadDaysWarning(unread: readonly UnreadWindow[]): string {
  const shown = unread
    .slice(0, 8)
    .map((u) => `${u.day} ${u.status}${u.reason ? ` (${u.reason})` : ''}`)
    .join('; ');
  const more = unread.length > 8 ? `; and ${unread.length - 8} more` : '';
  const where = [...new Set(unread.map((u) => `${u.url}/${u.pattern}`))].join(', ');
  const it = unread.length === 1 ? 'it' : 'them';
  return (
    `${plural(unread.length, 'day')} of ${where} could not be read ` +
    `and ${unread.length === 1 ? 'is' : 'are'} not counted ` +
    `(not taken for days without calls): ${shown}${more}. ` +
    `Read ${it} again with \`apicensus ingest --${unread[0]!.product} … --since …\` once available.`
  );
}
