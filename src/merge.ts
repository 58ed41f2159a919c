/**
 * `apicensus merge EXPORT…`: many clouds' exports → one picture for the core
 * team. The same deployment twice counts once: per (deployment, api, day) the
 * newest export covering that day wins, so overlapping windows are never
 * added twice.
 */
import { readFileSync } from 'node:fs';
import { groups } from 'd3-array';
import {
  EXPORT_SCHEMA,
  MERGE_SCHEMA,
  type Export,
  type ExportDay,
  type MergedApi,
  type MergeReport,
  type Tally,
} from '../reports/export-model.js';
import { UserError } from './errors.js';

export function readExport(file: string): Export {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`${file}: not a readable JSON export (${(e as Error).message}).`);
  }
  const x = parsed as Partial<Export>;
  if (x.schema !== EXPORT_SCHEMA)
    throw new UserError(`${file}: not an apicensus export (schema ${String(x.schema)}, expected ${EXPORT_SCHEMA}).`);
  if (!x.deployment?.id || !Array.isArray(x.apis))
    throw new UserError(`${file}: an apicensus export without deployment id or apis.`);
  return parsed as Export;
}

interface DeploymentDays {
  id: string;
  label: string | null;
  exports: number;
  /** api → day → the day's data from the newest export that covers it. */
  days: Map<string, Map<string, { day: ExportDay; service: string; generatedAt: string }>>;
  covered: Set<string>;
  from: string | null;
  to: string | null;
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

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function mergeExports(exports: readonly Export[], version: string, now = new Date()): MergeReport {
  const deployments = new Map<string, DeploymentDays>();
  for (const x of exports) {
    let d = deployments.get(x.deployment.id);
    if (!d) {
      d = {
        id: x.deployment.id,
        label: x.deployment.label,
        exports: 0,
        days: new Map(),
        covered: new Set(),
        from: x.window.from,
        to: x.window.to,
      };
      deployments.set(x.deployment.id, d);
    }
    d.exports++;
    d.label ??= x.deployment.label;
    for (const day of x.coveredDays) d.covered.add(day);
    if (d.from !== null && (x.window.from === null || x.window.from < d.from)) d.from = x.window.from;
    if (d.to !== null && (x.window.to === null || x.window.to > d.to)) d.to = x.window.to;
    for (const a of x.apis) {
      const byDay = d.days.get(a.api) ?? new Map();
      d.days.set(a.api, byDay);
      for (const day of a.days) {
        const prev = byDay.get(day.day);
        if (!prev || prev.generatedAt < x.generatedAt)
          byDay.set(day.day, { day, service: a.service, generatedAt: x.generatedAt });
      }
    }
  }

  const apiNames = [...new Set([...deployments.values()].flatMap((d) => [...d.days.keys()]))].sort();
  const apis: MergedApi[] = apiNames.map((api) => {
    const rows = [...deployments.values()].flatMap((d) =>
      [...(d.days.get(api)?.values() ?? [])].flatMap(({ day }) =>
        day.rows.map((r) => ({ ...r, deployment: d.id, day: day.day })),
      ),
    );
    const service =
      [...deployments.values()]
        .map((d) => [...(d.days.get(api)?.values() ?? [])][0]?.service)
        .find((s) => s !== undefined) ?? 'compute';
    const actions = groups(rows, (r) => r.action)
      .map(([action, list]) => {
        const statusClasses: Record<string, number> = {};
        for (const r of list) statusClasses[r.statusClass] = (statusClasses[r.statusClass] ?? 0) + r.calls;
        return {
          action,
          deployments: new Set(list.map((r) => r.deployment)).size,
          calls: list.reduce((n, r) => n + r.calls, 0),
          statusClasses,
          neverWorked: list.filter((r) => r.supported === 'no').reduce((n, r) => n + r.calls, 0),
          refused: list.filter((r) => r.refused).reduce((n, r) => n + r.calls, 0),
        };
      })
      .sort((a, b) => b.deployments - a.deployments || b.calls - a.calls || a.action.localeCompare(b.action));
    return {
      api,
      service,
      deployments: new Set(rows.map((r) => r.deployment)).size,
      calls: rows.reduce((n, r) => n + r.calls, 0),
      actions,
      drivers: tally(
        rows
          .filter((r) => r.driver !== null)
          .map((r) => ({ name: r.driver, deployment: r.deployment, calls: r.calls })),
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
          return { day, calls: list.reduce((n, r) => n + r.calls, 0), actions: byAction };
        })
        .sort((a, b) => a.day.localeCompare(b.day)),
      byDeployment: [...deployments.values()]
        .map((d) => {
          const mine = rows.filter((r) => r.deployment === d.id);
          return {
            deployment: d.id,
            label: d.label,
            calls: mine.reduce((n, r) => n + r.calls, 0),
            projects: new Set(mine.map((r) => r.project).filter((p) => p !== null)).size,
            lastDay: mine.length
              ? mine
                  .map((r) => r.day)
                  .sort()
                  .at(-1)!
              : null,
          };
        })
        .sort((a, b) => b.calls - a.calls || a.deployment.localeCompare(b.deployment)),
    };
  });

  const studied = apis.find((a) => a.api === 'os-hosts') ?? apis[0];
  const n = deployments.size;
  let summary: string;
  if (!studied || studied.calls === 0) {
    summary = `No deployment of ${plural(n, 'deployment')} called ${studied?.api ?? 'the API'} in the exported windows.`;
  } else {
    const parts = studied.actions.map(
      (a) =>
        `${a.action} in ${plural(a.deployments, 'deployment')} (${plural(a.calls, 'call')}${a.neverWorked ? `, ${a.neverWorked} to drivers where it never works` : ''})`,
    );
    summary = `${studied.api} is called in ${studied.deployments} of ${plural(n, 'deployment')}: ${parts.join('; ')}.`;
  }
  return {
    schema: MERGE_SCHEMA,
    generatedAt: now.toISOString(),
    tool: { name: 'apicensus', version },
    deployments: [...deployments.values()]
      .map((d) => ({
        id: d.id,
        label: d.label,
        exports: d.exports,
        from: d.from,
        to: d.to,
        coveredDays: d.covered.size,
      }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    apis,
    verdict: {
      api: studied?.api ?? 'os-hosts',
      deploymentsCalling: studied?.deployments ?? 0,
      deployments: n,
      summary,
    },
  };
}
