/**
 * The one report model. Every renderer (text, JSON, Markdown, CSV, HTML) is a
 * pure function of a Report; the JSON form is the versioned contract
 * documented in docs/report-schema.md.
 */
import { groups } from 'd3-array';
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
  unreadWindows,
  type UnreadWindow,
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
  byClient: {
    client: string;
    version: string | null;
    calls: number;
    actions: Record<string, number>;
    addresses: string[];
    userAgents: string[];
  }[];
  /** Client address (the first X-Forwarded-For hop where there is one). */
  byAddress: {
    address: string;
    calls: number;
    actions: Record<string, number>;
    firstSeen: string | null;
    lastSeen: string | null;
  }[];
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
  sources: {
    path: string;
    format: string;
    lines: number;
    requests: number;
    newRequests: number;
    malformed: number;
    firstSeen: string | null;
    lastSeen: string | null;
  }[];
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

/** Calls that name a host: the pack's routes call their target "host". */
const targetsHosts = (pack: RulePack | undefined): boolean => pack?.routes.some((r) => r.target === 'host') ?? false;

function compareMicroversion(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return (am ?? 0) - (bm ?? 0) || (an ?? 0) - (bn ?? 0);
}

const inc = <K>(m: Map<K, number>, k: K, n = 1): void => {
  m.set(k, (m.get(k) ?? 0) + n);
};
/** A count map as an object with sorted keys: the same report whatever order rows came in. */
const obj = (m: Map<string, number>): Record<string, number> =>
  Object.fromEntries([...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));

/** Calls, actions, first and last time of one value of a dimension (a project, a host…). */
class Tally {
  calls = 0;
  readonly actions = new Map<string, number>();
  first = Infinity;
  last = -Infinity;
  add(action: string, time: number | null): void {
    this.calls++;
    inc(this.actions, action);
    if (time !== null) {
      if (time < this.first) this.first = time;
      if (time > this.last) this.last = time;
    }
  }
  summary(): DimensionRow {
    return {
      calls: this.calls,
      actions: obj(this.actions),
      firstSeen: this.first === Infinity ? null : iso(this.first),
      lastSeen: this.last === -Infinity ? null : iso(this.last),
    };
  }
}

/** Most calls first, then by name (what every dimension table shows). */
function ranked<T>(m: Map<string, T>, calls: (t: T) => number): [string, T][] {
  return [...m].sort((a, b) => calls(b[1]) - calls(a[1]) || a[0].localeCompare(b[0]));
}

/** The most frequent values, at most `n`. */
function top(m: Map<string, number>, n = 5): string[] {
  return [...m]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([v]) => v);
}

const UNKNOWN = '(unknown)';
const DAY_MS = 86_400_000;

/**
 * One pass over the API's calls in the window, streamed from SQLite as raw
 * rows and aggregated into every dimension at once: memory grows with the
 * number of distinct values, not of calls (a million calls in under two
 * seconds, bench/ and test/report-scale.test.ts).
 */
