/**
 * The one report model. Every renderer (text, JSON, Markdown, CSV, HTML) is a
 * pure function of a Report; the JSON form is the versioned contract
 * documented in docs/report-schema.md.
 */
import { groups, rollup } from 'd3-array';
import { replacementOf, type RulePack } from '../src/rules.js';
import type { Db } from '../src/store/db.js';
import { getMeta } from '../src/store/db.js';
import { HAS_CAPABILITIES, supportOf, type Support } from '../src/capabilities.js';
import { buildHostDrivers, type HostDrivers } from '../src/host-drivers.js';
import { serviceFromName } from '../src/service.js';
import { inventoryFacts } from '../src/store/inventory.js';
import {
  callsOf,
  frontendsSeen,
  malformedExamples,
  opaqueHours,
  serviceTotals,
  sourcesSummary,
  type CallRow,
  type Window,
} from '../src/store/queries.js';
import { clientFamily } from '../src/user-agent.js';

export const REPORT_SCHEMA = 'apicensus.report/v1';

export interface ActionSummary {
  action: string;
  calls: number;
  succeeded: number;
  failed: number;
  statuses: Record<string, number>;
  projects: number;
  users: number;
  replacement: string | null;
  /** Short name of what to move to, when the pack gives one. */
  moveTo: string | null;
  note: string | null;
}

export interface DimensionRow {
  calls: number;
  actions: Record<string, number>;
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface ApiReport {
  api: string;
  title: string;
  service: string;
  deprecated: RulePack['deprecated'];
  removed: RulePack['removed'];
  calls: number;
  projects: number;
  users: number;
  firstSeen: string | null;
  lastSeen: string | null;
  /** Calls of this API per 100,000 requests to its service in the window (null when no total is known). */
  perHundredThousand: number | null;
  /** Calls the API refused because they asked for a microversion at or after the deprecation (or it is removed). */
  refused: number;
  actions: ActionSummary[];
  byProject: (DimensionRow & { project: string; projectName: string | null })[];
  byUser: (DimensionRow & { user: string; userName: string | null })[];
  /** Calls by the host they name (APIs whose routes target a host). */
  byHost: (DimensionRow & { host: string })[];
  /** Calls by another kind of target the routes name (a service id, a frobnicator). */
  byTarget: (DimensionRow & { target: string })[];
  byMicroversion: { microversion: string | null; calls: number; actions: Record<string, number> }[];
  byStatus: { status: number | null; calls: number }[];
  /** User-Agent family and version (front-end logs and CADF carry it; nova's own lines do not). */
  byClient: { client: string; version: string | null; calls: number; actions: Record<string, number>; addresses: string[]; userAgents: string[] }[];
  /** Client address (the first X-Forwarded-For hop where there is one). */
  byAddress: { address: string; calls: number; actions: Record<string, number>; firstSeen: string | null; lastSeen: string | null }[];
  /** Which logs saw the calls: "nova", "lb", "web", "lb+nova"… → calls. */
  seenIn: Record<string, number>;
  /** The same, summed: nova's log only, a front end (load balancer or web server) only, or both. */
  seenWhere: { novaOnly: number; frontEndOnly: number; both: number; auditOnly: number };
  /** Calls naming a host, by the virt driver of that host at the time (from the inventory; 'unknown' when not in it). */
  byDriver: { driver: string; calls: number; actions: Record<string, number>; hosts: string[] }[];
  /** For every action × driver that was called: could the action have worked there? (capability matrix, src/capabilities.ts) */
  support: SupportRow[];
  /** Hosts calls named that the inventory does not hold: import what is missing. */
  unknownHosts: { host: string; calls: number; lastSeen: string | null }[];
  /** Hosts whose name matched several inventory hosts (short name against two FQDNs). */
  ambiguousHosts: { host: string; candidates: string[]; calls: number }[];
  /** Calls per UTC day, by action (for timelines). */
  daily: { day: string; calls: number; actions: Record<string, number> }[];
}

export interface SupportRow {
  action: string;
  driver: string;
  supported: Support;
  calls: number;
  /** The hosts (as the calls named them) behind this row. */
  hosts: string[];
  succeeded: number;
  statuses: Record<string, number>;
  /** What the action answers on that driver, and in which releases the statement holds. */
  answer: string | null;
  releases: string | null;
  source: string | null;
}

export interface Verdict {
  api: string;
  used: boolean;
  /** Whether the logs can answer the question: 'no' when they hold no request to the service, 'partly' when some hours or sources are blind. */
  answerable: 'yes' | 'partly' | 'no';
  summary: string;
  actionsWithoutReplacement: string[];
}

export interface Report {
  schema: typeof REPORT_SCHEMA;
  generatedAt: string;
  tool: { name: 'apicensus'; version: string };
  window: { from: string | null; to: string | null };
  timezones: { frontEnd: string | null; nova: string | null };
  inputs: {
    sources: number;
    linesRead: number;
    requests: number;
    malformed: number;
    /** Compute requests per layer; `requests` takes the largest layer each hour. */
    requestsByLayer: Record<string, number>;
    opaqueConnections: number;
    deduplication: string;
  };
  sources: { path: string; format: string; lines: number; requests: number; newRequests: number; malformed: number; firstSeen: string | null; lastSeen: string | null }[];
  frontends: { layer: string; name: string; service: string; requests: number }[];
  apis: ApiReport[];
  verdict: Verdict;
  coverage: Coverage;
  warnings: string[];
  malformedExamples: { path: string; line: number; reason: string; text: string }[];
}

/** What the logs could see: hours with requests (paths visible) against hours only TCP-mode front ends logged. */
export interface Coverage {
  hoursWithRequests: number;
  /** Hours in which only TCP-mode (opaque) connections to the service were logged. */
  blindHours: number;
  blindFrom: string | null;
  blindTo: string | null;
  blindFrontends: string[];
  opaqueConnections: number;
}

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

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const isSuccess = (s: number | null): boolean => s !== null && s >= 200 && s < 300;

function dimension<K extends string>(
  calls: readonly CallRow[],
  key: (c: CallRow) => K | null,
): { key: K; rows: CallRow[]; summary: DimensionRow }[] {
  return groups(calls, (c) => key(c) ?? ('(unknown)' as K))
    .map(([k, rows]) => {
      const times = rows.map((r) => r.time).filter((t): t is number => t !== null);
      return {
        key: k,
        rows,
        summary: {
          calls: rows.length,
          actions: Object.fromEntries(rollup(rows, (v) => v.length, (r) => r.action)),
          firstSeen: iso(times.length ? Math.min(...times) : null),
          lastSeen: iso(times.length ? Math.max(...times) : null),
        },
      };
    })
    .sort((a, b) => b.summary.calls - a.summary.calls || String(a.key).localeCompare(String(b.key)));
}

/** The most frequent distinct non-null values, at most `n`. */
function topValues(values: readonly (string | null)[], n = 5): string[] {
  return groups(
    values.filter((v): v is string => v !== null),
    (v) => v,
  )
    .sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([v]) => v);
}

