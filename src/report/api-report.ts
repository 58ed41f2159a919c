/**
 * One API's part of the report, from one pass over its calls in the window:
 * raw rows streamed from the store and aggregated into every dimension at
 * once, so memory grows with the number of distinct values, not of calls (a
 * million calls stream through; bench/ runs `apicensus report` over its generated logs).
 */
import type { ActionSummary, ApiReport, OnDrivers, SupportRow } from '../../reports/model.js';
import { HAS_CAPABILITIES, supportOf } from '../capabilities.js';
import type { HostDrivers } from '../host-drivers.js';
import { replacementOf, type RulePack } from '../rules.js';
import type { CallRow, ReportQueries, Window } from '../store/report-queries.js';
import { clientFamily } from '../user-agent.js';
import { compareMicroversion, inc, iso, obj, ranked, Tally, tallyOf, top } from './tally.js';

const UNKNOWN = '(unknown)';
const DAY_MS = 86_400_000;

/** Calls that name a host: the pack's routes call their target "host". */
const targetsHosts = (pack: RulePack | undefined): boolean => pack?.routes.some((r) => r.target === 'host') ?? false;

interface ActionTally {
  calls: number;
  first: number;
  last: number;
  succeeded: number;
  statuses: Map<string, number>;
  projects: Set<string>;
  users: Set<string>;
}
interface CountByAction {
  calls: number;
  actions: Map<string, number>;
}
interface ClientTally extends CountByAction {
  family: string;
  version: string | null;
  addresses: Map<string, number>;
  agents: Map<string, number>;
}
interface SupportTally {
  action: string;
  driver: string;
  calls: number;
  succeeded: number;
  statuses: Map<string, number>;
  hosts: Set<string>;
}

const countByAction = (): CountByAction => ({ calls: 0, actions: new Map() });

/** Everything one API's rows add up to; `add` takes a row, `result` gives the ApiReport. */
class ApiAggregate {
  calls = 0;
  refused = 0;
  first = Infinity;
  last = -Infinity;
  readonly projects = new Set<string>();
  readonly users = new Set<string>();
  readonly actions = new Map<string, ActionTally>();
  readonly byProject = new Map<string, Tally>();
  readonly byUser = new Map<string, Tally>();
  readonly byTarget = new Map<string, Tally>();
  readonly byMicroversion = new Map<string | null, CountByAction>();
  readonly byStatus = new Map<number | null, number>();
  readonly byClient = new Map<string, ClientTally>();
  readonly byAddress = new Map<string, Tally>();
  readonly seenIn = new Map<string, number>();
  readonly seen = { novaOnly: 0, frontEndOnly: 0, both: 0, auditOnly: 0 };
  readonly daily = new Map<string, CountByAction>();
  readonly byDriver = new Map<string, CountByAction & { hosts: Set<string> }>();
  readonly support = new Map<string, SupportTally>();
  readonly unknownHosts = new Map<string, { calls: number; last: number }>();
  readonly ambiguousHosts = new Map<string, { candidates: string[]; calls: number }>();
  // Caches: a row's derived values depend on few distinct inputs.
  private readonly dayNames = new Map<number, string>();
  private readonly families = new Map<string | null, ClientTally>();
  private readonly layerKinds = new Map<string, keyof ApiAggregate['seen']>();
  private readonly resolvedOnce = new Map<string, ReturnType<HostDrivers['resolve']>>();
  readonly hostTargets: boolean;
  private readonly withSupport: boolean;

  constructor(
    readonly api: string,
    readonly pack: RulePack | undefined,
    private readonly hostDrivers: HostDrivers,
  ) {
    this.hostTargets = targetsHosts(pack);
    this.withSupport = this.hostTargets && HAS_CAPABILITIES(api);
  }

  add(row: CallRow): void {
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
    this.calls++;
    const ok = status !== null && status >= 200 && status < 300;
    if (time !== null) {
      if (time < this.first) this.first = time;
      if (time > this.last) this.last = time;
    }
    const project = projectId ?? projectName;
    const user = userId ?? userName;
    const statusKey = String(status ?? 'unknown');
    this.addAction(action, time, ok, statusKey, project, user);
    if (this.isRefused(status, microversion)) this.refused++;
    this.addCallers(action, time, project, projectId, projectName, user, userId, userName);
    if (target !== null) tallyOf(this.byTarget, target).add(action, time);
    let mv = this.byMicroversion.get(microversion);
    if (!mv) this.byMicroversion.set(microversion, (mv = countByAction()));
    mv.calls++;
    inc(mv.actions, action);
    inc(this.byStatus, status);
    this.addClient(action, time, client, agent);
    this.addLayers(layers);
    this.addDay(action, time);
    if (this.hostTargets && target !== null) this.addHost(action, target, time, ok, statusKey);
  }

