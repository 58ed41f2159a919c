/** Small text helpers shared by the renderers. */
import type { ActionSummary, ApiReport, LogSpan, OnDrivers, Report } from './model.js';

export const num = (n: number): string => n.toLocaleString('en-US');

/** Wrap text to a width, with an indent on every line. */
export function wrap(text: string, width: number, indent = ''): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && (indent + line + ' ' + w).length > width) {
      lines.push(indent + line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  if (line) lines.push(indent + line);
  return lines.join('\n');
}

export function truncate(s: string, width: number): string {
  return s.length <= width ? s : `${s.slice(0, Math.max(0, width - 1))}…`;
}

export interface Column<T> {
  title: string;
  width: number;
  align?: 'left' | 'right';
  value: (row: T) => string;
}

/**
 * A fixed-width table: titles, then one line per row. Cells longer than their
 * column end in '…', except the last column, which wraps onto continuation
 * lines so nothing is lost.
 */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[], indent = '  '): string {
  const cell = (c: Column<T>, v: string): string => {
    const t = truncate(v, c.width);
    return c.align === 'right' ? t.padStart(c.width) : t.padEnd(c.width);
  };
  const last = columns[columns.length - 1]!;
  const lead = columns.slice(0, -1);
  const leadWidth = lead.reduce((n, c) => n + c.width + 1, 0);
  const lines = [
    columns
      .map((c) => cell(c, c.title))
      .join(' ')
      .trimEnd(),
  ];
  for (const r of rows) {
    const wrapped = wrap(last.value(r), last.width).split('\n');
    lines.push((lead.map((c) => cell(c, c.value(r))).join(' ') + ' ' + (wrapped[0] ?? '')).trimEnd());
    for (const more of wrapped.slice(1)) lines.push(' '.repeat(leadWidth) + more);
  }
  return lines.map((l) => indent + l).join('\n');
}

export const shortTime = (iso: string | null): string => (iso === null ? '-' : `${iso.slice(0, 16).replace('T', ' ')}`);

export function statuses(s: Record<string, number>): string {
  return Object.entries(s)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, v]) => `${k}×${v}`)
    .join(' ');
}

export function actionCounts(a: Record<string, number>): string {
  return Object.entries(a)
    .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

/** How a renderer lays out a report: `all` lists every row where long lists otherwise stop at the first few. */
export interface RenderOptions {
  all?: boolean;
}

/** What `--all` is called on the command line, for "… and 57 more" lines. */
export const ALL_HINT = 'apicensus report --all';

export const plural = (n: number, one: string, many = `${one}s`): string => `${num(n)} ${n === 1 ? one : many}`;

/** Calls per 100k requests as a percentage with three significant digits: the one way every format says it. */
export const sharePercent = (perHundredThousand: number): string =>
  `${Number((perHundredThousand / 1000).toPrecision(3))} %`;

export const day = (iso: string | null): string => (iso === null ? '-' : iso.slice(0, 10));

/** "deprecated at 2.43 (Pike, nova 16.0.0), removed in …", or '' for a current API. */
export function deprecationText(a: {
  deprecated: { microversion?: string | null; release?: string | null } | null;
  removed: { release: string } | null;
}): string {
  const parts: string[] = [];
  if (a.deprecated)
    parts.push(
      `deprecated${a.deprecated.microversion ? ` at ${a.deprecated.microversion}` : ''}` +
        `${a.deprecated.release ? ` (${a.deprecated.release})` : ''}`,
    );
  if (a.removed) parts.push(`removed in ${a.removed.release}`);
  return parts.join(', ');
}

/** Could an action work on the drivers it was called on, in a few words. */
export function onDriversText(o: OnDrivers | null): string {
  if (o === null) return '-';
  const drivers = o.drivers.join(', ');
  if (o.works === 'yes') return `yes: ${drivers}`;
  if (o.works === 'no') return `no: ${drivers}`;
  if (o.works === 'unknown') return 'unknown driver';
  return [o.could ? `${o.could} yes` : '', o.never ? `${o.never} no` : '', o.unknown ? `${o.unknown} ?` : '']
    .filter(Boolean)
    .join(', ');
}

/**
 * What an action's callers move to: the pack's short name, 'none'
 * when nova offers nothing, '(current)' when nothing needs moving.
 */
export function moveToText(a: ActionSummary): string {
  if (!a.deprecated) return '(current)';
  if (a.moveTo) return a.moveTo;
  return a.replacement ? 'see replacement' : 'none';
}

/** The window the logs cover: "2024-05-02 09:00 → 2024-05-09 17:12 UTC", or that there are none. */
export function spanText(s: LogSpan): string {
  return s.first === null || s.last === null ? 'no logs' : `${shortTime(s.first)} → ${shortTime(s.last)} UTC`;
}

/** The window asked for, "2024-05-01 00:00 → end": 'start' or 'end' where a bound was not given. */
export const windowText = (w: Report['window']): string =>
  `${w.from ? shortTime(w.from) : 'start'} → ${w.to ? shortTime(w.to) : 'end'}`;

/** "2014-04-18 → 2019-10-13 (2,005 days)", or one day alone. */
export const gapText = (g: LogSpan['gaps'][number]): string =>
  g.from === g.to ? g.from : `${g.from} → ${g.to} (${plural(g.days, 'day')})`;

/** Wrap with a hanging indent: the first line starts with `first`, the others with `rest`. */
export function wrapHanging(text: string, width: number, first: string, rest: string): string {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const w of text.split(/\s+/).filter(Boolean)) {
    if (!empty && line.length + 1 + w.length > width) {
      lines.push(line);
      line = rest + w;
    } else line = empty ? line + w : `${line} ${w}`;
    empty = false;
  }
  lines.push(line);
  return lines.join('\n');
}

/** One row of a "By …" list of an API's calls: a project, a user, a host, an address. */
export interface DimRow {
  name: string;
  calls: number;
  actions: Record<string, number>;
  last: string | null;
}

const who = (id: string, name: string | null): string => (name ? `${id} (${name})` : id);

/** The API's "By …" lists every format shows, in order: projects, users, target hosts, targets. */
export function callerDimensions(a: ApiReport): { title: string; rows: DimRow[] }[] {
  const row = (
    name: string,
    d: { calls: number; actions: Record<string, number>; lastSeen: string | null },
  ): DimRow => ({
    name,
    calls: d.calls,
    actions: d.actions,
    last: d.lastSeen,
  });
  return [
    { title: 'By project', rows: a.byProject.map((p) => row(who(p.project, p.projectName), p)) },
    { title: 'By user', rows: a.byUser.map((u) => row(who(u.user, u.userName), u)) },
    { title: 'By target host', rows: a.byHost.map((h) => row(h.host, h)) },
    { title: 'By target', rows: a.byTarget.map((t) => row(t.target, t)) },
  ];
}

/** The API's calls by client address (after the drivers and clients). */
export const addressDimension = (a: ApiReport): { title: string; rows: DimRow[] } => ({
  title: 'By client address',
  rows: a.byAddress.map((x) => ({ name: x.address, calls: x.calls, actions: x.actions, last: x.lastSeen })),
});
