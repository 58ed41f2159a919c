/**
 * Read-side SQL for reports: calls of interest in a window, compute totals,
 * sources and what they could see. Aggregation beyond GROUP BY happens in
 * reports/model.ts with d3-array.
 */
import type { Db } from './db.js';

export interface Window {
  /** ms since epoch, inclusive; null = open. */
  from: number | null;
  /** ms since epoch, exclusive; null = open. */
  to: number | null;
}

/**
 * A call as the report reads it, a raw row (no object per row: a million
 * calls stream through): action, target, time, status, client, user_agent,
 * user_id, project_id, user_name, project_name, microversion, layers.
 */
export type CallRow = [
  action: string,
  target: string | null,
  time: number | null,
  status: number | null,
  client: string | null,
  userAgent: string | null,
  userId: string | null,
  projectId: string | null,
  userName: string | null,
  projectName: string | null,
  microversion: string | null,
  layers: string,
];

const HOUR = 3_600_000;

function windowClause(column: string, w: Window, params: unknown[]): string {
  const parts: string[] = [];
  if (w.from !== null) {
    parts.push(`${column} >= ?`);
    params.push(w.from);
  }
  if (w.to !== null) {
    parts.push(`${column} < ?`);
    params.push(w.to);
  }
  return parts.length ? ` AND ${parts.join(' AND ')}` : '';
}

export function callsOf(db: Db, api: string, w: Window): IterableIterator<CallRow> {
  const params: unknown[] = [api];
  const sql = `SELECT action, target, time, status, client, user_agent, user_id, project_id, user_name, project_name, \
microversion, layers
                 FROM call_list WHERE api = ?${windowClause('time', w, params)}`;
  // No ORDER BY: sorting a million rows of the view costs seconds, and every aggregate the
  // report builds is independent of row order (ties break on content).
  return db
    .prepare(sql)
    .raw(true)
    .iterate(...params) as IterableIterator<CallRow>;
}

/**
 * Calls of interest in the store per api: what `SELECT api, count(*) FROM call_list GROUP BY api`
 * gives, from indexes: lines per group (an index-only scan), less the lines that joined into
 * calls, plus the calls (bench/: the view's scan cost ~0.11 s of the 1.1 GB nova log's ingest).
 */
export function callsPerApi(db: Db): Record<string, number> {
  const rows = db
    .prepare(
      `SELECT api, sum(n) AS n FROM (
         SELECT api, count(*) AS n FROM calls GROUP BY api
         UNION ALL
         SELECT g.api, c.n FROM (SELECT group_id, count(*) AS n FROM observation_lines INDEXED BY \
observation_lines_by_group_time GROUP BY group_id) c
           JOIN observation_groups g ON g.id = c.group_id
         UNION ALL
         SELECT g.api, -count(*) FROM observation_lines l INDEXED BY observation_lines_by_call \
JOIN observation_groups g ON g.id = l.group_id
          WHERE l.call_id IS NOT NULL GROUP BY g.api
       ) GROUP BY api HAVING sum(n) > 0 ORDER BY api`,
    )
    .all() as { api: string; n: number }[];
  return Object.fromEntries(rows.map((r) => [r.api, r.n]));
}

export interface TotalsByLayer {
  /** Requests per layer over the window. */
  byLayer: Record<string, number>;
  /** Sum over hours of the largest layer in that hour: a request is not counted once per layer. */
  requests: number;
  /** Per hour (ms of the hour's start) the requests counted, for timelines. */
  hourly: { hour: number; requests: number }[];
}

export function serviceTotals(db: Db, service: string, w: Window): TotalsByLayer {
  const params: unknown[] = [service];
  const from = w.from === null ? null : Math.floor(w.from / HOUR);
  const to = w.to === null ? null : Math.ceil(w.to / HOUR);
  const rows = db
    .prepare(
      `SELECT layer, hour, requests FROM hourly_totals WHERE service = ?${windowClause('hour', { from, to }, params)}`,
    )
    .all(...params) as { layer: string; hour: number; requests: number }[];
  // A layer's hour counted both by keys and by a search server's aggregation (the same lines
  // read from files and from OpenSearch, say) takes the larger count, never the sum.
  const perLayerHour = new Map<string, { layer: string; hour: number; requests: number }>();
  for (const r of [...rows, ...pushedTotals(db, service, from, to)]) {
    const k = `${r.layer}\t${r.hour}`;
    const seen = perLayerHour.get(k);
    if (!seen || seen.requests < r.requests) perLayerHour.set(k, r);
  }
  const byLayer: Record<string, number> = {};
  const perHour = new Map<number, number>();
  for (const r of perLayerHour.values()) {
    byLayer[r.layer] = (byLayer[r.layer] ?? 0) + r.requests;
    perHour.set(r.hour, Math.max(perHour.get(r.hour) ?? 0, r.requests));
  }
  let requests = 0;
  for (const n of perHour.values()) requests += n;
  const hourly = [...perHour].sort((a, b) => a[0] - b[0]).map(([hour, n]) => ({ hour: hour * HOUR, requests: n }));
  return { byLayer, requests, hourly };
}

