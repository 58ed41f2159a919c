/**
 * CSV for spreadsheets and scripts: one row per fact, `api,action,dimension,
 * value,calls,first_seen,last_seen`. The same facts as the other formats:
 * report-wide rows first (api empty: the answer, its reasons, the time the
 * logs cover and their gaps, warnings), then per API its status, per action
 * its totals, callers, drivers and what to move to, every dimension by action,
 * calls per day (value = the UTC day), and last the sources read.
 * first_seen/last_seen are ISO times in UTC where the fact has them.
 */
import { moveToText, onDriversText } from './format.js';
import type { ApiReport, Report } from './model.js';

type Cell = string | number | null;
type Row = [api: string, action: string, dimension: string, value: Cell, calls: Cell, first: Cell, last: Cell];

export const CSV_HEADER = ['api', 'action', 'dimension', 'value', 'calls', 'first_seen', 'last_seen'];

const field = (v: Cell): string => {
  const s = v === null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

function reportRows(r: Report): Row[] {
  const v = r.verdict;
  const s = r.span;
  const rows: Row[] = [
    ['', '', 'answerable', v.answerable, null, null, null],
    ...v.reasons.map((x): Row => ['', '', 'reason', x, null, null, null]),
    ['', '', 'window-asked', '', null, r.window.from, r.window.to],
    ['', '', 'logs', `${s.daysWithLogs} of ${s.days} days`, null, s.first, s.last],
    ['', '', 'days-with-logs', s.daysWithLogs, null, null, null],
    ['', '', 'min-days', s.minDays, null, null, null],
    ...s.gaps.map((g): Row => ['', '', 'gap-days', g.days, null, `${g.from}T00:00:00.000Z`, `${g.to}T23:59:59.999Z`]),
    ['', '', 'requests', r.inputs.requests, null, null, null],
    ['', '', 'malformed-lines', r.inputs.malformed, null, null, null],
    ...r.warnings.map((w): Row => ['', '', 'warning', w, null, null, null]),
    ['', '', 'verdict', v.summary, null, null, null],
  ];
  return rows;
}

function actionRows(a: ApiReport): Row[] {
  const rows: Row[] = [];
  for (const x of a.actions) {
    const f = x.firstSeen;
    const l = x.lastSeen;
    rows.push([a.api, x.action, 'total', '', x.calls, f, l]);
    rows.push([a.api, x.action, 'succeeded', '', x.succeeded, f, l]);
    rows.push([a.api, x.action, 'callers', x.projects, x.calls, f, l]);
    for (const [status, n] of Object.entries(x.statuses)) rows.push([a.api, x.action, 'status', status, n, null, null]);
    rows.push([a.api, x.action, 'works-on-driver', onDriversText(x.onDrivers), x.calls, f, l]);
    rows.push([a.api, x.action, 'move-to', moveToText(x), x.calls, f, l]);
    rows.push([a.api, x.action, 'replacement', x.deprecated ? (x.replacement ?? 'none') : 'current', x.calls, f, l]);
  }
  return rows;
}

function dimensionRows(a: ApiReport): Row[] {
  const rows: Row[] = [];
  type Dim = { name: string | null; actions: Record<string, number>; first?: string | null; last?: string | null };
  const dims: [string, Dim[]][] = [
    [
      'project',
      a.byProject.map((p) => ({ name: p.project, actions: p.actions, first: p.firstSeen, last: p.lastSeen })),
    ],
    ['user', a.byUser.map((u) => ({ name: u.user, actions: u.actions, first: u.firstSeen, last: u.lastSeen }))],
    ['host', a.byHost.map((h) => ({ name: h.host, actions: h.actions, first: h.firstSeen, last: h.lastSeen }))],
    ['target', a.byTarget.map((t) => ({ name: t.target, actions: t.actions, first: t.firstSeen, last: t.lastSeen }))],
    ['microversion', a.byMicroversion.map((m) => ({ name: m.microversion, actions: m.actions }))],
    [
      'client',
      a.byClient.map((c) => ({ name: c.version ? `${c.client} ${c.version}` : c.client, actions: c.actions })),
    ],
    [
      'address',
      a.byAddress.map((x) => ({ name: x.address, actions: x.actions, first: x.firstSeen, last: x.lastSeen })),
    ],
    ['driver', a.byDriver.map((d) => ({ name: d.driver, actions: d.actions }))],
    ['day', a.daily.map((d) => ({ name: d.day, actions: d.actions }))],
  ];
  for (const [dimension, list] of dims)
    for (const d of list)
      for (const [action, n] of Object.entries(d.actions))
        rows.push([a.api, action, dimension, d.name, n, d.first ?? null, d.last ?? null]);
  for (const x of a.support) rows.push([a.api, x.action, `supported-on:${x.driver}`, x.supported, x.calls, null, null]);
  for (const h of a.unknownHosts) rows.push([a.api, '', 'host-not-in-inventory', h.host, h.calls, null, h.lastSeen]);
  return rows;
}

export function renderCsv(r: Report): string {
  const rows: Row[] = reportRows(r);
  for (const a of r.apis) {
    rows.push([a.api, '', 'status', a.status, a.calls, a.firstSeen, a.lastSeen]);
    rows.push([a.api, '', 'callers', a.projects, a.calls, a.firstSeen, a.lastSeen]);
    if (a.perHundredThousand !== null)
      rows.push([
        a.api,
        '',
        'percent-of-service-requests',
        Number((a.perHundredThousand / 1000).toFixed(5)),
        a.calls,
        null,
        null,
      ]);
    if (a.refused > 0) rows.push([a.api, '', 'refused', '', a.refused, null, null]);
    rows.push(...actionRows(a), ...dimensionRows(a));
  }
  for (const s of r.sources) rows.push(['', '', 'source', s.path, s.requests, s.firstSeen, s.lastSeen]);
  return [CSV_HEADER, ...rows].map((row) => row.map(field).join(',')).join('\n') + '\n';
}
