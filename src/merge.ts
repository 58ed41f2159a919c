/**
 * `apicensus merge EXPORT…`: many clouds' exports → one picture for the core
 * team. Only a deployment whose exports cover an API (with hours of logs) can
 * say whether it calls it: per API and action, `deploymentsCalling` out of
 * `deploymentsReporting`; the others are listed as unknown, never counted as
 * "does not call". The same deployment twice counts once: per (deployment,
 * api, day) the newest export covering that day wins, so overlapping windows
 * are never added twice.
 */
import { readFileSync } from 'node:fs';
import { groups } from 'd3-array';
import {
  EXPORT_SCHEMA,
  EXPORT_SCHEMA_V1,
  MERGE_SCHEMA,
  type Export,
  type ExportApi,
  type ExportDay,
  type MergedAction,
  type MergedApi,
  type MergeReport,
  type Tally,
  type UnknownDeployment,
} from '../reports/export-model.js';
import { coverageOf, hoursOf } from './coverage.js';
import { UserError } from './errors.js';

const DAY = 86_400_000;

/** A v1 export has no hours: each API is read as covering the whole UTC days with requests to its service. */
function upgradeV1Api(a: Omit<ExportApi, 'coverage'>): ExportApi {
  const hours: number[] = [];
  for (const d of a.days) {
    if (d.day === 'undated' || d.serviceRequests <= 0) continue;
    const start = Date.parse(`${d.day}T00:00:00Z`);
    for (let h = start; h < start + DAY; h += 3_600_000) hours.push(h);
  }
  return { ...a, coverage: coverageOf(hours) };
}

/** An export document (v2, or v1 read as v2), or a clear error naming the file. */
export function parseExport(parsed: unknown, file: string): Export {
  const x = parsed as Partial<Export> & { schema?: unknown };
  if (x.schema !== EXPORT_SCHEMA && x.schema !== EXPORT_SCHEMA_V1)
    throw new UserError(
      `${file}: not an apicensus export (schema ${String(x.schema)}, expected ${EXPORT_SCHEMA} or ` +
        `${EXPORT_SCHEMA_V1}).`,
    );
  if (!x.deployment?.id || !Array.isArray(x.apis))
    throw new UserError(`${file}: an apicensus export without deployment id or apis.`);
  if (x.schema === EXPORT_SCHEMA) {
    if (x.apis.some((a) => !Array.isArray(a.coverage?.ranges)))
      throw new UserError(`${file}: an ${EXPORT_SCHEMA} export whose apis lack their coverage.`);
    return x as Export;
  }
  return { ...(x as Export), schema: EXPORT_SCHEMA, apis: x.apis.map(upgradeV1Api) };
}

export function readExport(file: string): Export {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`${file}: not a readable JSON export (${(e as Error).message}).`);
  }
  return parseExport(parsed, file);
}

interface DeploymentApi {
  service: string;
  /** day → the day's data from the newest export that covers it. */
  days: Map<string, { day: ExportDay; generatedAt: string }>;
  /** Hours (ms) in which its logs held requests to the API's service, over all its exports. */
  hours: Set<number>;
}

interface DeploymentDays {
  id: string;
  label: string | null;
  exports: number;
  apis: Map<string, DeploymentApi>;
  covered: Set<string>;
  from: string | null;
  to: string | null;
}

function collect(exports: readonly Export[]): Map<string, DeploymentDays> {
  const deployments = new Map<string, DeploymentDays>();
  for (const x of exports) {
    let d = deployments.get(x.deployment.id);
    if (!d) {
      d = { id: x.deployment.id, label: null, exports: 0, apis: new Map(), covered: new Set(), ...x.window };
      deployments.set(x.deployment.id, d);
    }
    d.exports++;
    d.label ??= x.deployment.label;
    for (const day of x.coveredDays) d.covered.add(day);
    if (d.from !== null && (x.window.from === null || x.window.from < d.from)) d.from = x.window.from;
    if (d.to !== null && (x.window.to === null || x.window.to > d.to)) d.to = x.window.to;
    for (const a of x.apis) {
      let mine = d.apis.get(a.api);
      if (!mine) d.apis.set(a.api, (mine = { service: a.service, days: new Map(), hours: new Set() }));
      for (const h of hoursOf(a.coverage)) mine.hours.add(h);
      for (const day of a.days) {
        const prev = mine.days.get(day.day);
        if (!prev || prev.generatedAt < x.generatedAt) mine.days.set(day.day, { day, generatedAt: x.generatedAt });
      }
    }
  }
  return deployments;
}