/**
 * Per layer and hour, the requests of a service that search-server aggregations counted
 * (pushed_totals): the largest count any one window gave, front ends summed within it.
 */
function pushedTotals(
  db: Db,
  service: string,
  from: number | null,
  to: number | null,
): { layer: string; hour: number; requests: number }[] {
  const params: unknown[] = [service];
  const clause = windowClause('hour', { from, to }, params);
  return db
    .prepare(
      `SELECT layer, hour, max(n) AS requests FROM (
         SELECT window_id, layer, hour, sum(requests) AS n FROM pushed_totals WHERE service = ?${clause}
          GROUP BY window_id, layer, hour)
        GROUP BY layer, hour`,
    )
    .all(...params) as { layer: string; hour: number; requests: number }[];
}

/** A search-server day that could not be read: reported with the verdict, never taken for an empty day. */
export interface UnreadWindow {
  product: string;
  url: string;
  pattern: string;
  day: string;
  status: string;
  reason: string | null;
}

/** Days of search-server windows in the report window that were not read (closed, missing, failed). */
export function unreadWindows(db: Db, w: Window): UnreadWindow[] {
  const params: unknown[] = [];
  const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
  const parts: string[] = ["status <> 'complete'"];
  if (w.from !== null) {
    parts.push('day >= ?');
    params.push(day(w.from));
  }
  if (w.to !== null) {
    parts.push('day <= ?');
    params.push(day(w.to - 1));
  }
  return db
    .prepare(
      `SELECT product, url, pattern, day, status, reason FROM search_windows WHERE ${parts.join(' AND ')} ORDER BY ` +
        'pattern, day',
    )
    .all(...params) as UnreadWindow[];
}

export interface SourceSummaryRow {
  id: number;
  path: string;
  format: string;
  lines: number;
  requests: number;
  new_requests: number;
  opaque: number;
  malformed: number;
  observations: number;
  first_time: number | null;
  last_time: number | null;
  compressed: number;
  names: number;
  nova_api_seen: number;
  /** Content bytes read, and the file's size when reading began (null for .gz and stdin). */
  offset: number;
  size: number | null;
  state: 'reading' | 'complete' | 'interrupted' | 'incomplete' | 'corrupt';
  problem: string | null;
  undated: number;
  skipped: number;
}

export function sourcesSummary(db: Db): SourceSummaryRow[] {
  return db
    .prepare(
      `SELECT s.id, s.path, s.format, s.lines, s.requests, s.new_requests, s.opaque, s.malformed, s.observations, \
s.first_time,
              s.last_time, s.compressed, s.nova_api_seen, (SELECT count(*) FROM source_names n \
WHERE n.source_id = s.id) AS names,
              s.offset, s.size, s.state, s.problem, s.undated, s.skipped
         FROM sources s ORDER BY s.id`,
    )
    .all() as SourceSummaryRow[];
}

export function malformedExamples(
  db: Db,
  limit: number,
): { path: string; line: number; reason: string; text: string; api: string | null }[] {
  // Lines that name an API first: an unreadable call of interest matters more than noise.
  return db
    .prepare(
      `SELECT s.path, m.line, m.reason, m.text, m.api FROM malformed_lines m JOIN sources s ON s.id = m.source_id
        ORDER BY m.api IS NULL, m.source_id, m.line LIMIT ?`,
    )
    .all(limit) as { path: string; line: number; reason: string; text: string; api: string | null }[];
}

/** Unreadable lines (malformed or over-long) that name each API, over every source. */
export function malformedByApi(db: Db): Record<string, number> {
  const rows = db.prepare('SELECT api, sum(lines) AS n FROM malformed_apis GROUP BY api').all() as {
    api: string;
    n: number;
  }[];
  return Object.fromEntries(rows.map((r) => [r.api, r.n]));
}

/** Inputs the last ingest of each could not read (corrupt .gz, unreadable files). */
export function inputProblems(db: Db): { path: string; kind: string; message: string; seenAt: string }[] {
  return db.prepare('SELECT path, kind, message, seen_at AS seenAt FROM input_problems ORDER BY path').all() as {
    path: string;
    kind: string;
    message: string;
    seenAt: string;
  }[];
}

/** A front end's requests for one service and what decided them (src/service.ts). */
export interface FrontendSeenRow {
  layer: string;
  name: string;
  service: string;
  decidedBy: string;
  evidence: string;
  requests: number;
}

/**
 * Front ends seen: requests per service and what decided it (src/service.ts), most requests
 * first. Front ends a search server's aggregation counted (per hour the largest count any window
 * gave, summed over hours) join them: where the aggregation counted more than the lines did, the
 * difference is a row of its own (the larger count stands, as for hour totals).
 */