/** Calls that name a host: the pack's routes call their target "host". */
const targetsHosts = (pack: RulePack | undefined): boolean => pack?.routes.some((r) => r.target === 'host') ?? false;

function statusCounts(rows: readonly CallRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rows) out[String(r.status ?? 'unknown')] = (out[String(r.status ?? 'unknown')] ?? 0) + 1;
  return out;
}

function driverSections(
  api: string,
  pack: RulePack | undefined,
  calls: readonly CallRow[],
  hostDrivers: HostDrivers,
): Pick<ApiReport, 'byDriver' | 'support' | 'unknownHosts' | 'ambiguousHosts'> {
  if (!targetsHosts(pack)) return { byDriver: [], support: [], unknownHosts: [], ambiguousHosts: [] };
  const named = calls.filter((c) => c.target !== null);
  const resolved = named.map((c) => ({ call: c, ...hostDrivers.resolve(c.target!, c.time) }));
  const driverOf = (r: (typeof resolved)[number]): string => r.driver ?? 'unknown';
  const byDriver = groups(resolved, driverOf)
    .map(([driver, rows]) => ({
      driver,
      calls: rows.length,
      actions: Object.fromEntries(rollup(rows, (v) => v.length, (r) => r.call.action)),
      hosts: [...new Set(rows.map((r) => r.host ?? r.call.target!))].sort(),
    }))
    .sort((a, b) => b.calls - a.calls || a.driver.localeCompare(b.driver));
  const support: SupportRow[] = HAS_CAPABILITIES(api)
    ? groups(resolved, (r) => `${r.call.action}\t${driverOf(r)}`)
        .map(([k, rows]) => {
          const [action, driver] = k.split('\t') as [string, string];
          const s = supportOf(action, driver === 'unknown' ? null : driver);
          return {
            action,
            driver,
            supported: s.supported,
            calls: rows.length,
            hosts: [...new Set(rows.map((r) => r.call.target!))].sort(),
            succeeded: rows.filter((r) => isSuccess(r.call.status)).length,
            statuses: statusCounts(rows.map((r) => r.call)),
            answer: s.row?.answer ?? null,
            releases: s.row?.releases ?? null,
            source: s.row?.source ?? null,
          };
        })
        .sort((a, b) => a.action.localeCompare(b.action) || b.calls - a.calls || a.driver.localeCompare(b.driver))
    : [];
  const unknownHosts = groups(
    resolved.filter((r) => r.match.host === null && r.match.ambiguous === null),
    (r) => r.call.target!,
  )
    .map(([host, rows]) => ({ host, calls: rows.length, lastSeen: iso(Math.max(...rows.map((r) => r.call.time ?? 0)) || null) }))
    .sort((a, b) => b.calls - a.calls || a.host.localeCompare(b.host));
  const ambiguousHosts = groups(
    resolved.filter((r) => r.match.host === null && r.match.ambiguous !== null),
    (r) => r.call.target!,
  ).map(([host, rows]) => ({ host, candidates: (rows[0]!.match as { ambiguous: string[] }).ambiguous, calls: rows.length }));
  return { byDriver, support, unknownHosts, ambiguousHosts };
}