  private addAction(
    action: string,
    time: number | null,
    ok: boolean,
    statusKey: string,
    project: string | null,
    user: string | null,
  ): void {
    if (project !== null) this.projects.add(project);
    if (user !== null) this.users.add(user);
    let a = this.actions.get(action);
    if (!a) {
      a = {
        calls: 0,
        first: Infinity,
        last: -Infinity,
        succeeded: 0,
        statuses: new Map(),
        projects: new Set(),
        users: new Set(),
      };
      this.actions.set(action, a);
    }
    a.calls++;
    if (time !== null) {
      if (time < a.first) a.first = time;
      if (time > a.last) a.last = time;
    }
    if (ok) a.succeeded++;
    inc(a.statuses, statusKey);
    if (project !== null) a.projects.add(project);
    if (user !== null) a.users.add(user);
  }

  /** Answered with the pack's refusal status: removed, or asked for a microversion at or after the deprecation. */
  private isRefused(status: number | null, microversion: string | null): boolean {
    const refusal = this.pack?.refusal ?? null;
    if (refusal === null || status !== refusal.status) return false;
    if (this.pack!.removed) return true;
    return (
      refusal.fromMicroversion != null &&
      microversion !== null &&
      compareMicroversion(microversion, refusal.fromMicroversion) >= 0
    );
  }

  private addCallers(
    action: string,
    time: number | null,
    project: string | null,
    projectId: string | null,
    projectName: string | null,
    user: string | null,
    userId: string | null,
    userName: string | null,
  ): void {
    const p = tallyOf(this.byProject, project ?? UNKNOWN);
    p.add(action, time);
    if (projectId !== null) p.nameIt(projectName);
    const u = tallyOf(this.byUser, user ?? UNKNOWN);
    u.add(action, time);
    if (userId !== null) u.nameIt(userName);
  }

  private addClient(action: string, time: number | null, client: string | null, agent: string | null): void {
    let c = this.families.get(agent);
    if (c === undefined) {
      const f = clientFamily(agent);
      const key = `${f.family}\t${f.version ?? ''}`;
      c = this.byClient.get(key);
      if (!c) {
        c = {
          family: f.family,
          version: f.version || null,
          ...countByAction(),
          addresses: new Map(),
          agents: new Map(),
        };
        this.byClient.set(key, c);
      }
      this.families.set(agent, c);
    }
    c.calls++;
    inc(c.actions, action);
    if (client !== null) inc(c.addresses, client);
    if (agent !== null) inc(c.agents, agent);
    if (client !== null) tallyOf(this.byAddress, client).add(action, time);
  }

  private addLayers(layers: string): void {
    inc(this.seenIn, layers);
    let kind = this.layerKinds.get(layers);
    if (kind === undefined) {
      const l = layers.split('+');
      const nova = l.includes('nova');
      const front = l.includes('lb') || l.includes('web');
      kind = nova && front ? 'both' : nova ? 'novaOnly' : front ? 'frontEndOnly' : 'auditOnly';
      this.layerKinds.set(layers, kind);
    }
    this.seen[kind]++;
  }

  private addDay(action: string, time: number | null): void {
    let dayName = 'undated';
    if (time !== null) {
      const dayIndex = Math.floor(time / DAY_MS);
      dayName = this.dayNames.get(dayIndex) ?? '';
      if (dayName === '')
        this.dayNames.set(dayIndex, (dayName = new Date(dayIndex * DAY_MS).toISOString().slice(0, 10)));
    }
    let d = this.daily.get(dayName);
    if (!d) this.daily.set(dayName, (d = countByAction()));
    d.calls++;
    inc(d.actions, action);
  }