function apiReport(db: Db, api: string, pack: RulePack | undefined, w: Window, hostDrivers: HostDrivers): ApiReport {
  const actionOrder = pack?.actions.map((a) => a.name) ?? [];
  const orderOf = (a: string): number => {
    const i = actionOrder.indexOf(a.split('+')[0]!);
    return i < 0 ? 999 : i;
  };
  const hostTargets = targetsHosts(pack);
  const withSupport = hostTargets && HAS_CAPABILITIES(api);
  const refusal = pack?.refusal ?? null;

  let calls = 0;
  let refused = 0;
  let first = Infinity;
  let last = -Infinity;
  const projects = new Set<string>();
  const users = new Set<string>();
  const actions = new Map<
    string,
    { calls: number; succeeded: number; statuses: Map<string, number>; projects: Set<string>; users: Set<string> }
  >();
  const byProject = new Map<string, Tally & { name?: string | null }>();
  const byUser = new Map<string, Tally & { name?: string | null }>();
  const byTarget = new Map<string, Tally>();
  const byMicroversion = new Map<string | null, { calls: number; actions: Map<string, number> }>();
  const byStatus = new Map<number | null, number>();
  const byClient = new Map<
    string,
    { calls: number; actions: Map<string, number>; addresses: Map<string, number>; agents: Map<string, number> }
  >();
  const byAddress = new Map<string, Tally>();
  const seenIn = new Map<string, number>();
  const seen = { novaOnly: 0, frontEndOnly: 0, both: 0, auditOnly: 0 };
  const daily = new Map<string, { calls: number; actions: Map<string, number> }>();
  const dayNames = new Map<number, string>();
  const families = new Map<string | null, string>();
  const layerKinds = new Map<string, 'nova' | 'front' | 'both' | 'audit'>();
  // Driver sections (host-targeted APIs).
  const byDriver = new Map<string, { calls: number; actions: Map<string, number>; hosts: Set<string> }>();
  const support = new Map<
    string,
    { calls: number; succeeded: number; statuses: Map<string, number>; hosts: Set<string> }
  >();
  const unknownHosts = new Map<string, { calls: number; last: number }>();
  const ambiguousHosts = new Map<string, { candidates: string[]; calls: number }>();
  const resolvedOnce = new Map<string, ReturnType<HostDrivers['resolve']>>();

  const tally = <M extends Map<string, Tally>>(m: M, key: string): Tally => {
    let t = m.get(key);
    if (!t) m.set(key, (t = new Tally()));
    return t;
  };

  for (const row of callsOf(db, api, w)) {
    const [
      action,
      target,
      time,
      status,
      client,
      agent,
      userId,
      projectId,
      userName,
      projectName,
      microversion,
      layers,
    ] = row;
    calls++;
    const ok = status !== null && status >= 200 && status < 300;
    if (time !== null) {
      if (time < first) first = time;
      if (time > last) last = time;
    }
    const project = projectId ?? projectName;
    const user = userId ?? userName;
    if (project !== null) projects.add(project);
    if (user !== null) users.add(user);
    const statusKey = String(status ?? 'unknown');

    let a = actions.get(action);
    if (!a)
      actions.set(action, (a = { calls: 0, succeeded: 0, statuses: new Map(), projects: new Set(), users: new Set() }));
    a.calls++;
    if (ok) a.succeeded++;
    inc(a.statuses, statusKey);
    if (project !== null) a.projects.add(project);
    if (user !== null) a.users.add(user);

    if (refusal !== null && status === refusal.status) {
      if (pack!.removed) refused++;
      else if (
        refusal.fromMicroversion != null &&
        microversion !== null &&
        compareMicroversion(microversion, refusal.fromMicroversion) >= 0
      )
        refused++;
    }

    const p = tally(byProject, project ?? UNKNOWN) as Tally & { name?: string | null };
    p.add(action, time);
    // The name shown beside an id: the smallest seen, so row order cannot change it.
    if (projectName !== null && projectId !== null && (p.name == null || projectName < p.name)) p.name = projectName;
    const u = tally(byUser, user ?? UNKNOWN) as Tally & { name?: string | null };
    u.add(action, time);
    if (userName !== null && userId !== null && (u.name == null || userName < u.name)) u.name = userName;
    if (target !== null) tally(byTarget, target).add(action, time);

    let mv = byMicroversion.get(microversion);
    if (!mv) byMicroversion.set(microversion, (mv = { calls: 0, actions: new Map() }));
    mv.calls++;
    inc(mv.actions, action);
    inc(byStatus, status);

    let fam = families.get(agent);
    if (fam === undefined) {
      const f = clientFamily(agent);
      families.set(agent, (fam = `${f.family}\t${f.version ?? ''}`));
    }
    let c = byClient.get(fam);
    if (!c) byClient.set(fam, (c = { calls: 0, actions: new Map(), addresses: new Map(), agents: new Map() }));
    c.calls++;
    inc(c.actions, action);
    if (client !== null) inc(c.addresses, client);
    if (agent !== null) inc(c.agents, agent);
    if (client !== null) tally(byAddress, client).add(action, time);

    inc(seenIn, layers);
    let kind = layerKinds.get(layers);
    if (kind === undefined) {
      const l = layers.split('+');
      const nova = l.includes('nova');
      const front = l.includes('lb') || l.includes('web');
      layerKinds.set(layers, (kind = nova && front ? 'both' : nova ? 'nova' : front ? 'front' : 'audit'));
    }
    if (kind === 'both') seen.both++;
    else if (kind === 'nova') seen.novaOnly++;
    else if (kind === 'front') seen.frontEndOnly++;
    else seen.auditOnly++;

    let dayName = 'undated';
    if (time !== null) {
      const dayIndex = Math.floor(time / DAY_MS);
      dayName = dayNames.get(dayIndex) ?? '';
      if (dayName === '') dayNames.set(dayIndex, (dayName = new Date(dayIndex * DAY_MS).toISOString().slice(0, 10)));
    }
    let d = daily.get(dayName);
    if (!d) daily.set(dayName, (d = { calls: 0, actions: new Map() }));
    d.calls++;
    inc(d.actions, action);

    if (hostTargets && target !== null) {
      // Resolution depends on the time only for hosts that changed driver: cache the rest.
      let r = resolvedOnce.get(target);
      if (!r || hostDrivers.changedDriver(r.host)) {
        r = hostDrivers.resolve(target, time);
        resolvedOnce.set(target, r);
      }
      const driver = r.driver ?? 'unknown';
      let bd = byDriver.get(driver);
      if (!bd) byDriver.set(driver, (bd = { calls: 0, actions: new Map(), hosts: new Set() }));
      bd.calls++;
      inc(bd.actions, action);
      bd.hosts.add(r.host ?? target);
      if (withSupport) {
        const k = `${action}\t${driver}`;
        let sp = support.get(k);
        if (!sp) support.set(k, (sp = { calls: 0, succeeded: 0, statuses: new Map(), hosts: new Set() }));
        sp.calls++;
        if (ok) sp.succeeded++;
        inc(sp.statuses, statusKey);
        sp.hosts.add(target);
      }
      if (r.match.host === null) {
        if (r.match.ambiguous === null) {
          const uh = unknownHosts.get(target) ?? { calls: 0, last: 0 };
          uh.calls++;
          uh.last = Math.max(uh.last, time ?? 0);
          unknownHosts.set(target, uh);
        } else {
          const ah = ambiguousHosts.get(target) ?? { candidates: r.match.ambiguous, calls: 0 };
          ah.calls++;
          ambiguousHosts.set(target, ah);
        }
      }
    }
  }

  const totals = pack ? serviceTotals(db, pack.service, w) : null;
  const targetRows = ranked(byTarget, (t) => t.calls);
  return {
    api,
    title: pack?.title ?? api,
    service: pack?.service ?? 'compute',
    deprecated: pack?.deprecated ?? null,
    removed: pack?.removed ?? null,
    calls,
    projects: projects.size,
    users: users.size,
    firstSeen: first === Infinity ? null : iso(first),
    lastSeen: last === -Infinity ? null : iso(last),
    perHundredThousand:
      totals && totals.requests > 0 ? Math.round((calls / totals.requests) * 100_000 * 100) / 100 : null,
    refused,
    actions: [...actions]
      .map(([action, x]) => ({
        action,
        calls: x.calls,
        succeeded: x.succeeded,
        failed: x.calls - x.succeeded,
        statuses: obj(x.statuses),
        projects: x.projects.size,
        users: x.users.size,
        replacement: replacementOf(pack, action),
        moveTo: action.split('+').every((y) => pack?.actions.find((z) => z.name === y)?.moveTo)
          ? [...new Set(action.split('+').map((y) => pack!.actions.find((z) => z.name === y)!.moveTo!))].join(' + ')
          : null,
        note: pack?.actions.find((z) => z.name === action)?.note ?? null,
      }))
      .sort((x, y) => orderOf(x.action) - orderOf(y.action) || x.action.localeCompare(y.action)),
    byProject: ranked(byProject, (t) => t.calls).map(([project, t]) => ({
      project,
      projectName: (t as { name?: string | null }).name ?? null,
      ...t.summary(),
    })),
    byUser: ranked(byUser, (t) => t.calls).map(([user, t]) => ({
      user,
      userName: (t as { name?: string | null }).name ?? null,
      ...t.summary(),
    })),
    byHost: hostTargets ? targetRows.map(([host, t]) => ({ host, ...t.summary() })) : [],
    byTarget: hostTargets ? [] : targetRows.map(([target, t]) => ({ target, ...t.summary() })),
    byMicroversion: [...byMicroversion]
      .map(([microversion, x]) => ({ microversion, calls: x.calls, actions: obj(x.actions) }))
      .sort((x, y) => compareMicroversion(x.microversion, y.microversion)),
    byStatus: [...byStatus]
      .map(([status, n]) => ({ status, calls: n }))
      .sort((x, y) => (x.status ?? -1) - (y.status ?? -1)),
    byClient: [...byClient]
      .map(([k, x]) => {
        const [client, version] = k.split('\t') as [string, string];
        return {
          client,
          version: version === '' ? null : version,
          calls: x.calls,
          actions: obj(x.actions),
          addresses: top(x.addresses),
          userAgents: top(x.agents),
        };
      })
      .sort((x, y) => y.calls - x.calls || x.client.localeCompare(y.client)),
    byAddress: ranked(byAddress, (t) => t.calls).map(([address, t]) => {
      const sm = t.summary();
      return { address, calls: sm.calls, actions: sm.actions, firstSeen: sm.firstSeen, lastSeen: sm.lastSeen };
    }),
    seenIn: obj(seenIn),
    seenWhere: seen,
    byDriver: [...byDriver]
      .map(([driver, x]) => ({ driver, calls: x.calls, actions: obj(x.actions), hosts: [...x.hosts].sort() }))
      .sort((x, y) => y.calls - x.calls || x.driver.localeCompare(y.driver)),
    support: [...support]
      .map(([k, x]): SupportRow => {
        const [action, driver] = k.split('\t') as [string, string];
        const sp = supportOf(action, driver === 'unknown' ? null : driver);
        return {
          action,
          driver,
          supported: sp.supported,
          calls: x.calls,
          hosts: [...x.hosts].sort(),
          succeeded: x.succeeded,
          statuses: obj(x.statuses),
          answer: sp.row?.answer ?? null,
          releases: sp.row?.releases ?? null,
          source: sp.row?.source ?? null,
        };
      })
      .sort((x, y) => x.action.localeCompare(y.action) || y.calls - x.calls || x.driver.localeCompare(y.driver)),
    unknownHosts: [...unknownHosts]
      .map(([host, x]) => ({ host, calls: x.calls, lastSeen: iso(x.last || null) }))
      .sort((x, y) => y.calls - x.calls || x.host.localeCompare(y.host)),
    ambiguousHosts: [...ambiguousHosts]
      .map(([host, x]) => ({ host, candidates: x.candidates, calls: x.calls }))
      .sort((x, y) => x.host.localeCompare(y.host)),
    daily: [...daily]
      .map(([day, x]) => ({ day, calls: x.calls, actions: obj(x.actions) }))
      .sort((x, y) => x.day.localeCompare(y.day)),
  };
}