function seenWhere(calls: readonly CallRow[]): ApiReport['seenWhere'] {
  const out = { novaOnly: 0, frontEndOnly: 0, both: 0, auditOnly: 0 };
  for (const c of calls) {
    const layers = c.layers.split('+');
    const nova = layers.includes('nova');
    const front = layers.includes('lb') || layers.includes('web');
    if (nova && front) out.both++;
    else if (nova) out.novaOnly++;
    else if (front) out.frontEndOnly++;
    else out.auditOnly++;
  }
  return out;
}

const projectKey = (c: CallRow): string | null => c.project_id ?? c.project_name;
const userKey = (c: CallRow): string | null => c.user_id ?? c.user_name;

function compareMicroversion(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return (am ?? 0) - (bm ?? 0) || (an ?? 0) - (bn ?? 0);
}

/** Whether a call was refused for asking at or after the deprecation microversion (or for a removed API). */
function isRefused(c: CallRow, pack: RulePack | undefined): boolean {
  const r = pack?.refusal;
  if (!r || c.status !== r.status) return false;
  if (pack.removed) return true;
  return r.fromMicroversion != null && c.microversion !== null && compareMicroversion(c.microversion, r.fromMicroversion) >= 0;
}

function apiReport(db: Db, api: string, pack: RulePack | undefined, w: Window, hostDrivers: HostDrivers): ApiReport {
  const calls = callsOf(db, api, w);
  const drivers = driverSections(api, pack, calls, hostDrivers);
  const actionOrder = pack?.actions.map((a) => a.name) ?? [];
  const orderOf = (a: string): number => {
    const i = actionOrder.indexOf(a.split('+')[0]!);
    return i < 0 ? 999 : i;
  };
  const actions: ActionSummary[] = groups(calls, (c) => c.action)
    .map(([action, rows]) => {
      const statuses: Record<string, number> = {};
      for (const r of rows) statuses[String(r.status ?? 'unknown')] = (statuses[String(r.status ?? 'unknown')] ?? 0) + 1;
      const succeeded = rows.filter((r) => isSuccess(r.status)).length;
      return {
        action,
        calls: rows.length,
        succeeded,
        failed: rows.length - succeeded,
        statuses,
        projects: new Set(rows.map(projectKey).filter((p) => p !== null)).size,
        users: new Set(rows.map(userKey).filter((p) => p !== null)).size,
        replacement: replacementOf(pack, action),
        moveTo: action.split('+').every((x) => pack?.actions.find((y) => y.name === x)?.moveTo)
          ? [...new Set(action.split('+').map((x) => pack!.actions.find((y) => y.name === x)!.moveTo!))].join(' + ')
          : null,
        note: pack?.actions.find((a) => a.name === action)?.note ?? null,
      };
    })
    .sort((a, b) => orderOf(a.action) - orderOf(b.action) || a.action.localeCompare(b.action));
  const times = calls.map((c) => c.time).filter((t): t is number => t !== null);
  const totals = pack ? serviceTotals(db, pack.service, w) : null;
  const daily = groups(calls, (c) => (c.time === null ? 'undated' : new Date(c.time).toISOString().slice(0, 10)))
    .map(([day, rows]) => ({ day, calls: rows.length, actions: Object.fromEntries(rollup(rows, (v) => v.length, (r) => r.action)) }))
    .sort((a, b) => a.day.localeCompare(b.day));
  return {
    api,
    title: pack?.title ?? api,
    service: pack?.service ?? 'compute',
    deprecated: pack?.deprecated ?? null,
    removed: pack?.removed ?? null,
    calls: calls.length,
    projects: new Set(calls.map(projectKey).filter((p) => p !== null)).size,
    users: new Set(calls.map(userKey).filter((p) => p !== null)).size,
    firstSeen: iso(times.length ? Math.min(...times) : null),
    lastSeen: iso(times.length ? Math.max(...times) : null),
    perHundredThousand: totals && totals.requests > 0 ? Math.round((calls.length / totals.requests) * 100_000 * 100) / 100 : null,
    refused: calls.filter((c) => isRefused(c, pack)).length,
    actions,
    byProject: dimension(calls, projectKey).map(({ key, rows, summary }) => ({
      project: key,
      projectName: rows.find((r) => r.project_name !== null && r.project_id !== null)?.project_name ?? null,
      ...summary,
    })),
    byUser: dimension(calls, userKey).map(({ key, rows, summary }) => ({
      user: key,
      userName: rows.find((r) => r.user_name !== null && r.user_id !== null)?.user_name ?? null,
      ...summary,
    })),
    byHost: targetsHosts(pack)
      ? dimension(
          calls.filter((c) => c.target !== null),
          (c) => c.target,
        ).map(({ key, summary }) => ({ host: key, ...summary }))
      : [],
    byTarget: targetsHosts(pack)
      ? []
      : dimension(
          calls.filter((c) => c.target !== null),
          (c) => c.target,
        ).map(({ key, summary }) => ({ target: key, ...summary })),
    byMicroversion: groups(calls, (c) => c.microversion)
      .map(([microversion, rows]) => ({ microversion, calls: rows.length, actions: Object.fromEntries(rollup(rows, (v) => v.length, (r) => r.action)) }))
      .sort((a, b) => compareMicroversion(a.microversion, b.microversion)),
    byStatus: groups(calls, (c) => c.status)
      .map(([status, rows]) => ({ status, calls: rows.length }))
      .sort((a, b) => (a.status ?? 0) - (b.status ?? 0)),
    byClient: groups(calls, (c) => {
      const f = clientFamily(c.user_agent);
      return `${f.family}\t${f.version ?? ''}`;
    })
      .map(([k, rows]) => {
        const [client, version] = k.split('\t') as [string, string];
        return {
          client,
          version: version === '' ? null : version,
          calls: rows.length,
          actions: Object.fromEntries(rollup(rows, (v) => v.length, (r) => r.action)),
          addresses: topValues(rows.map((r) => r.client)),
          userAgents: topValues(rows.map((r) => r.user_agent)),
        };
      })
      .sort((a, b) => b.calls - a.calls || a.client.localeCompare(b.client)),
    byAddress: dimension(
      calls.filter((c) => c.client !== null),
      (c) => c.client,
    ).map(({ key, summary }) => ({ address: key, calls: summary.calls, actions: summary.actions, firstSeen: summary.firstSeen, lastSeen: summary.lastSeen })),
    seenIn: Object.fromEntries(rollup(calls, (v) => v.length, (c) => c.layers)),
    seenWhere: seenWhere(calls),
    ...drivers,
    daily,
  };
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function listActions(actions: readonly ActionSummary[]): string {
  return actions.map((a) => `${a.action} ${a.calls}`).join(', ');
}

function coverageOf(db: Db, w: Window, service: string, hourly: readonly { hour: number }[]): Coverage {
  const withRequests = new Set(hourly.map((h) => h.hour));
  // A TCP-mode frontend counts for the service when its name says so, or says nothing.
  const opaque = opaqueHours(db, w).filter((o) => {
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

/**
 * Sentences on the calls that act on a host's driver (not list/show, which
 * read the database): how many could never have worked there, how many could,
 * and which actions nobody can depend on.
 */
function driverVerdict(a: ApiReport): string[] {
  const acting = a.support.filter((r) => r.action !== 'list' && r.action !== 'show');
  if (acting.length === 0) return [];
  const sum = (rows: readonly SupportRow[]): number => rows.reduce((n, r) => n + r.calls, 0);
  const detail = (rows: readonly SupportRow[]): string => rows.map((r) => `${r.action} on ${r.driver} ${r.calls}`).join(', ');
  const never = acting.filter((r) => r.supported === 'no');
  const could = acting.filter((r) => r.supported === 'yes');
  const unjudged = acting.filter((r) => r.supported === 'unknown');
  const unknownDriver = sum(unjudged);
  const missing = new Set(a.unknownHosts.map((h) => h.host));
  const missingHere = [...new Set(unjudged.flatMap((r) => r.hosts).filter((h) => missing.has(h)))];
  const parts: string[] = [];
  if (never.length) parts.push(`${sum(never)} could never have worked on that host's driver (${detail(never)}; answered ${statusesText(never)})`);
  if (could.length) parts.push(`${sum(could)} could (${detail(could)}; ${sum(could.map((r) => ({ ...r, calls: r.succeeded })))} succeeded)`);
  if (unknownDriver) {
    parts.push(
      `${unknownDriver} cannot be judged` +
        (missingHere.length
          ? ` (hosts not in the inventory: ${missingHere.join(', ')}; import them with \`apicensus inventory import\`)`
          : ' (the driver, or what the update did, is not known)'),
    );
  }
  const out = [`Of ${plural(sum(acting), 'call')} acting on a host's driver, ${parts.join('; ')}.`];
  const hopeless = [...new Set(never.map((r) => r.action))].filter((action) => acting.filter((r) => r.action === action).every((r) => r.supported === 'no'));
  if (hopeless.length) out.push(`Nobody can depend on ${hopeless.join(', ')}: every call went to a driver that never implemented ${hopeless.length === 1 ? 'it' : 'them'}.`);
  return out;
}

function statusesText(rows: readonly SupportRow[]): string {
  const total: Record<string, number> = {};
  for (const r of rows) for (const [k, v] of Object.entries(r.statuses)) total[k] = (total[k] ?? 0) + v;
  return Object.entries(total)
    .sort((x, y) => y[1] - x[1])
    .map(([k, v]) => `${k}×${v}`)
    .join(', ');
}

function verdictFor(a: ApiReport, requests: number, sources: number, answerable: Verdict['answerable'], coverage: Coverage, silentNova: boolean): Verdict {
  const without = a.actions.filter((x) => x.replacement === null && x.action !== 'other').map((x) => x.action);
  if (a.calls === 0) {
    let why = '';
    if (requests === 0) {
      why = ` The logs read hold no ${a.service} request at all, so they cannot say whether anyone calls ${a.api}`;
      if (coverage.blindHours > 0) why += `: the front end logged ${plural(coverage.opaqueConnections, 'connection')} in TCP mode, without paths`;
      else if (silentNova) why += ": nova-api's log has no access lines (request_log is missing from api-paste.ini)";
      why += '.';
    } else if (answerable === 'partly') {
      why = ` Some logs cannot show paths (see the warnings), so calls in ${coverage.blindHours > 0 ? `${plural(coverage.blindHours, 'hour')} of TCP-mode logs` : 'those sources'} would not be seen.`;
    }
    return {
      api: a.api,
      used: false,
      answerable,
      summary: `No ${a.api} call in ${plural(requests, `${a.service}-API request`)} from ${plural(sources, 'source')}.${why}`,
      actionsWithoutReplacement: [],
    };
  }
  const span = a.firstSeen && a.lastSeen ? ` between ${a.firstSeen.slice(0, 10)} and ${a.lastSeen.slice(0, 10)}` : '';
  const ok = a.actions.reduce((n, x) => n + x.succeeded, 0);
  const parts = [
    `${a.api} was called ${plural(a.calls, 'time')} by ${plural(a.projects, 'project')} (${plural(a.users, 'user')})${span}: ${listActions(a.actions)}.`,
    `${plural(ok, 'call')} succeeded (2xx), ${a.calls - ok} did not.`,
  ];
  if (a.refused > 0) {
    parts.push(
      a.removed
        ? `${plural(a.refused, 'call')} ${a.refused === 1 ? 'was' : 'were'} refused: the API was removed in ${a.removed.release}.`
        : `${plural(a.refused, 'call')} asked for a microversion the API no longer serves and ${a.refused === 1 ? 'was' : 'were'} refused.`,
    );
  }
  if (without.length > 0) parts.push(`${without.join(', ')} ${without.length === 1 ? 'has' : 'have'} no replacement.`);
  const moves = groups(
    a.actions.filter((x) => x.replacement !== null),
    (x) => x.moveTo ?? x.replacement!,
  ).map(([to, xs]) => `${xs.map((x) => x.action).join(' and ')} → ${to}`);
  if (moves.length > 0) parts.push(`Move ${moves.join('; ')}.`);
  parts.push(...driverVerdict(a));
  const seen = a.seenWhere;
  if (seen.frontEndOnly > 0) parts.push(`${plural(seen.frontEndOnly, 'call')} appear only in front-end logs (no nova line: user and microversion unknown).`);
  return { api: a.api, used: true, answerable, summary: parts.join(' '), actionsWithoutReplacement: without };
}

export function buildReport(db: Db, opts: ReportOptions): Report {
  const w = opts.window;
  const byApi = new Map(opts.packs.map((p) => [p.api, p]));
  const hostDrivers = buildHostDrivers(inventoryFacts(db));
  const apis = opts.apis.map((api) => apiReport(db, api, byApi.get(api), w, hostDrivers));
  const studied = apis[0]!;
  const studiedPack = byApi.get(studied.api);
  const totals = serviceTotals(db, studiedPack?.service ?? 'compute', w);
  const sources = sourcesSummary(db);
  const coverage = coverageOf(db, w, studiedPack?.service ?? 'compute', totals.hourly);
  const warnings: string[] = [];
  if (coverage.blindHours > 0) {
    warnings.push(
      `${plural(coverage.opaqueConnections, 'connection')} on ${coverage.blindFrontends.join(', ')} ` +
        `(${coverage.blindFrom!.slice(0, 16)} to ${coverage.blindTo!.slice(0, 16)} UTC) were logged in TCP mode (option tcplog) and no other log ` +
        `shows requests for those ${plural(coverage.blindHours, 'hour')}: these logs show no method or path, so they cannot tell whether anyone called ${studied.api} then.`,
    );
  }
  const silentNova = sources.filter((s) => s.nova_api_seen === 1 && s.requests === 0 && s.format.split('+').includes('nova'));
  if (silentNova.length > 0) {
    warnings.push(
      `${silentNova.map((s) => s.path).join(', ')}: nova-api wrote log lines but no access line. nova-api probably runs under uwsgi or mod_wsgi ` +
        'without request_log in its api-paste.ini pipeline (needed since Pike), so its own log cannot show who calls what; feed in the uWSGI, Apache or load-balancer logs.',
    );
  }
  const malformed = sources.reduce((n, s) => n + s.malformed, 0);
  if (malformed > 0) warnings.push(`${plural(malformed, 'line')} looked like request lines but could not be read (examples below).`);
  const answerable: Verdict['answerable'] =
    totals.requests === 0 ? 'no' : coverage.blindHours > 0 || silentNova.length > 0 ? 'partly' : 'yes';
  return {
    schema: REPORT_SCHEMA,
    generatedAt: (opts.now ?? new Date()).toISOString(),
    tool: { name: 'apicensus', version: opts.version },
    window: { from: iso(w.from), to: iso(w.to) },
    timezones: { frontEnd: getMeta(db, 'timezone'), nova: getMeta(db, 'nova_timezone') },
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
    frontends: frontendsSeen(db),
    apis,
    verdict: verdictFor(studied, totals.requests, sources.length, answerable, coverage, silentNova.length > 0),
    coverage,
    warnings,
    malformedExamples: malformedExamples(db, 5),
  };
}