  private addHost(action: string, target: string, time: number | null, ok: boolean, statusKey: string): void {
    // Resolution depends on the time only for hosts that changed driver: cache the rest.
    let r = this.resolvedOnce.get(target);
    if (!r || this.hostDrivers.changedDriver(r.host)) {
      r = this.hostDrivers.resolve(target, time);
      this.resolvedOnce.set(target, r);
    }
    const driver = r.driver ?? 'unknown';
    let bd = this.byDriver.get(driver);
    if (!bd) this.byDriver.set(driver, (bd = { ...countByAction(), hosts: new Set() }));
    bd.calls++;
    inc(bd.actions, action);
    bd.hosts.add(r.host ?? target);
    if (this.withSupport) {
      const k = `${action}\t${driver}`;
      let sp = this.support.get(k);
      if (!sp)
        this.support.set(k, (sp = { action, driver, calls: 0, succeeded: 0, statuses: new Map(), hosts: new Set() }));
      sp.calls++;
      if (ok) sp.succeeded++;
      inc(sp.statuses, statusKey);
      sp.hosts.add(target);
    }
    if (r.match.host !== null) return;
    if (r.match.ambiguous === null) {
      const uh = this.unknownHosts.get(target) ?? { calls: 0, last: 0 };
      uh.calls++;
      uh.last = Math.max(uh.last, time ?? 0);
      this.unknownHosts.set(target, uh);
    } else {
      const ah = this.ambiguousHosts.get(target) ?? { candidates: r.match.ambiguous, calls: 0 };
      ah.calls++;
      this.ambiguousHosts.set(target, ah);
    }
  }
}

/** Could an action's calls have worked on the drivers they named: its rows of the support table, summed. */
function onDriversOf(action: string, support: readonly SupportRow[]): OnDrivers | null {
  if (action === 'list' || action === 'show') return null;
  const rows = support.filter((r) => r.action === action);
  if (rows.length === 0) return null;
  const sum = (s: SupportRow['supported']): number =>
    rows.filter((r) => r.supported === s).reduce((n, r) => n + r.calls, 0);
  const could = sum('yes');
  const never = sum('no');
  const unknown = sum('unknown');
  const works = never + unknown === 0 ? 'yes' : could + unknown === 0 ? 'no' : could + never === 0 ? 'unknown' : 'some';
  const drivers = [...rows].sort((x, y) => y.calls - x.calls || x.driver.localeCompare(y.driver)).map((r) => r.driver);
  return { works, could, never, unknown, drivers: [...new Set(drivers)] };
}

function actionSummaries(agg: ApiAggregate, support: readonly SupportRow[]): ActionSummary[] {
  const pack = agg.pack;
  const apiDeprecated = pack !== undefined && (pack.deprecated !== null || pack.removed !== null);
  const actionOrder = pack?.actions.map((a) => a.name) ?? [];
  const orderOf = (a: string): number => {
    const i = actionOrder.indexOf(a.split('+')[0]!);
    return i < 0 ? 999 : i;
  };
  const moveToOf = (name: string): string | undefined => pack?.actions.find((z) => z.name === name)?.moveTo;
  return [...agg.actions]
    .map(([action, x]) => {
      const parts = action.split('+');
      return {
        action,
        calls: x.calls,
        succeeded: x.succeeded,
        failed: x.calls - x.succeeded,
        statuses: obj(x.statuses),
        projects: x.projects.size,
        users: x.users.size,
        replacement: replacementOf(pack, action),
        moveTo: parts.every((y) => moveToOf(y)) ? [...new Set(parts.map((y) => moveToOf(y)!))].join(' + ') : null,
        note: pack?.actions.find((z) => z.name === action)?.note ?? null,
        firstSeen: x.first === Infinity ? null : iso(x.first),
        lastSeen: x.last === -Infinity ? null : iso(x.last),
        deprecated: apiDeprecated || replacementOf(pack, action) !== null,
        onDrivers: onDriversOf(action, support),
      };
    })
    .sort((x, y) => orderOf(x.action) - orderOf(y.action) || x.action.localeCompare(y.action));
}