const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

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
  const detail = (rows: readonly SupportRow[]): string =>
    rows.map((r) => `${r.action} on ${r.driver} ${r.calls}`).join(', ');
  const never = acting.filter((r) => r.supported === 'no');
  const could = acting.filter((r) => r.supported === 'yes');
  const unjudged = acting.filter((r) => r.supported === 'unknown');
  const unknownDriver = sum(unjudged);
  const missing = new Set(a.unknownHosts.map((h) => h.host));
  const missingHere = [...new Set(unjudged.flatMap((r) => r.hosts).filter((h) => missing.has(h)))];
  const parts: string[] = [];
  if (never.length)
    parts.push(
      `${sum(never)} could never have worked on that host's driver (${detail(never)}; answered ${statusesText(never)})`,
    );
  if (could.length)
    parts.push(
      `${sum(could)} could (${detail(could)}; ${sum(could.map((r) => ({ ...r, calls: r.succeeded })))} succeeded)`,
    );
  if (unknownDriver) {
    parts.push(
      `${unknownDriver} cannot be judged` +
        (missingHere.length
          ? ` (hosts not in the inventory: ${missingHere.join(', ')}; import them with \`apicensus inventory import\`)`
          : ' (the driver, or what the update did, is not known)'),
    );
  }
  const out = [`Of ${plural(sum(acting), 'call')} acting on a host's driver, ${parts.join('; ')}.`];
  const hopeless = [...new Set(never.map((r) => r.action))].filter((action) =>
    acting.filter((r) => r.action === action).every((r) => r.supported === 'no'),
  );
  if (hopeless.length)
    out.push(
      `Nobody can depend on ${hopeless.join(', ')}: every call went to a driver that never implemented ${hopeless.length === 1 ? 'it' : 'them'}.`,
    );
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