function tally(entries: readonly { name: string | null; deployment: string; calls: number }[]): Tally[] {
  return groups(entries, (e) => e.name)
    .map(([name, list]) => ({
      name,
      deployments: new Set(list.map((e) => e.deployment)).size,
      calls: list.reduce((n, e) => n + e.calls, 0),
    }))
    .sort((a, b) => b.deployments - a.deployments || b.calls - a.calls || String(a.name).localeCompare(String(b.name)));
}

type Row = ExportDay['rows'][number] & { deployment: string; day: string };

const callsIn = (rows: readonly { calls: number }[]): number => rows.reduce((n, r) => n + r.calls, 0);
const daysIn = (hours: Iterable<number>): number =>
  new Set([...hours].map((h) => new Date(h).toISOString().slice(0, 10))).size;

/** Which deployments can answer for the API (their exports cover it, with logs or calls) and which cannot. */
function whoReports(api: string, deployments: readonly DeploymentDays[], rows: readonly Row[]) {
  const calling = new Set(rows.map((r) => r.deployment));
  const reporting: DeploymentDays[] = [];
  const unknown: UnknownDeployment[] = [];
  for (const d of deployments) {
    const mine = d.apis.get(api);
    if (mine && (mine.hours.size > 0 || calling.has(d.id))) reporting.push(d);
    else unknown.push({ deployment: d.id, label: d.label, reason: mine ? 'no logs' : 'not exported' });
  }
  return { reporting, unknown };
}

function mergedActions(rows: readonly Row[], reporting: number): MergedAction[] {
  return groups(rows, (r) => r.action)
    .map(([action, list]) => {
      const statusClasses: Record<string, number> = {};
      for (const r of list) statusClasses[r.statusClass] = (statusClasses[r.statusClass] ?? 0) + r.calls;
      return {
        action,
        deploymentsReporting: reporting,
        deploymentsCalling: new Set(list.map((r) => r.deployment)).size,
        calls: callsIn(list),
        statusClasses,
        neverWorked: callsIn(list.filter((r) => r.supported === 'no')),
        refused: callsIn(list.filter((r) => r.refused)),
      };
    })
    .sort(
      (a, b) => b.deploymentsCalling - a.deploymentsCalling || b.calls - a.calls || a.action.localeCompare(b.action),
    );
}