function supportRows(agg: ApiAggregate): SupportRow[] {
  return [...agg.support.values()]
    .map((x): SupportRow => {
      const sp = supportOf(x.action, x.driver === 'unknown' ? null : x.driver);
      return {
        action: x.action,
        driver: x.driver,
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
    .sort((x, y) => x.action.localeCompare(y.action) || y.calls - x.calls || x.driver.localeCompare(y.driver));
}

/** The dimension tables of the report, each most calls first. */
function dimensions(agg: ApiAggregate): Pick<ApiReport, 'byProject' | 'byUser' | 'byHost' | 'byTarget' | 'byAddress'> {
  const targetRows = ranked(agg.byTarget, (t) => t.calls);
  return {
    byProject: ranked(agg.byProject, (t) => t.calls).map(([project, t]) => ({
      project,
      projectName: t.name,
      ...t.summary(),
    })),
    byUser: ranked(agg.byUser, (t) => t.calls).map(([user, t]) => ({ user, userName: t.name, ...t.summary() })),
    byHost: agg.hostTargets ? targetRows.map(([host, t]) => ({ host, ...t.summary() })) : [],
    byTarget: agg.hostTargets ? [] : targetRows.map(([target, t]) => ({ target, ...t.summary() })),
    byAddress: ranked(agg.byAddress, (t) => t.calls).map(([address, t]) => ({ address, ...t.summary() })),
  };
}

function hostSections(
  agg: ApiAggregate,
  support: SupportRow[],
): Pick<ApiReport, 'byDriver' | 'support' | 'unknownHosts' | 'ambiguousHosts'> {
  return {
    byDriver: [...agg.byDriver]
      .map(([driver, x]) => ({ driver, calls: x.calls, actions: obj(x.actions), hosts: [...x.hosts].sort() }))
      .sort((x, y) => y.calls - x.calls || x.driver.localeCompare(y.driver)),
    support,
    unknownHosts: [...agg.unknownHosts]
      .map(([host, x]) => ({ host, calls: x.calls, lastSeen: iso(x.last || null) }))
      .sort((x, y) => y.calls - x.calls || x.host.localeCompare(y.host)),
    ambiguousHosts: [...agg.ambiguousHosts]
      .map(([host, x]) => ({ host, candidates: x.candidates, calls: x.calls }))
      .sort((x, y) => x.host.localeCompare(y.host)),
  };
}

function result(agg: ApiAggregate, serviceRequests: number | null): ApiReport {
  const pack = agg.pack;
  const dims = dimensions(agg);
  const support = supportRows(agg);
  return {
    api: agg.api,
    title: pack?.title ?? agg.api,
    service: pack?.service ?? 'compute',
    deprecated: pack?.deprecated ?? null,
    removed: pack?.removed ?? null,
    status: pack?.removed ? 'removed' : pack?.deprecated ? 'deprecated' : 'current',
    calls: agg.calls,
    projects: agg.projects.size,
    users: agg.users.size,
    firstSeen: agg.first === Infinity ? null : iso(agg.first),
    lastSeen: agg.last === -Infinity ? null : iso(agg.last),
    perHundredThousand:
      serviceRequests !== null && serviceRequests > 0
        ? Math.round((agg.calls / serviceRequests) * 100_000 * 100) / 100
        : null,
    refused: agg.refused,
    actions: actionSummaries(agg, support),
    byProject: dims.byProject,
    byUser: dims.byUser,
    byHost: dims.byHost,
    byTarget: dims.byTarget,
    byMicroversion: [...agg.byMicroversion]
      .map(([microversion, x]) => ({ microversion, calls: x.calls, actions: obj(x.actions) }))
      .sort((x, y) => compareMicroversion(x.microversion, y.microversion)),
    byStatus: [...agg.byStatus]
      .map(([status, n]) => ({ status, calls: n }))
      .sort((x, y) => (x.status ?? -1) - (y.status ?? -1)),
    byClient: [...agg.byClient.values()]
      .map((x) => ({
        client: x.family,
        version: x.version,
        calls: x.calls,
        actions: obj(x.actions),
        addresses: top(x.addresses),
        userAgents: top(x.agents),
      }))
      // Ties broken on the version too (one family, two versions, as many calls): the same
      // report whatever order the rows came in.
      .sort(
        (x, y) =>
          y.calls - x.calls || x.client.localeCompare(y.client) || (x.version ?? '').localeCompare(y.version ?? ''),
      ),
    byAddress: dims.byAddress,
    seenIn: obj(agg.seenIn),
    seenWhere: agg.seen,
    ...hostSections(agg, support),
    daily: [...agg.daily]
      .map(([day, x]) => ({ day, calls: x.calls, actions: obj(x.actions) }))
      .sort((x, y) => x.day.localeCompare(y.day)),
  };
}

/** One API's report over the window. */
export function apiReport(
  q: ReportQueries,
  api: string,
  pack: RulePack | undefined,
  w: Window,
  hostDrivers: HostDrivers,
): ApiReport {
  const agg = new ApiAggregate(api, pack, hostDrivers);
  for (const row of q.calls(api, w)) agg.add(row);
  const totals = pack ? q.serviceTotals(pack.service, w) : null;
  return result(agg, totals ? totals.requests : null);
}