function verdictFor(
  a: ApiReport,
  requests: number,
  sources: number,
  answerable: Verdict['answerable'],
  coverage: Coverage,
  silentNova: boolean,
  unreadDays = 0,
): Verdict {
  const without = a.actions.filter((x) => x.replacement === null && x.action !== 'other').map((x) => x.action);
  if (a.calls === 0) {
    let why = '';
    if (requests === 0) {
      why = ` The logs read hold no ${a.service} request at all, so they cannot say whether anyone calls ${a.api}`;
      if (coverage.blindHours > 0)
        why += `: the front end logged ${plural(coverage.opaqueConnections, 'connection')} in TCP mode, without paths`;
      else if (silentNova) why += ": nova-api's log has no access lines (request_log is missing from api-paste.ini)";
      why += '.';
    } else if (answerable === 'partly' && unreadDays > 0 && coverage.blindHours === 0 && !silentNova) {
      why = ` ${plural(unreadDays, 'day')} of search-server logs could not be read (see the warnings): calls on ${unreadDays === 1 ? 'it' : 'them'} would not be seen.`;
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
  if (seen.frontEndOnly > 0)
    parts.push(
      `${plural(seen.frontEndOnly, 'call')} appear only in front-end logs (no nova line: user and microversion unknown).`,
    );
  return { api: a.api, used: true, answerable, summary: parts.join(' '), actionsWithoutReplacement: without };
}

/** Search-server days that were not read: named, with why, so they are never taken for days without calls. */
function unreadWarning(unread: readonly UnreadWindow[]): string {
  const shown = unread
    .slice(0, 8)
    .map((u) => `${u.day} ${u.status}${u.reason ? ` (${u.reason})` : ''}`)
    .join('; ');
  const more = unread.length > 8 ? `; and ${unread.length - 8} more` : '';
  const where = [...new Set(unread.map((u) => `${u.url}/${u.pattern}`))].join(', ');
  return (
    `${plural(unread.length, 'day')} of ${where} could not be read and ${unread.length === 1 ? 'is' : 'are'} not counted ` +
    `(not taken for days without calls): ${shown}${more}. Read ${unread.length === 1 ? 'it' : 'them'} again with \`apicensus ingest --${unread[0]!.product} … --since …\` once available.`
  );
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
  const silentNova = sources.filter(
    (s) => s.nova_api_seen === 1 && s.requests === 0 && s.format.split('+').includes('nova'),
  );
  if (silentNova.length > 0) {
    warnings.push(
      `${silentNova.map((s) => s.path).join(', ')}: nova-api wrote log lines but no access line. nova-api probably runs under uwsgi or mod_wsgi ` +
        'without request_log in its api-paste.ini pipeline (needed since Pike), so its own log cannot show who calls what; feed in the uWSGI, Apache or load-balancer logs.',
    );
  }
  const malformed = sources.reduce((n, s) => n + s.malformed, 0);
  if (malformed > 0)
    warnings.push(`${plural(malformed, 'line')} looked like request lines but could not be read (examples below).`);
  const unread = unreadWindows(db, w);
  if (unread.length > 0) warnings.push(unreadWarning(unread));
  const answerable: Verdict['answerable'] =
    totals.requests === 0
      ? 'no'
      : coverage.blindHours > 0 || silentNova.length > 0 || unread.length > 0
        ? 'partly'
        : 'yes';
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
    verdict: verdictFor(
      studied,
      totals.requests,
      sources.length,
      answerable,
      coverage,
      silentNova.length > 0,
      unread.length,
    ),
    coverage,
    warnings,
    malformedExamples: malformedExamples(db, 5),
  };
}