function mergeApi(api: string, all: readonly DeploymentDays[]): MergedApi {
  const rows: Row[] = all.flatMap((d) =>
    [...(d.apis.get(api)?.days.values() ?? [])].flatMap(({ day }) =>
      day.rows.map((r) => ({ ...r, deployment: d.id, day: day.day })),
    ),
  );
  const service = all.map((d) => d.apis.get(api)?.service).find((s) => s !== undefined) ?? 'compute';
  const { reporting, unknown } = whoReports(api, all, rows);
  return {
    api,
    service,
    deploymentsReporting: reporting.length,
    deploymentsCalling: new Set(rows.map((r) => r.deployment)).size,
    unknown,
    calls: callsIn(rows),
    actions: mergedActions(rows, reporting.length),
    drivers: tally(
      rows.filter((r) => r.driver !== null).map((r) => ({ name: r.driver, deployment: r.deployment, calls: r.calls })),
    ),
    clients: tally(
      rows.map((r) => ({
        name: r.clientMajor ? `${r.client} ${r.clientMajor}` : r.client,
        deployment: r.deployment,
        calls: r.calls,
      })),
    ),
    microversions: tally(rows.map((r) => ({ name: r.microversion, deployment: r.deployment, calls: r.calls }))),
    daily: groups(rows, (r) => r.day)
      .map(([day, list]) => {
        const byAction: Record<string, number> = {};
        for (const r of list) byAction[r.action] = (byAction[r.action] ?? 0) + r.calls;
        return { day, calls: callsIn(list), actions: byAction };
      })
      .sort((a, b) => a.day.localeCompare(b.day)),
    byDeployment: reporting
      .map((d) => {
        const mine = rows.filter((r) => r.deployment === d.id);
        return {
          deployment: d.id,
          label: d.label,
          calls: callsIn(mine),
          projects: new Set(mine.map((r) => r.project).filter((p) => p !== null)).size,
          lastDay: mine.length
            ? mine
                .map((r) => r.day)
                .sort()
                .at(-1)!
            : null,
          daysCovered: daysIn(d.apis.get(api)!.hours),
        };
      })
      .sort((a, b) => b.calls - a.calls || a.deployment.localeCompare(b.deployment)),
  };
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const nameOf = (u: UnknownDeployment): string => u.label ?? u.deployment;

/** "unknown for 1 deployment (cloud-b: did not export it)", or '' when every deployment reported. */
export function unknownText(unknown: readonly UnknownDeployment[]): string {
  if (unknown.length === 0) return '';
  const why = (u: UnknownDeployment): string =>
    `${nameOf(u)}: ${u.reason === 'not exported' ? 'did not export it' : 'no logs in its window'}`;
  return `unknown for ${plural(unknown.length, 'deployment')} that did not report it (${unknown.map(why).join('; ')})`;
}

function summaryOf(studied: MergedApi | undefined, n: number): string {
  if (!studied) return `None of the ${plural(n, 'deployment')} exported an API.`;
  const unknown = unknownText(studied.unknown);
  const tail = unknown ? `; ${unknown}.` : '.';
  if (studied.deploymentsReporting === 0) return `No deployment of ${n} reported ${studied.api}: ${unknown}.`;
  if (studied.calls === 0)
    return (
      `None of the ${plural(studied.deploymentsReporting, 'deployment')} reporting ${studied.api} called it in ` +
      `the exported windows${tail}`
    );
  const parts = studied.actions.map(
    (a) =>
      `${a.action} in ${plural(a.deploymentsCalling, 'deployment')} (${plural(a.calls, 'call')}` +
      `${a.neverWorked ? `, ${a.neverWorked} to drivers where it never works` : ''})`,
  );
  return (
    `${studied.api} is called in ${studied.deploymentsCalling} of ` +
    `${plural(studied.deploymentsReporting, 'deployment')} reporting it: ${parts.join('; ')}${tail}`
  );
}

export function mergeExports(exports: readonly Export[], version: string, now = new Date()): MergeReport {
  const deployments = [...collect(exports).values()];
  const apiNames = [...new Set(deployments.flatMap((d) => [...d.apis.keys()]))].sort();
  const apis = apiNames.map((api) => mergeApi(api, deployments));
  const studied = apis.find((a) => a.api === 'os-hosts') ?? apis[0];
  return {
    schema: MERGE_SCHEMA,
    generatedAt: now.toISOString(),
    tool: { name: 'apicensus', version },
    deployments: deployments
      .map((d) => ({
        id: d.id,
        label: d.label,
        exports: d.exports,
        from: d.from,
        to: d.to,
        coveredDays: d.covered.size,
        apis: [...d.apis.keys()].sort(),
      }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    apis,
    verdict: {
      api: studied?.api ?? 'os-hosts',
      deploymentsCalling: studied?.deploymentsCalling ?? 0,
      deploymentsReporting: studied?.deploymentsReporting ?? 0,
      deployments: deployments.length,
      unknown: studied?.unknown.length ?? deployments.length,
      summary: summaryOf(studied, deployments.length),
    },
  };
}
