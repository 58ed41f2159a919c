/**
 * Builds the Report (reports/model.ts, docs/report-schema.md) from the
 * store's report queries: every number the renderers show is decided here,
 * from plain rows; the renderers only lay it out.
 */
import type { Coverage, Report, Verdict } from '../../reports/model.js';
import { REPORT_SCHEMA } from '../../reports/model.js';
import { buildHostDrivers } from '../host-drivers.js';
import type { RulePack } from '../rules.js';
import { serviceFromName } from '../service.js';
import type { ReportQueries, SourceSummaryRow, Window } from '../store/report-queries.js';
import { apiReport } from './api-report.js';
import { iso, plural } from './tally.js';
import { verdictFor } from './verdict.js';

export interface ReportOptions {
  apis: string[];
  window: Window;
  packs: readonly RulePack[];
  version: string;
  now?: Date;
}

export const DEDUPLICATION =
  'Each file is identified by its content (first 4 KiB and the offset read), so re-reading it, a renamed, compressed or ' +
  'decompressed copy adds nothing; each request is keyed by its request id (or, without one, by its logged fields) and ' +
  'counted once per layer and hour; a call seen by several layers (load balancer, web server, nova) is one call, and ' +
  'hourly totals take the layer that saw most requests instead of adding layers.';

function coverageOf(q: ReportQueries, w: Window, service: string, hourly: readonly { hour: number }[]): Coverage {
  const withRequests = new Set(hourly.map((h) => h.hour));
  // A TCP-mode frontend counts for the service when its name says so, or says nothing.
  const opaque = q.opaqueHours(w).filter((o) => {
    const s = serviceFromName(o.frontend);
    return s === null || s === service;
  });
  const blind = opaque.filter((o) => !withRequests.has(o.hour));
  const blindHours = new Set(blind.map((o) => o.hour));
  return {
    hoursWithRequests: withRequests.size,
    blindHours: blindHours.size,
    blindFrom: blind.length ? iso(Math.min(...blindHours)) : null,
    blindTo: blind.length ? iso(Math.max(...blindHours) + 3_600_000) : null,
    blindFrontends: [...new Set(blind.map((o) => o.frontend || '(unnamed)'))].sort(),
    opaqueConnections: opaque.reduce((n, o) => n + o.connections, 0),
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
        `(${coverage.blindFrom!.slice(0, 16)} to ${coverage.blindTo!.slice(0, 16)} UTC) were logged in TCP mode (option tcplog) and no other log ` +
        `shows requests for those ${plural(coverage.blindHours, 'hour')}: these logs show no method or path, so they cannot tell whether anyone called ${api} then.`,
    );
  }
  if (silentNova.length > 0) {
    warnings.push(
      `${silentNova.map((s) => s.path).join(', ')}: nova-api wrote log lines but no access line. nova-api probably runs under uwsgi or mod_wsgi ` +
        'without request_log in its api-paste.ini pipeline (needed since Pike), so its own log cannot show who calls what; feed in the uWSGI, Apache or load-balancer logs.',
    );
  }
  if (malformed > 0)
    warnings.push(`${plural(malformed, 'line')} looked like request lines but could not be read (examples below).`);
  return warnings;
}

export function buildReport(q: ReportQueries, opts: ReportOptions): Report {
  const w = opts.window;
  const byApi = new Map(opts.packs.map((p) => [p.api, p]));
  const hostDrivers = buildHostDrivers(q.inventory());
  const apis = opts.apis.map((api) => apiReport(q, api, byApi.get(api), w, hostDrivers));
  const studied = apis[0]!;
  const service = byApi.get(studied.api)?.service ?? 'compute';
  const totals = q.serviceTotals(service, w);
  const sources = q.sources();
  const coverage = coverageOf(q, w, service, totals.hourly);
  const silentNova = sources.filter(
    (s) => s.nova_api_seen === 1 && s.requests === 0 && s.format.split('+').includes('nova'),
  );
  const malformed = sources.reduce((n, s) => n + s.malformed, 0);
  const answerable: Verdict['answerable'] =
    totals.requests === 0 ? 'no' : coverage.blindHours > 0 || silentNova.length > 0 ? 'partly' : 'yes';
  return {
    schema: REPORT_SCHEMA,
    generatedAt: (opts.now ?? new Date()).toISOString(),
    tool: { name: 'apicensus', version: opts.version },
    window: { from: iso(w.from), to: iso(w.to) },
    timezones: q.timezones(),
    inputs: {
      sources: sources.length,
      linesRead: sources.reduce((n, s) => n + s.lines, 0),
      requests: totals.requests,
      malformed,
      requestsByLayer: totals.byLayer,
      opaqueConnections: coverage.opaqueConnections,
      deduplication: DEDUPLICATION,
    },
    sources: sources.map((s) => ({
      path: s.path,
      format: s.format,
      lines: s.lines,
      requests: s.requests,
      newRequests: s.new_requests,
      malformed: s.malformed,
      firstSeen: iso(s.first_time),
      lastSeen: iso(s.last_time),
    })),
    frontends: q.frontends(),
    apis,
    verdict: verdictFor(studied, totals.requests, sources.length, answerable, coverage, silentNova.length > 0),
    coverage,
    warnings: warningsOf(coverage, studied.api, silentNova, malformed),
    malformedExamples: q.malformedExamples(5),
  };
}