export function frontendsSeen(db: Db): FrontendSeenRow[] {
  const rows = db
    .prepare(
      `SELECT layer, name, service, decided_by AS decidedBy, evidence, requests FROM frontends
        ORDER BY requests DESC, name, service, decided_by, evidence`,
    )
    .all() as FrontendSeenRow[];
  const pushed = db
    .prepare(
      `SELECT layer, frontend AS name, service, sum(n) AS requests FROM (
         SELECT layer, frontend, service, hour, max(requests) AS n FROM pushed_totals WHERE layer <> 'nova'
          GROUP BY layer, frontend, service, hour)
        GROUP BY layer, frontend, service`,
    )
    .all() as Omit<FrontendSeenRow, 'decidedBy' | 'evidence'>[];
  for (const p of pushed) {
    const lines = rows.filter((r) => r.layer === p.layer && r.name === p.name && r.service === p.service);
    const inLines = lines.reduce((n, r) => n + r.requests, 0);
    if (p.requests <= inLines) continue;
    // The requests the lines did not show were decided as most of those lines were; with no line
    // at all, by the front end's name (what a search server's aggregation files them under).
    const main = lines.reduce<FrontendSeenRow | null>((a, r) => (a === null || r.requests > a.requests ? r : a), null);
    if (main) main.requests += p.requests - inLines;
    else rows.push({ ...p, decidedBy: 'name', evidence: `frontend name ${p.name}` });
  }
  return rows.sort(
    (a, b) =>
      b.requests - a.requests ||
      a.name.localeCompare(b.name) ||
      a.service.localeCompare(b.service) ||
      a.decidedBy.localeCompare(b.decidedBy) ||
      a.evidence.localeCompare(b.evidence),
  );
}

/** Front-end requests of a compute pack's route (`api`) attributed to another service. */
export interface SetAsideRow extends FrontendSeenRow {
  api: string;
}

/** Front-end requests with a compute route that were attributed to another service, per API. */
export function frontendsSetAside(db: Db): SetAsideRow[] {
  return db
    .prepare(
      `SELECT layer, name, service, decided_by AS decidedBy, evidence, api, requests FROM frontend_set_aside
        ORDER BY api, requests DESC, name, service, decided_by, evidence`,
    )
    .all() as SetAsideRow[];
}

/**
 * The first and last time of a layer's requests of a service (frontend '') or connections of a TCP-mode
 * frontend (service '').
 */
export interface HourEdgeRow {
  layer: string;
  service: string;
  frontend: string;
  /** The hour's start (ms). */
  hour: number;
  first: number;
  last: number;
}

/** hour_edges' rows of the given hours (their starts, ms). */
export function hourEdges(db: Db, hours: readonly number[]): HourEdgeRow[] {
  const stmt = db.prepare<[number], HourEdgeRow>(
    'SELECT layer, service, frontend, hour, first_ms AS first, last_ms AS last FROM hour_edges WHERE hour = ?',
  );
  return hours.flatMap((h) => stmt.all(Math.floor(h / HOUR)).map((r) => ({ ...r, hour: r.hour * HOUR })));
}

/** Connections logged without HTTP detail (tcplog), per frontend and hour (ms), in the window. */
export function opaqueHours(db: Db, w: Window): { frontend: string; hour: number; connections: number }[] {
  const params: unknown[] = [];
  const from = w.from === null ? null : Math.floor(w.from / HOUR);
  const to = w.to === null ? null : Math.ceil(w.to / HOUR);
  return (
    db
      .prepare(
        'SELECT frontend, hour, connections FROM opaque_hours WHERE 1 = 1' +
          `${windowClause('hour', { from, to }, params)} ORDER BY hour, frontend`,
      )
      .all(...params) as { frontend: string; hour: number; connections: number }[]
  ).map((r) => ({ ...r, hour: r.hour * HOUR }));
}

/** UTC days (YYYY-MM-DD) on which any layer counted any request or connection, in the window. */
export function coveredDays(db: Db, w: Window): string[] {
  const params: unknown[] = [];
  const from = w.from === null ? null : Math.floor(w.from / HOUR);
  const to = w.to === null ? null : Math.ceil(w.to / HOUR);
  const clause = windowClause('hour', { from, to }, params);
  const rows = db
    .prepare(
      `SELECT DISTINCT hour FROM hourly_totals WHERE hour >= 0${clause} UNION SELECT DISTINCT hour FROM opaque_hours \
WHERE hour >= 0${clause}
       UNION SELECT DISTINCT hour FROM pushed_totals WHERE hour >= 0${clause}`,
    )
    .all(...params, ...params, ...params) as { hour: number }[];
  return [...new Set(rows.map((r) => new Date(r.hour * HOUR).toISOString().slice(0, 10)))].sort();
}
